"""The check-in services at their edges (found by `make mutate checkins`): a day's 1,440 minutes
across its slots, a check-in's note, API tokens (their strength, their name, refusing junk without a
query, noting their use at most every five minutes), a project's done date, and the shift of a plan
that has fallen behind (its span, pauses left out, the moment it is asked for, undoing only a shift)."""

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.curriculum.models import BlockItem, Topic
from apps.progress.models import ApiToken, CheckIn, Pause, TopicProgress
from apps.progress.schedule import PausedSpan, Schedule
from apps.progress.services import (
    TOKEN_PREFIX,
    issue_token,
    pause,
    record_checkin,
    resume,
    set_project,
    shift_plan,
    shift_span,
    undo_shift,
    undoable_shift,
    user_for_token,
)
from tests.conftest import NOW, make_user

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 10)
SHANGHAI = ZoneInfo("Asia/Shanghai")


# --- a day's minutes ---------------------------------------------------------------------------------


def test_one_check_in_may_hold_the_whole_day(alice):
    checkin, created = record_checkin(user=alice, local_date=DAY, slot=1, status="done", minutes=1440)
    assert created and checkin.minutes == 1440


def test_a_days_slots_together_hold_at_most_1440_minutes_and_a_refusal_writes_nothing(alice):
    record_checkin(user=alice, local_date=DAY, slot=1, status="done", minutes=1000)
    record_checkin(user=alice, local_date=DAY, slot=2, status="done", minutes=440)  # exactly the day
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        record_checkin(user=alice, local_date=DAY, slot=3, status="done", minutes=1)
    assert refused.value.code == "day_full"
    assert refused.value.messages == ["That makes 1441 minutes on 2026-11-10; a day has 1,440."]
    assert not CheckIn.objects.filter(user=alice, slot=3).exists()
    with pytest.raises(ValidationError):  # far past the day, too
        record_checkin(user=alice, local_date=DAY, slot=2, status="done", minutes=500)
    assert CheckIn.objects.get(user=alice, slot=2).minutes == 440


def test_rewriting_a_slot_counts_its_new_minutes_not_its_old_ones(alice):
    record_checkin(user=alice, local_date=DAY, slot=1, status="done", minutes=1000)
    checkin, created = record_checkin(user=alice, local_date=DAY, slot=1, status="done", minutes=1200)
    assert not created and checkin.minutes == 1200


def test_another_days_or_another_learners_minutes_do_not_count(alice, bob):
    record_checkin(user=alice, local_date=DAY + timedelta(days=1), slot=2, status="done", minutes=1440)
    record_checkin(user=bob, local_date=DAY, slot=2, status="done", minutes=1440)
    assert record_checkin(user=alice, local_date=DAY, slot=1, status="done", minutes=1440)[1]


def test_one_check_in_longer_than_a_day_is_refused_with_its_own_minutes(alice):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        record_checkin(user=alice, local_date=DAY, slot=1, status="done", minutes=1441)
    assert refused.value.messages == ["That makes 1441 minutes on 2026-11-10; a day has 1,440."]


def test_a_new_check_in_has_an_empty_note_and_a_later_one_without_a_note_keeps_it(alice):
    checkin, _ = record_checkin(user=alice, local_date=DAY, slot=1, status="done", minutes=30)
    assert checkin.note == ""
    record_checkin(user=alice, local_date=DAY, slot=2, status="done", minutes=30, note="read the paper")
    again, _ = record_checkin(user=alice, local_date=DAY, slot=2, status="skipped", minutes=0)
    assert again.note == "read the paper" and again.status == "skipped"


# --- API tokens --------------------------------------------------------------------------------------


def test_a_token_is_long_random_named_and_shown_by_its_first_twelve_characters(alice):
    token, raw = issue_token(user=alice, name="laptop")
    unnamed, other = issue_token(user=alice)
    assert raw.startswith(TOKEN_PREFIX) and len(raw) == len(TOKEN_PREFIX) + 43  # 32 random bytes, URL-safe
    assert raw != other and unnamed.name == ""
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.name == "laptop" and stored.prefix == raw[:12] and raw not in (stored.token_hash, stored.prefix)


def test_junk_and_over_long_tokens_are_refused_without_a_query(alice, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert user_for_token("not-a-token") is None
        assert user_for_token(TOKEN_PREFIX + "x" * 97) is None  # 101 characters
    with django_assert_num_queries(1):  # 100 characters may be a token: looked up, not found
        assert user_for_token(TOKEN_PREFIX + "x" * 96) is None


def test_a_token_brings_its_learner_with_their_plan_in_one_query(alice, frozen, django_assert_num_queries):
    raw = issue_token(user=alice)[1]
    user_for_token(raw)  # its first use is noted
    with django_assert_num_queries(1):
        user = user_for_token(raw)
        assert user == alice and user.enrollment.plan.slug == "llm"


def test_a_tokens_use_is_noted_at_most_every_five_minutes(alice, frozen):
    token, raw = issue_token(user=alice)
    assert user_for_token(raw) == alice
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first == NOW
    frozen.shift(timedelta(minutes=5))
    user_for_token(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first  # exactly five minutes: not yet
    frozen.shift(timedelta(seconds=1))
    user_for_token(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == NOW + timedelta(minutes=5, seconds=1)


# --- projects ---------------------------------------------------------------------------------------


def test_a_project_is_dated_only_when_done(alice, plan):
    item = BlockItem.objects.filter(block__plan=plan).first()
    assert set_project(user=alice, item=item, done=False, link="", local_date=DAY).done_on is None
    assert set_project(user=alice, item=item, done=True, link="", local_date=DAY).done_on == DAY
    assert set_project(user=alice, item=item, done=False, link="", local_date=DAY).done_on is None


# --- shifting the plan ------------------------------------------------------------------------------


def day_of(behind_by, *, today=DAY, start=date(2026, 11, 1), pauses=(), state="active"):
    """A learner's day as shift_span reads it (a LearnerDay's state, behind_by, date and schedule)."""
    schedule = Schedule(start, SHANGHAI, list(pauses), total_days=180, now=datetime.combine(today, datetime.min.time(), SHANGHAI))
    return SimpleNamespace(state=state, behind_by=behind_by, date=today, schedule=schedule)


def test_a_shift_takes_out_as_many_days_as_the_learner_is_behind_counted_back_from_yesterday():
    assert shift_span(day_of(1)) == (DAY - timedelta(days=1), DAY - timedelta(days=1))
    assert shift_span(day_of(3)) == (DAY - timedelta(days=3), DAY - timedelta(days=1))
    assert shift_span(day_of(0)) is None and shift_span(day_of(-2)) is None
    assert shift_span(day_of(3, state="paused")) is None


def test_a_shift_leaves_out_days_already_paused_and_stops_at_the_plans_first_day():
    paused = PausedSpan(DAY - timedelta(days=2), DAY - timedelta(days=2))
    # Three days behind, the day before yesterday already paused: yesterday, and the two days before it.
    assert shift_span(day_of(3, pauses=[paused])) == (DAY - timedelta(days=4), DAY - timedelta(days=1))
    # More days behind than the plan has had: back to its first day, no further.
    assert shift_span(day_of(30)) == (date(2026, 11, 1), DAY - timedelta(days=1))


def behind_learner(django_user_model, plan, name, through_day):
    """A learner 30 days into the plan (day 31 on NOW) with the topics through `through_day` closed."""
    from apps.progress.services import enroll

    user = make_user(django_user_model, name)
    enroll(user=user, plan=plan, start_date=NOW.date() - timedelta(days=30), timezone="Asia/Shanghai", language="en")
    TopicProgress.objects.bulk_create([
        TopicProgress(user=user, topic=t, status="done", closed_on=NOW.date() - timedelta(days=1))
        for t in Topic.objects.filter(plan=plan, end_day__lte=through_day)
    ])
    return user


def test_a_shift_is_worked_out_at_the_moment_it_is_asked_for(django_user_model, plan, frozen):
    """shift_plan(now=...) reads the learner's day at that moment, not at the clock's."""
    user = behind_learner(django_user_model, plan, "idle", 0)
    earlier = NOW - timedelta(days=10)
    made = shift_plan(user=user, now=earlier)
    assert made.kind == Pause.Kind.SHIFT and made.end_date == earlier.date() - timedelta(days=1)


def test_a_shift_reads_the_learner_and_plan_in_a_fixed_number_of_queries(django_user_model, plan, frozen,
                                                                          django_assert_num_queries):
    """The enrollment comes with its plan (one locked read), then the one learner-day summary (the
    plan's own rows are read once per process: the first shift warms them)."""
    assert shift_plan(user=behind_learner(django_user_model, plan, "idle", 0)) is not None
    user = behind_learner(django_user_model, plan, "idler", 0)
    with django_assert_num_queries(8):
        assert shift_plan(user=user) is not None


def test_only_the_learners_own_check_in_ends_the_undo_and_only_a_shift_is_undone(django_user_model, plan, bob, frozen):
    user = behind_learner(django_user_model, plan, "idle", 0)
    made = shift_plan(user=user)
    frozen.shift(timedelta(minutes=1))
    record_checkin(user=bob, local_date=NOW.date(), slot=1, status="done", minutes=30)  # someone else's
    assert undoable_shift(user) == made
    pause(user=user, start_date=NOW.date() + timedelta(days=1))  # a pause made after the shift
    assert undoable_shift(user) == made
    assert undo_shift(user=user) and not Pause.objects.filter(pk=made.pk).exists()
    assert Pause.objects.filter(user=user, kind=Pause.Kind.PAUSE).count() == 1  # the pause is kept
    resume(user=user, today=NOW.date())
    assert undoable_shift(user) is None and not undo_shift(user=user)
