"""What the learner-day summary suggests for a slot, and its slot helpers, as behaviours (mutation testing
found them guarded only through the e-mail's wording): a slot's purpose from the plan's words, the
learner's own slot times, the next paper (today's block first, else an earlier block's, never a later
one's), a course that runs alongside the whole plan, the next practice project, and nothing before day 1."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from apps.curriculum import cache
from apps.curriculum.models import Block, BlockItem, Plan, Resource, Slot
from apps.progress.models import Enrollment, ProjectProgress
from apps.progress.services import enroll
from apps.progress.summary import StudySlot, learner_slots, next_paper, slot_instants, slot_purpose, summarize
from apps.resources.models import UserResource
from tests.conftest import PLANS

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 10, 4, tzinfo=UTC)  # 2026-11-10 in UTC and in Shanghai


@pytest.mark.parametrize("activity, purpose", [
    ("阅读论文", "reading"), ("Reading papers", "reading"), ("看技术博客", "reading"),
    ("视频课程", "course"), ("Online course", "course"), ("Lecture videos", "course"),
    ("动手实践编码", "coding"), ("Hands-on coding", "coding"), ("Build the project", "coding"),
    ("复习", None), ("Rest", None),
])
def test_a_slots_purpose_comes_from_the_plans_words(activity, purpose):
    assert slot_purpose(activity) == purpose


def test_reading_wins_over_coding_when_a_slot_says_both():
    assert slot_purpose("阅读代码") == "reading"  # 阅读 (read) before 代码 (code)


def test_the_learners_own_slot_times():
    plan_slots = [Slot(days="weekday", number=1, start=time(6), end=time(7), activity="阅读论文"),
                  Slot(days="weekday", number=2, start=time(12), end=time(13), activity="视频课程"),
                  Slot(days="weekend", number=1, start=time(9), end=time(12), activity="复习")]
    mine = learner_slots(plan_slots, {"weekday-1": {"start": "05:30", "end": "06:45"}, "weekday-2": {"off": True},
                                      "weekend-1": {"start": "bad", "end": "x"}, "weekday-9": {"start": "01:00", "end": "02:00"}})
    assert [(s.key, s.start, s.end, s.moved) for s in mine] == [
        ("weekday-1", time(5, 30), time(6, 45), True), ("weekend-1", time(9), time(12), False)]
    assert mine[0].minutes == 75 and mine[0].purpose == "reading"
    assert str(mine[0].get_days_display()) == "Weekdays" and str(mine[1].get_days_display()) == "Weekend"
    assert learner_slots(plan_slots, None)[0].start == time(6)  # anything but a dict means no overrides
    assert learner_slots(plan_slots, {"weekday-1": "05:00"})[0].start == time(6)
    assert learner_slots(plan_slots, {"weekday-1": {"start": "05:00"}})[0].start == time(6)  # both ends or none


def test_slot_instants_in_the_learners_zone_overnight_and_across_dst():
    shanghai = ZoneInfo("Asia/Shanghai")
    assert slot_instants(date(2026, 3, 10), time(20), time(23), shanghai) == (
        datetime(2026, 3, 10, 12, tzinfo=UTC), datetime(2026, 3, 10, 15, tzinfo=UTC))
    assert slot_instants(date(2026, 3, 10), time(23), time(1), shanghai)[1] == datetime(2026, 3, 10, 17, tzinfo=UTC)
    berlin = ZoneInfo("Europe/Berlin")  # 2026-03-29: 02:00 → 03:00
    begins, ends = slot_instants(date(2026, 3, 29), time(2, 30), time(3, 30), berlin)
    assert begins == datetime(2026, 3, 29, 1, 30, tzinfo=UTC) and ends - begins == timedelta(hours=1)


def test_next_paper_for_the_block_page():
    papers = [Resource(pk=1, kind="paper", title="a"), Resource(pk=2, kind="paper", title="b"), Resource(pk=3, kind="paper", title="c")]
    papers[0].block_ids, papers[0].topic_ids = {10}, set()
    papers[1].block_ids, papers[1].topic_ids = set(), {7}
    papers[2].block_ids, papers[2].topic_ids = set(), set()
    assert next_paper(papers, set(), 10, set()).pk == 1
    assert next_paper(papers, {1}, 10, {7}).pk == 2
    assert next_paper(papers, {1}, 10, set()).pk == 2  # the first unread of the plan, as a fallback
    assert next_paper(papers, {1}, 10, set(), fallback=False) is None
    assert next_paper(papers, {1, 2, 3}, 10, {7}) is None


@pytest.fixture
def data_plan():
    call_command("import_plan", str(PLANS / "english-42.md"), slug="data", stdout=None)
    plan = Plan.objects.get(slug="data")
    blocks = {b.number: b for b in Block.objects.filter(plan=plan)}
    resources = {r.title: r for r in Resource.objects.filter(plan=plan)}
    for r in resources.values():
        r.blocks.clear()
        r.topics.clear()
    resources["MapReduce"].blocks.set([blocks[1]])
    resources["The Dataflow Model"].blocks.set([blocks[3]])
    resources["Designing Data-Intensive Applications"].blocks.set([blocks[2]])
    cache.clear()
    return plan


def day_of(user, on: date):
    enrollment = Enrollment.objects.select_related("plan").get(user=user)
    return summarize([enrollment], now=NOW, dates={user.pk: on})[user.pk]


def test_what_a_day_suggests(data_plan):
    user = get_user_model().objects.create_user("sug")
    enroll(user=user, plan=data_plan, start_date=date(2026, 11, 1), timezone="UTC")
    day = day_of(user, date(2026, 11, 10))  # day 10: week 2
    assert day.block.number == 2
    # A paper: none belongs with week 2, so the one from week 1, never week 3's.
    assert day.next_paper().title == "MapReduce" == day.next_resource("paper").title
    assert day.next_resource("book").title == "Designing Data-Intensive Applications"  # week 2's own
    assert day.next_resource("course").title == "CMU 15-445"  # tied to no block: alongside the whole plan
    assert day.next_project().text == "Port a SQL report to pandas"
    reading, coding = (StudySlot("weekday", 1, time(7), time(8), "Reading"), StudySlot("weekday", 2, time(19), time(21), "Coding"))
    assert day.suggestion(reading).title == "MapReduce" and day.suggestion(coding).text == "Port a SQL report to pandas"
    assert day.suggestion(StudySlot("weekday", 3, time(21), time(22), "Rest")) is None
    assert day.suggestion(StudySlot("weekday", 3, time(21), time(22), "Online course")).title == "CMU 15-445"
    assert day.slot(date(2026, 11, 10), 1).activity == "Reading" and day.slot(date(2026, 11, 10), 9) is None
    assert day.slot(date(2026, 11, 14), 1).days == "weekend"

    # Read and done: nothing of week 3 comes forward, and the project is finished.
    UserResource.objects.create(user=user, resource=Resource.objects.get(title="MapReduce"), status="done")
    ProjectProgress.objects.create(user=user, item=BlockItem.objects.get(text="Port a SQL report to pandas"), done=True)
    day = day_of(user, date(2026, 11, 10))
    assert day.next_paper() is None and day.next_project() is None
    # Week 3 (day 15 on): its own paper.
    assert day_of(user, date(2026, 11, 16)).next_paper().title == "The Dataflow Model"


def test_nothing_is_suggested_before_day_one(data_plan):
    user = get_user_model().objects.create_user("early")
    enroll(user=user, plan=data_plan, start_date=date(2026, 12, 1), timezone="UTC")
    day = day_of(user, date(2026, 11, 10))
    assert day.state == "before" and day.block is None and day.topics == []
    assert day.next_paper() is None and day.next_resource("course") is None and day.next_project() is None
    assert day.today_slots == [] and day.number == 1


def test_next_paper_prefers_the_ones_that_belong_over_the_first_unread():
    papers = [Resource(pk=1, kind="paper", title="a"), Resource(pk=2, kind="paper", title="b")]
    papers[0].block_ids, papers[0].topic_ids = {10}, set()
    papers[1].block_ids, papers[1].topic_ids = set(), {7}
    assert next_paper(papers, set(), 99, {7}).pk == 2  # by its topic, though not the first of the plan
    assert next_paper(papers, set(), 10, {8}).pk == 1  # by its block alone


def test_links_by_topic_and_courses_tied_to_a_later_block(data_plan):
    user = get_user_model().objects.create_user("links")
    enroll(user=user, plan=data_plan, start_date=date(2026, 11, 1), timezone="UTC")
    from apps.curriculum.models import Topic

    mapreduce, dataflow = Resource.objects.get(title="MapReduce"), Resource.objects.get(title="The Dataflow Model")
    mapreduce.blocks.clear()
    mapreduce.topics.set([Topic.objects.get(plan=data_plan, key="1.3")])  # week 1, by a topic
    dataflow.blocks.clear()
    dataflow.topics.set([Topic.objects.get(plan=data_plan, key="2.2")])  # week 2's later topic
    cmu = Resource.objects.get(title="CMU 15-445")
    cmu.blocks.set([Block.objects.get(plan=data_plan, number=3)])  # a course tied to a later block
    cache.clear()
    day = day_of(user, date(2026, 11, 8))  # day 8: week 2, topic 2.1
    assert [t.key for t in day.topics] == ["2.1"]
    assert day.next_paper().title == "MapReduce"  # an earlier block's, through its topic
    UserResource.objects.create(user=user, resource=mapreduce, status="done")
    day = day_of(user, date(2026, 11, 8))
    assert day.next_paper() is None  # not yet the paper of week 2's later topic
    assert day.next_resource("course") is None  # nor week 3's course
    assert day_of(user, date(2026, 11, 10)).next_paper().title == "The Dataflow Model"  # on topic 2.2's days


def test_a_week_without_projects_suggests_none(data_plan):
    user = get_user_model().objects.create_user("noproj")
    enroll(user=user, plan=data_plan, start_date=date(2026, 11, 1), timezone="UTC")
    day = day_of(user, date(2026, 11, 16))  # week 3: topics only
    assert day.block.number == 3 and day.next_project() is None
    assert day.suggestion(StudySlot("weekday", 2, time(19), time(21), "Coding")) is None


def test_a_paper_linked_to_another_plans_block_is_not_taken_for_an_earlier_one(data_plan, plan):
    user = get_user_model().objects.create_user("stray")
    enroll(user=user, plan=data_plan, start_date=date(2026, 11, 1), timezone="UTC")
    stray = Resource.objects.get(title="MapReduce")
    stray.blocks.set([Block.objects.get(plan=plan, number=1)])  # an admin's slip: the other plan's week 1
    cache.clear()
    assert day_of(user, date(2026, 11, 10)).next_paper() is None
