"""Streaks: a day counts when a slot is checked in as done; paused days neither break nor extend."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.progress.models import CheckIn, Pause
from apps.progress.schedule import PausedSpan, Schedule
from apps.progress.stats import streaks

START = date(2026, 3, 1)


def days(first, last):
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


def make(pauses=()):
    return Schedule(START, ZoneInfo("UTC"), [PausedSpan(*p) for p in pauses], total_days=180,
                    now=datetime(2026, 3, 31, tzinfo=UTC))


def test_no_check_ins_no_streak():
    s = streaks(make(), set(), date(2026, 3, 10))
    assert (s.current, s.longest) == (0, 0)


def test_current_streak_counts_back_from_today_or_yesterday():
    studied = days(date(2026, 3, 1), date(2026, 3, 9))
    s = streaks(make(), studied, date(2026, 3, 10))  # today not checked in yet: the streak still stands
    assert (s.current, s.longest) == (9, 9)
    s = streaks(make(), studied | {date(2026, 3, 10)}, date(2026, 3, 10))
    assert (s.current, s.longest) == (10, 10)
    s = streaks(make(), studied, date(2026, 3, 11))  # a whole day missed: broken
    assert (s.current, s.longest) == (0, 9)


def test_longest_is_kept_after_a_break():
    studied = days(date(2026, 3, 1), date(2026, 3, 5)) | days(date(2026, 3, 8), date(2026, 3, 9))
    s = streaks(make(), studied, date(2026, 3, 9))
    assert (s.current, s.longest) == (2, 5)


def test_paused_days_neither_break_nor_extend():
    studied = days(date(2026, 3, 1), date(2026, 3, 4)) | days(date(2026, 3, 12), date(2026, 3, 13))
    s = streaks(make(pauses=[(date(2026, 3, 5), date(2026, 3, 11))]), studied, date(2026, 3, 13))
    assert (s.current, s.longest) == (6, 6)
    # A check-in logged on a paused day does not add to the streak either.
    s = streaks(make(pauses=[(date(2026, 3, 5), date(2026, 3, 11))]), studied | {date(2026, 3, 7)}, date(2026, 3, 13))
    assert (s.current, s.longest) == (6, 6)


@pytest.mark.django_db
@pytest.mark.parametrize("tz", ["Asia/Shanghai", "Asia/Kathmandu", "America/New_York"])
def test_streak_on_the_page_follows_the_learners_local_days(client, plan, django_user_model, tz):
    from apps.progress.services import enroll

    user = django_user_model.objects.create_user("s")
    # New York: the streak runs across 2026-03-08, the 23-hour day DST starts.
    enroll(user=user, plan=plan, start_date=date(2026, 3, 5), timezone=tz)
    for d in days(date(2026, 3, 5), date(2026, 3, 9)):
        CheckIn.objects.create(user=user, local_date=d, slot=1, status="done", minutes=60)
    client.force_login(user)
    import zoneinfo

    local = zoneinfo.ZoneInfo(tz)
    late_on_the_9th = datetime(2026, 3, 9, 23, 30, tzinfo=local)
    with time_machine.travel(late_on_the_9th, tick=False):
        assert "5 days" in client.get("/").content.decode()
    with time_machine.travel(late_on_the_9th + timedelta(minutes=40), tick=False):  # 00:10 on the 10th: not broken yet
        assert "5 days" in client.get("/").content.decode()
    with time_machine.travel(late_on_the_9th + timedelta(days=1, minutes=40), tick=False):  # the 10th went by unstudied
        assert "0 days" in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_skipped_slot_does_not_count_as_studying(plan, django_user_model):
    from apps.progress.learner import Learner
    from apps.progress.services import enroll

    user = django_user_model.objects.create_user("s")
    enroll(user=user, plan=plan, start_date=date(2026, 3, 1), timezone="UTC")
    CheckIn.objects.create(user=user, local_date=date(2026, 3, 5), slot=1, status="skipped")
    CheckIn.objects.create(user=user, local_date=date(2026, 3, 6), slot=1, status="done", minutes=10)
    with time_machine.travel(datetime(2026, 3, 7, 12, tzinfo=UTC), tick=False):
        day = Learner.load(user).day
    assert day.studied_dates == {date(2026, 3, 6)} and day.streak.current == 1
    assert not Pause.objects.exists()
