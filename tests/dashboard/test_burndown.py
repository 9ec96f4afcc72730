"""Burn-down series checked against histories worked out by hand.

A small plan keeps the arithmetic readable: 10 days, one phase, two blocks:
    block 1 (days 1-4): A (2 days), B (2 days)     block 2 (days 5-10): C (3 days), D (3 days)
The learner starts 2026-03-01 (UTC), so plan day N is 2026-03-N, and day 0 is 2026-02-28.
"""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command

from apps.curriculum.models import Plan, Topic
from apps.dashboard import charts
from apps.progress.learner import Learner
from apps.progress.models import Pause, TopicProgress
from apps.progress.services import enroll

pytestmark = pytest.mark.django_db

SMALL = """# Small
## Phase 1: All (Day 1-10)
### Week 1 (Day 1-4): First
1. A (2 days)
2. B (2 days)
### Week 2 (Day 5-10): Second
1. C (3 days)
2. D (3 days)
"""


@pytest.fixture
def learner_at(tmp_path, django_user_model):
    path = tmp_path / "small.md"
    path.write_text(SMALL)
    call_command("import_plan", str(path), stdout=None)
    plan = Plan.objects.get(slug="small")
    user = django_user_model.objects.create_user("h")
    enroll(user=user, plan=plan, start_date=date(2026, 3, 1), timezone="UTC")

    def at(day, closed=(), pauses=()):
        for key, when in closed:
            TopicProgress.objects.update_or_create(user=user, topic=Topic.objects.get(plan=plan, key=key),
                                                   defaults={"status": "done", "closed_on": when})
        for first, last in pauses:
            Pause.objects.create(user=user, start_date=first, end_date=last)
        with time_machine.travel(datetime(2026, 3, day, 12, tzinfo=UTC), tick=False):
            day_ = Learner.load(user).day
            return charts.burndown(day_, charts.history_of(day_))

    return at


def test_no_activity(learner_at):
    b = learner_at(4)
    assert b.days == list(range(11))
    assert b.dates[0] == date(2026, 2, 28) and b.dates[-1] == date(2026, 3, 10)
    assert b.ideal == [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
    assert b.actual == [10, 10, 10, 10, 10]  # day 0 through today, day 4
    assert b.finish_date is None and b.per_day == 0 and b.today == 4


def test_exactly_on_plan(learner_at):
    b = learner_at(7, closed=[("1.1", date(2026, 3, 2)), ("1.2", date(2026, 3, 4)), ("2.1", date(2026, 3, 7))])
    assert b.actual == [10, 10, 8, 8, 6, 6, 6, 3]
    assert b.actual[2] == b.ideal[2] and b.actual[4] == b.ideal[4] and b.actual[7] == b.ideal[7]
    # Pace over the last 14 days: 7 topic-days in the 7 active days so far = 1 a day; 3 left → 2026-03-10.
    assert b.per_day == 1.0 and b.finish_date == date(2026, 3, 10)


def test_a_week_ahead(learner_at):
    # Everything in block 2 was done by day 3.
    b = learner_at(3, closed=[("1.1", date(2026, 3, 1)), ("1.2", date(2026, 3, 2)), ("2.1", date(2026, 3, 2)), ("2.2", date(2026, 3, 3))])
    assert b.actual == [10, 8, 3, 0]
    assert b.remaining == 0 and b.finish_date == date(2026, 3, 3)


def test_a_paused_week_keeps_the_ideal_flat(learner_at):
    b = learner_at(12, closed=[("1.1", date(2026, 3, 2))], pauses=[(date(2026, 3, 3), date(2026, 3, 9))])
    assert b.dates[3:10] == [date(2026, 3, d) for d in range(3, 10)]
    assert b.days == [0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert b.ideal[2:10] == [8] * 8  # flat across the paused week
    assert b.ideal[-1] == 0 and b.dates[-1] == date(2026, 3, 17)  # the plan's end moved by 7 days
    assert b.paused[3:10] == [True] * 7 and not any(b.paused[:3]) and not any(b.paused[10:])


def test_topics_done_out_of_order(learner_at):
    b = learner_at(3, closed=[("2.2", date(2026, 3, 1)), ("1.1", date(2026, 3, 3))])
    assert b.actual == [10, 7, 7, 5]


def test_the_forecast_against_a_hand_computed_date(learner_at):
    # Day 8 (2026-03-08): 4 topic-days closed in 8 active days → 1/2 a day; 6 left → 12 days → 2026-03-20,
    # 10 days after the plan's last day (2026-03-10).
    b = learner_at(8, closed=[("1.1", date(2026, 3, 3)), ("1.2", date(2026, 3, 6))])
    assert b.per_day == pytest.approx(4 / 8) and b.window_days == 8
    assert b.finish_date == date(2026, 3, 20) and b.plan_end == date(2026, 3, 10) and b.days_late == 10


def test_fewer_than_seven_active_days_give_no_forecast(learner_at):
    b = learner_at(6, closed=[("1.1", date(2026, 3, 3)), ("1.2", date(2026, 3, 6))])
    assert b.window_days == 6 and not b.enough_data and b.finish_date is None


def test_the_pace_is_taken_over_active_days_only(learner_at):
    # Day 12 of the calendar, 7 of them paused: the window reaches back past the pause to 14 active days
    # (only 5 exist: 3-1..3-2 and 3-10..3-12), so 1.1's 2 topic-days over 5 days, not over 12.
    b = learner_at(12, closed=[("1.1", date(2026, 3, 2))], pauses=[(date(2026, 3, 3), date(2026, 3, 9))])
    assert b.window_days == 5 and b.finish_date is None  # under 7 active days: not enough data yet


def test_nothing_done_in_fourteen_days_means_no_forecast(learner_at, django_user_model):
    b = learner_at(20 - 10, closed=[("1.1", date(2026, 3, 1))])
    assert b.finish_date is not None
    user = django_user_model.objects.get(username="h")
    with time_machine.travel(datetime(2026, 3, 16, 12, tzinfo=UTC), tick=False):  # day 1 is now 15 days ago
        day = Learner.load(user).day
        assert charts.burndown(day, charts.history_of(day)).finish_date is None


def test_a_topic_marked_done_at_2330_in_shanghai_counts_on_that_local_day(client, plan, django_user_model):
    user = django_user_model.objects.create_user("late")
    enroll(user=user, plan=plan, start_date=date(2026, 3, 1), timezone="Asia/Shanghai")
    client.force_login(user)
    with time_machine.travel(datetime(2026, 3, 5, 15, 30, tzinfo=UTC), tick=False):  # 23:30 on the 5th in Shanghai
        client.post("/topics/1.1/", {"status": "done"})
        client.post("/checkins/", {"date": "2026-03-05", "slot": "3", "status": "done", "minutes": "90"})
        body = client.get("/api/v1/burndown").json()
    assert TopicProgress.objects.get(user=user).closed_on == date(2026, 3, 5)
    index = body["dates"].index("2026-03-05")
    assert body["actual"][index - 1] == 180 and body["actual"][index] == 177
    with time_machine.travel(datetime(2026, 3, 5, 15, 30, tzinfo=UTC), tick=False):
        day = Learner.load(user).day
        grid = charts.heatmap(day, charts.history_of(day))
    cell = next(d for week in grid for d in week if d.date == date(2026, 3, 5))
    assert cell.minutes == 90
