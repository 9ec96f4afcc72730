"""Plans of other lengths and in English import the same way: nothing about the seed is hard-coded."""

import pytest
from django.core.management import call_command

from apps.curriculum.models import BlockItem, Plan, Resource, Slot, Topic
from tests.conftest import PLANS

pytestmark = pytest.mark.django_db


def test_it_imports_an_english_plan():
    call_command("import_plan", str(PLANS / "english-42.md"), slug="data")
    plan = Plan.objects.get(slug="data")
    assert (plan.title, plan.author, plan.total_days) == ("Six-Week Data Engineering Sprint", "Test Author", 42)
    assert (plan.updated, plan.route) == ("2026-01-05", ["SQL", "Python pipelines", "Warehouses"])
    assert plan.mindset == ["Six weeks go fast:", "Focus: one thing at a time", "Rhythm: a little every day"]
    phases = list(plan.phases.all())
    assert [(p.title, p.start_day, p.end_day, p.summary) for p in phases] == [
        ("Foundations", 1, 14, "SQL and Python"),
        ("Pipelines", 15, 42, "Pipelines and warehouses"),
    ]
    topics = {t.key: (t.title, t.start_day, t.end_day) for t in Topic.objects.filter(plan=plan)}
    assert topics == {
        "1.1": ("Joins and aggregates", 1, 3),
        "1.2": ("Window functions", 4, 4),
        "1.3": ("Query plans", 5, 6),  # the two undated topics share 3 days, the earlier one taking the extra
        "1.4": ("Indexes", 7, 7),
        "2.1": ("pandas basics", 8, 9),
        "2.2": ("Testing data code", 10, 14),
        "3.1": ("Airflow", 15, 28),
        "4.1": ("Capstone", 29, 42),
    }
    assert Topic.objects.get(plan=plan, key="1.1").points == ["inner, outer and cross joins", "GROUP BY and HAVING"]
    assert list(BlockItem.objects.filter(block__plan=plan, kind="choice").values_list("text", flat=True)) == [
        "Streaming pipeline", "Batch warehouse",
    ]
    assert [(r.kind, r.title, r.note) for r in Resource.objects.filter(plan=plan)] == [
        ("paper", "MapReduce", "Dean and Ghemawat"),
        ("paper", "The Dataflow Model", ""),
        ("book", "Designing Data-Intensive Applications", "Martin Kleppmann"),
        ("project", "Apache Airflow", ""),
        ("course", "CMU 15-445", "Database Systems"),
    ]
    slots = [(s.days, s.number, f"{s.start:%H:%M}-{s.end:%H:%M}", s.activity) for s in Slot.objects.filter(plan=plan)]
    assert slots == [
        ("weekday", 1, "07:00-08:00", "Reading"),
        ("weekday", 2, "19:00-21:00", "Coding"),
        ("weekend", 1, "09:00-12:00", "Review the week"),
        ("weekend", 2, "20:00-22:00", "Build"),
    ]
    assert [(m.day, [i.text for i in m.items.all()]) for m in plan.milestones.all()] == [
        (14, ["Comfortable with SQL", "Pandas report done"]),
        (42, ["Pipeline in production"]),
    ]
    assert plan.advice == ["Ship small: one query a day", "Write it down"]


def test_it_imports_a_short_chinese_plan_with_chinese_numeral_durations():
    call_command("import_plan", str(PLANS / "chinese-21.md"), slug="zh")
    plan = Plan.objects.get(slug="zh")
    assert plan.total_days == 21
    topics = [(t.key, t.title, t.days) for t in Topic.objects.filter(plan=plan)]
    assert topics == [
        ("1.1", "环境搭建", 1), ("1.2", "语法入门", 3), ("1.3", "练习", 3),
        ("2.1", "阅读源码", 7), ("2.2", "写测试", 7),
    ]
    assert [(m.day) for m in plan.milestones.all()] == [21]
    assert Slot.objects.filter(plan=plan, days="weekend").count() == 2


@pytest.mark.parametrize(
    "text, expected",
    [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十六", 26), ("九十九", 99), ("一百零五", 105), ("42", 42)],
)
def test_chinese_numerals(text, expected):
    from apps.curriculum.parsing import parse_number

    assert parse_number(text) == expected


def test_it_reads_block_numbers_written_in_chinese_up_to_ninety_nine():
    from apps.curriculum.parsing import BLOCK

    match = BLOCK.match("第九十八-九十九周（Day 680-693）：收尾")
    assert match.group(1) == "九十八" and match.group(2) == "九十九"
    assert (match.group(5), match.group(6), match.group(7)) == ("680", "693", "收尾")
