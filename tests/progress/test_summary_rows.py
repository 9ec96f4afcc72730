"""The learner-day summary's rows for many learners at once (mutation testing found them guarded only
through pages): each learner's check-ins oldest first with their topics and recent notes, each learner's
own local date, and the topics of any date with their status."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from apps.curriculum.models import Topic
from apps.progress.models import CheckIn, Enrollment, Pause, TopicProgress
from apps.progress.services import enroll
from apps.progress.summary import summarize
from tests.conftest import PLANS

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 10, 18, 30, tzinfo=UTC)  # 11-10 in London, already 11-11 in Shanghai


def learner(name, plan, tz="UTC", start=date(2026, 11, 1)):
    user = get_user_model().objects.create_user(name)
    enroll(user=user, plan=plan, start_date=start, timezone=tz)
    return user


def days(*users, **kwargs):
    enrollments = Enrollment.objects.filter(user__in=users).select_related("plan")
    return summarize(enrollments, now=NOW, **kwargs)


def checkin(user, on, slot, note="", topics=()):
    row = CheckIn.objects.create(user=user, local_date=on, slot=slot, status="done", minutes=30, note=note)
    row.topics.set(topics)
    return row


def test_each_learners_check_ins_oldest_first_with_their_topics(plan):
    ann, ben = learner("ann", plan), learner("ben", plan)
    t1, t2, t3 = (Topic.objects.get(plan=plan, key=k) for k in ("1.1", "1.2", "1.3"))
    # Made out of order, on the same dates and slots for both learners, each with two topics.
    late = checkin(ann, date(2026, 11, 9), 3, topics=[t2, t1])
    early = checkin(ann, date(2026, 11, 8), 2, topics=[t3])
    same_day_first = checkin(ann, date(2026, 11, 9), 1)
    theirs = checkin(ben, date(2026, 11, 9), 3, topics=[t1, t3])
    checkin(ben, date(2026, 11, 9), 1, topics=[t2, t3])
    found = days(ann, ben)
    rows = found[ann.pk].checkins
    assert [(r.id, r.local_date, r.slot) for r in rows] == [
        (early.pk, date(2026, 11, 8), 2), (same_day_first.pk, date(2026, 11, 9), 1), (late.pk, date(2026, 11, 9), 3)]
    assert [r.topic_keys for r in rows] == [("1.3",), (), ("1.1", "1.2")]
    assert [(r.id, r.topic_keys) for r in found[ben.pk].checkins] == [
        (found[ben.pk].checkins[0].id, ("1.2", "1.3")), (theirs.pk, ("1.1", "1.3"))]
    assert all(r.done and r.minutes == 30 and r.status == "done" for r in rows)


def test_notes_from_the_day_before_on_only(plan):
    user = learner("noted", plan)
    checkin(user, date(2026, 11, 7), 1, note="three days ago")
    checkin(user, date(2026, 11, 8), 1, note="two days ago")
    checkin(user, date(2026, 11, 9), 1, note="yesterday")
    checkin(user, date(2026, 11, 10), 1, note="today")
    rows = days(user)[user.pk].checkins
    assert [r.note for r in rows] == ["", "", "yesterday", "today"]


def test_a_topic_of_another_plan_is_left_out(plan):
    call_command("import_plan", str(PLANS / "english-42.md"), slug="data", stdout=None)
    user = learner("mover", plan)
    checkin(user, date(2026, 11, 9), 1, topics=[Topic.objects.get(plan__slug="data", key="1.1"), Topic.objects.get(plan=plan, key="1.2")])
    assert days(user)[user.pk].checkins[0].topic_keys == ("1.2",)


def test_each_learner_has_their_own_local_date_or_the_one_asked_for(plan):
    london, shanghai, asked = learner("london", plan, "Europe/London"), learner("shanghai", plan, "Asia/Shanghai"), learner("asked", plan)
    found = days(london, shanghai, asked, dates={asked.pk: date(2026, 11, 5)})
    assert (found[london.pk].date, found[shanghai.pk].date, found[asked.pk].date) == (
        date(2026, 11, 10), date(2026, 11, 11), date(2026, 11, 5))
    assert (found[london.pk].number, found[shanghai.pk].number, found[asked.pk].number) == (10, 11, 5)


def test_the_topics_of_any_date_with_their_status(plan):
    user = learner("dates", plan)
    Pause.objects.create(user=user, start_date=date(2026, 11, 12), end_date=date(2026, 11, 13))
    first = Topic.objects.filter(plan=plan, start_day__lte=1, end_day__gte=1).first()
    TopicProgress.objects.create(user=user, topic=first, status="done", closed_on=date(2026, 11, 2))
    day = days(user)[user.pk]
    on_day_one = day.topics_on_date(date(2026, 11, 1))
    assert first.key in [t.key for t in on_day_one] and {t.status for t in on_day_one if t.key == first.key} == {"done"}
    assert all(t.status == "not_started" for t in on_day_one if t.key != first.key)
    assert day.topics_on_date(date(2026, 10, 31)) == []  # before day 1
    paused = day.topics_on_date(date(2026, 11, 12))  # a paused date shows the plan day it stands on
    assert [t.key for t in paused] == [t.key for t in day.topics_on_date(date(2026, 11, 11))]
    assert day.topics_on_date(date(2026, 11, 1) + timedelta(days=400)) == []  # after the plan


def test_an_open_pause_runs_to_the_learners_own_today(plan):
    from apps.curriculum.models import Milestone

    user = learner("resting", plan, tz="Asia/Shanghai")
    Pause.objects.create(user=user, start_date=date(2026, 11, 5), end_date=None)
    day = days(user)[user.pk]  # 18:30 UTC on 11-10 is 11-11 in Shanghai: paused 11-05 to 11-11, 7 days
    assert day.state == "paused" and day.date == date(2026, 11, 11)
    day_30 = dict((m.day, due) for m, due in day.milestones)[30]
    assert Milestone.objects.filter(plan=plan, day=30).exists() and day_30 == date(2026, 11, 30) + timedelta(days=7)
    assert [t.key for t in day.topics] == [t.key for t in day.topics_on_date(date(2026, 11, 4))]  # the day it stands on
    assert day.topics  # a paused day still shows its topics


def test_overdue_before_the_plan_and_after_it(plan):
    early, done = learner("early", plan, start=date(2026, 12, 1)), learner("done", plan, start=date(2026, 1, 1))
    last = Topic.objects.filter(plan=plan).order_by("-end_day").first()
    TopicProgress.objects.bulk_create([TopicProgress(user=done, topic=t, status="done", closed_on=date(2026, 6, 1))
                                       for t in Topic.objects.filter(plan=plan).exclude(pk=last.pk)])
    found = days(early, done)
    assert found[early.pk].state == "before" and found[early.pk].overdue == []
    assert found[done.pk].state == "finished" and [t.key for t in found[done.pk].overdue] == [last.key]


def test_todays_slots_carry_todays_check_ins_and_yesterdays_open_ones_are_listed(plan):
    user = learner("slots", plan)  # 2026-11-10 is a Tuesday; 11-09 a Monday
    morning = checkin(user, date(2026, 11, 10), 1)
    checkin(user, date(2026, 11, 9), 2)
    day = days(user)[user.pk]
    assert [(s.slot.number, s.checkin.id if s.checkin else None) for s in day.today_slots] == [(1, morning.pk), (2, None), (3, None)]
    assert [s.slot.number for s in day.yesterday_open] == [1, 3]


def test_the_learners_own_slot_times_are_the_days(plan):
    user = learner("mover", plan)
    Enrollment.objects.filter(user=user).update(slot_overrides={"weekday-1": {"start": "05:00", "end": "06:00"}})
    day = days(user)[user.pk]
    assert day.slot(date(2026, 11, 10), 1).start.strftime("%H:%M") == "05:00"


def test_the_topic_ending_today_is_not_overdue_until_the_day_is_over(plan):
    user = learner("today", plan, start=date(2026, 11, 8))  # day 3 on 11-10
    day = days(user)[user.pk]
    ending_today = [t.key for t in Topic.objects.filter(plan=plan, end_day=3)]
    assert ending_today and not set(ending_today) & {t.key for t in day.overdue}
    assert {t.key for t in Topic.objects.filter(plan=plan, end_day__lt=3)} == {t.key for t in day.overdue}


def test_minutes_today_this_week_and_in_all_against_plan(plan):
    user = learner("minutes", plan)  # 2026-11-10 is a Tuesday: the week began on Monday 11-09
    for on, slot, minutes in ((date(2026, 11, 8), 1, 50), (date(2026, 11, 9), 1, 40), (date(2026, 11, 10), 2, 25),
                              (date(2026, 11, 10), 3, 35)):
        CheckIn.objects.create(user=user, local_date=on, slot=slot, status="done", minutes=minutes)
    CheckIn.objects.create(user=user, local_date=date(2026, 11, 9), slot=2, status="skipped", minutes=0)
    day = days(user)[user.pk]
    assert (day.minutes_today, day.minutes_week, day.minutes_total) == (60, 100, 150)
    # The seed's rhythm: 1 + 1 + 3 hours on weekdays, 8 hours on weekend days.
    assert day.planned_today == 300 and day.planned_week == 5 * 300 + 2 * 480
    assert day.studied_dates == {date(2026, 11, 8), date(2026, 11, 9), date(2026, 11, 10)}


def test_reviews_are_due_by_the_end_of_the_learners_own_day(plan):
    from apps.progress.models import TopicProgress as TP

    user = learner("cards", plan, tz="Asia/Shanghai")  # 18:30 UTC on 11-10 is 02:30 on 11-11 in Shanghai
    topics = list(Topic.objects.filter(plan=plan).order_by("start_day")[:2])
    TP.objects.create(user=user, topic=topics[0], status="done", closed_on=date(2026, 11, 2),
                      due_at=datetime(2026, 11, 11, 15, 59, tzinfo=UTC), stability=3.0, last_review_at=datetime(2026, 11, 8, tzinfo=UTC))
    TP.objects.create(user=user, topic=topics[1], status="done", closed_on=date(2026, 11, 2),
                      due_at=datetime(2026, 11, 11, 16, 1, tzinfo=UTC), stability=3.0, last_review_at=datetime(2026, 11, 8, tzinfo=UTC))
    day = days(user)[user.pk]
    # 15:59 UTC on 11-11 is 23:59 in Shanghai (due today); 16:01 UTC is 00:01 on 11-12 (not yet).
    assert [r.topic.key for r in day.reviews] == [topics[0].key] and day.reviews_waiting == 1
