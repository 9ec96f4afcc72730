"""Reminders' behaviours that mutation testing found untested: day 1 is reminded, a deactivated learner
gets nothing, a failed send is retried after its backoff (not at once, not only after the lease) with
its claim released, and a worker whose claim was taken over cannot touch the row afterwards."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from apps.reminders import services
from apps.reminders.models import Reminder

EVENING = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai, a Tuesday


def tick(now):
    with time_machine.travel(now, tick=False):
        ids = services.dispatch()
        return ids, services.send_batch(ids) if ids else {}


@pytest.mark.django_db
def test_day_one_is_reminded(learner):
    user = learner("first", start=date(2026, 3, 10))
    tick(EVENING + timedelta(minutes=1))
    assert [m.to for m in mail.outbox] == [[user.email]] and "Day 1 " in mail.outbox[0].subject
    learner("tomorrow", start=date(2026, 3, 11))
    tick(EVENING + timedelta(minutes=2))
    assert len(mail.outbox) == 1  # a plan that starts tomorrow is not reminded today


@pytest.mark.django_db
def test_a_deactivated_learner_gets_nothing(learner):
    user = learner("gone")
    user.is_active = False
    user.save()
    tick(EVENING + timedelta(minutes=1))
    assert not mail.outbox and not Reminder.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_a_failed_send_is_retried_after_its_backoff_with_its_claim_released(learner, smtp_mailer):
    user = learner("retry")
    smtp_mailer.refusing = True
    ids, outcome = tick(EVENING + timedelta(seconds=10))
    assert outcome["retry"] == 1
    row = Reminder.objects.get(user=user, slot=3)
    assert row.claim_token == "" and row.claimed_at is None  # released: any worker may take it when due
    assert row.attempts == 1 and row.next_attempt_at == EVENING + timedelta(seconds=40)  # 30 s later
    smtp_mailer.refusing = False
    assert tick(EVENING + timedelta(seconds=30))[0] == []  # not at once
    ids, outcome = tick(EVENING + timedelta(seconds=41))  # after its backoff, long before a lease would end
    assert ids == [row.pk] and outcome["sent"] == 1
    # The second failure would wait a minute: the backoff grows.
    assert services.backoff(1) == timedelta(seconds=30) and services.backoff(2) == timedelta(seconds=60)
    assert services.backoff(3) == timedelta(minutes=2) and services.backoff(9) == timedelta(minutes=5)


@pytest.mark.django_db
def test_a_worker_whose_claim_was_taken_over_cannot_touch_the_row(learner):
    user = learner("slow")
    with time_machine.travel(EVENING + timedelta(minutes=1), tick=False):
        services.dispatch()
        row = Reminder.objects.get(user=user, slot=3)
        # Worker A's claim, then its lease runs out; worker B takes the row over and sends it.
        Reminder.objects.filter(pk=row.pk).update(claim_token="a" * 32, claimed_at=EVENING - timedelta(minutes=10), attempts=1)
    with time_machine.travel(EVENING + timedelta(minutes=2), tick=False):
        assert services.dispatch() == [row.pk]
        assert services.send_batch([row.pk])["sent"] == 1
        # Worker A wakes up and reports a failure with its old token: nothing changes.
        stale = Reminder.objects.get(pk=row.pk)
        services._retry([stale], "a" * 32, EVENING + timedelta(minutes=2), OSError("late"))
        services._mark_sent(row.pk, "a" * 32)
    row.refresh_from_db()
    assert row.status == "sent" and row.error == "" and row.next_attempt_at is None
    assert len(mail.outbox) == 1
