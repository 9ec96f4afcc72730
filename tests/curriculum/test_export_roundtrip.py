"""export_plan's JSON goes back in through import_plan unchanged: md → json → import → json."""

import io
import json

import pytest
from django.core.management import call_command

from apps.curriculum.models import Plan
from tests.conftest import PLANS, SEED

pytestmark = pytest.mark.django_db

@pytest.fixture(autouse=True)
def _no_plan_yet(no_plan):
    """These tests import plans into an instance that has none yet."""



def export(slug):
    out = io.StringIO()
    call_command("export_plan", slug, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("source", [SEED, PLANS / "english-42.md", PLANS / "chinese-21.md"], ids=lambda p: p.stem)
def test_markdown_to_json_to_import_to_json_is_the_same(tmp_path, source):
    call_command("import_plan", str(source), slug="first", stdout=io.StringIO())
    first = export("first")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(first, ensure_ascii=False))
    Plan.objects.all().delete()  # into an empty database, under the slug the JSON carries
    call_command("import_plan", str(path), stdout=io.StringIO())
    assert export("first") == first


def test_the_export_has_the_documented_shape():
    call_command("import_plan", str(SEED), slug="llm", stdout=io.StringIO())
    doc = export("llm")
    parts = {"slug", "title", "total_days", "phases", "resources", "milestones", "rhythm", "advice", "updated", "route", "mindset"}
    assert parts <= doc.keys()
    assert doc["updated"] == "2024-10-21" and doc["route"][0] == "Python基础" and len(doc["mindset"]) >= 5
    phase = doc["phases"][0]
    assert {"number", "title", "start_day", "end_day", "summary", "output", "blocks"} <= phase.keys()
    block = phase["blocks"][0]
    assert {"number", "title", "start_day", "end_day", "goal", "topics", "projects", "choices", "deliverables"} <= block.keys()
    assert block["topics"][0] == {
        "key": "1.1", "title": "Python核心语法", "start_day": 1, "end_day": 3, "days": 3,
        "points": ["数据类型、控制流、函数、类", "装饰器、生成器、上下文管理器", "异常处理、文件操作"],
    }
    assert doc["resources"][0] == {
        "kind": "paper", "title": "Attention Is All You Need", "note": "Transformer原论文", "blocks": [8], "topics": [],
    }
    assert doc["milestones"][0]["day"] == 30 and len(doc["milestones"][0]["items"]) == 2
    assert doc["rhythm"][2] == {"days": "weekday", "slot": 3, "start": "20:00", "end": "23:00", "activity": "动手实践编码"}


def test_export_of_an_unknown_slug_fails_clearly():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no plan with slug 'nope'"):
        call_command("export_plan", "nope")
