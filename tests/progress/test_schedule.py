"""Which plan day it is: counted in the learner's timezone, stepping over paused days."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.progress.learner import Learner
from apps.progress.schedule import PausedSpan, Schedule, day_kind
from apps.progress.services import enroll

pytestmark = pytest.mark.django_db


def schedule(start=date(2026, 3, 1), tz="UTC", pauses=(), now=datetime(2026, 6, 1, tzinfo=UTC), total=180):
    return Schedule(start, ZoneInfo(tz), [PausedSpan(*p) for p in pauses], total_days=total, now=now)


def test_day_numbers_without_pauses():
    s = schedule()
    assert s.day_number(date(2026, 3, 1)) == 1
    assert s.day_number(date(2026, 3, 31)) == 31
    assert s.day_number(date(2026, 2, 28)) == 0
    assert s.date_of(1) == date(2026, 3, 1) and s.date_of(31) == date(2026, 3, 31)


def test_a_pause_shifts_the_rest_of_the_plan():
    s = schedule(pauses=[(date(2026, 3, 5), date(2026, 3, 11))])  # 7 days off
    assert s.day_number(date(2026, 3, 4)) == 4
    assert s.state(date(2026, 3, 8)) == "paused"
    assert s.day_number(date(2026, 3, 8)) == 4  # the plan stands still
    assert s.day_number(date(2026, 3, 12)) == 5
    assert s.date_of(5) == date(2026, 3, 12)
    assert s.paused_days_through(date(2026, 3, 31)) == 7
    assert s.date_of(180) == date(2026, 9, 3)  # 2026-08-27 plus the 7 paused days


def test_an_open_pause_is_taken_to_end_today_when_looking_ahead():
    s = schedule(pauses=[(date(2026, 5, 30), None)], now=datetime(2026, 6, 1, 12, tzinfo=UTC))
    assert s.state(date(2026, 6, 1)) == "paused"
    assert s.paused_days_through(date(2026, 6, 1)) == 3
    assert s.date_of(91) == date(2026, 6, 2)  # day 90 was 2026-05-29; the pause is 05-30 to 06-01
    assert s.open_pause() == PausedSpan(date(2026, 5, 30), None)


def test_states():
    s = schedule(total=10)
    assert s.state(date(2026, 2, 1)) == "before"
    assert s.state(date(2026, 3, 10)) == "active"
    assert s.state(date(2026, 3, 11)) == "finished"


def test_weekdays_and_weekends():
    assert day_kind(date(2026, 11, 27)) == "weekday"  # Friday
    assert day_kind(date(2026, 11, 28)) == "weekend"
    assert day_kind(date(2026, 11, 29)) == "weekend"
    assert day_kind(date(2026, 11, 30)) == "weekday"


@pytest.mark.parametrize(
    "tz, before, after",
    [
        # Shanghai is UTC+8: 15:59 UTC is 23:59 local, 16:00 UTC is the next local day.
        ("Asia/Shanghai", datetime(2026, 3, 10, 15, 59, tzinfo=UTC), datetime(2026, 3, 10, 16, 0, tzinfo=UTC)),
        # Kathmandu is UTC+5:45.
        ("Asia/Kathmandu", datetime(2026, 3, 10, 18, 14, tzinfo=UTC), datetime(2026, 3, 10, 18, 15, tzinfo=UTC)),
        # New York on 2026-03-08, the day DST starts (EST → EDT): local midnight of the 9th is 04:00 UTC.
        ("America/New_York", datetime(2026, 3, 9, 3, 59, tzinfo=UTC), datetime(2026, 3, 9, 4, 0, tzinfo=UTC)),
        # ... and 2026-11-01, the day it ends: local midnight of the 2nd is 05:00 UTC.
        ("America/New_York", datetime(2026, 11, 2, 4, 59, tzinfo=UTC), datetime(2026, 11, 2, 5, 0, tzinfo=UTC)),
    ],
)
def test_day_n_turns_over_at_the_learners_midnight(plan, django_user_model, tz, before, after):
    user = django_user_model.objects.create_user("traveller")
    start = before.astimezone(__import__("zoneinfo").ZoneInfo(tz)).date()
    enroll(user=user, plan=plan, start_date=start, timezone=tz)
    with time_machine.travel(before, tick=False):
        learner = Learner.load(user)
        assert learner.today == start and learner.schedule.day_number(learner.today) == 1
    with time_machine.travel(after, tick=False):
        learner = Learner.load(user)
        assert learner.schedule.day_number(learner.today) == 2


def test_the_today_page_says_day_n_in_the_learners_timezone(client, plan, django_user_model):
    user = django_user_model.objects.create_user("kathmandu")
    enroll(user=user, plan=plan, start_date=date(2026, 3, 1), timezone="Asia/Kathmandu")
    client.force_login(user)
    with time_machine.travel(datetime(2026, 3, 10, 18, 14, tzinfo=UTC), tick=False):  # 23:59 on the 10th there
        assert "Day 10 of 180" in client.get("/").content.decode()
    with time_machine.travel(datetime(2026, 3, 10, 18, 15, tzinfo=UTC), tick=False):  # 00:00 on the 11th
        assert "Day 11 of 180" in client.get("/").content.decode()
