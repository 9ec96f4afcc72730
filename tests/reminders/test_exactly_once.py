"""Exactly once: concurrent dispatchers, late ticks, a refusing SMTP server, check-ins, killed workers."""

import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection

from apps.progress.models import CheckIn, Pause
from apps.reminders import services
from apps.reminders.models import Reminder, ReminderSettings
from tests.conftest import move_slot

# Tuesday 2026-03-10 in Shanghai (UTC+8): the evening slot starts at 20:00 = 12:00 UTC.
EVENING = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def run(now):
    with time_machine.travel(now, tick=False):
        outcome = {"sent": 0, "skipped": 0, "retry": 0, "released": 0}
        for batch in services.batches(services.dispatch()):
            for key, value in services.send_batch(batch).items():
                outcome[key] += value
        return outcome


@pytest.mark.django_db(transaction=True)
def test_two_dispatch_passes_at_once_send_each_reminder_once(learner, smtp_mailer):
    users = [learner(f"u{i}") for i in range(8)]
    barrier = threading.Barrier(2)
    errors = []

    def pass_():
        try:
            with time_machine.travel(EVENING + timedelta(minutes=1), tick=False):
                barrier.wait()
                ids = services.dispatch()
                for batch in services.batches(ids, size=3):
                    services.send_batch(batch)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=pass_) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for user in users:
        assert len(smtp_mailer.to(user.email)) == 1, user
    assert Reminder.objects.filter(status="sent").count() == 8


@pytest.mark.django_db
def test_59_minutes_late_is_sent_and_61_is_missed(learner):
    on_time = learner("late59")
    too_late = learner("late61")
    move_slot(too_late, "weekday", 3, time(19, 58), time(23))
    run(EVENING + timedelta(minutes=59))  # late59's slot began 59 minutes ago, late61's 61
    assert [m.to for m in mail.outbox] == [[on_time.email]]
    assert Reminder.objects.get(user=on_time, slot=3).status == "sent"
    assert Reminder.objects.get(user=too_late, slot=3).status == "missed"
    run(EVENING + timedelta(minutes=60))
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_slot_over_before_the_tick_is_missed_even_if_under_an_hour(learner):
    user = learner("short")
    move_slot(user, "weekday", 3, time(20), time(20, 30))
    run(EVENING + timedelta(minutes=31))
    assert Reminder.objects.get(user=user, slot=3).status == "missed" and not mail.outbox


@pytest.mark.django_db
def test_a_slot_checked_in_before_its_time_gets_no_email(learner):
    user = learner("early")
    CheckIn.objects.create(user=user, local_date=date(2026, 3, 10), slot=3, status="done", minutes=180)
    run(EVENING + timedelta(minutes=1))
    assert not mail.outbox
    assert Reminder.objects.get(user=user, slot=3).status == "skipped"


@pytest.mark.django_db
def test_a_check_in_between_dispatch_and_send_stops_the_email(learner):
    user = learner("between")
    with time_machine.travel(EVENING + timedelta(minutes=1), tick=False):
        ids = services.dispatch()
        CheckIn.objects.create(user=user, local_date=date(2026, 3, 10), slot=3, status="done", minutes=10)
        services.send_batch(ids)
    assert not mail.outbox and Reminder.objects.get(user=user, slot=3).status == "skipped"


@pytest.mark.django_db
def test_an_smtp_server_refusing_for_three_minutes_then_accepting(learner, smtp_mailer):
    users = [learner(f"r{i}") for i in range(3)]
    smtp_mailer.refusing = True
    for minute in range(0, 12):
        if minute == 3:
            smtp_mailer.refusing = False
        run(EVENING + timedelta(minutes=minute, seconds=30))
    assert smtp_mailer.refused >= 3
    for user in users:
        assert len(smtp_mailer.to(user.email)) == 1
        reminder = Reminder.objects.get(user=user, slot=3)
        assert reminder.status == "sent" and reminder.attempts >= 2 and reminder.error == ""


@pytest.mark.django_db
def test_a_server_refusing_past_the_window_leaves_failed_rows_with_the_error(learner, smtp_mailer, admin_client):
    user = learner("nope")
    smtp_mailer.refusing = True
    for minute in range(0, 66, 2):
        run(EVENING + timedelta(minutes=minute, seconds=30))
    reminder = Reminder.objects.get(user=user, slot=3)
    assert reminder.status == "failed" and "451" in reminder.error
    assert not smtp_mailer.messages
    page = admin_client.get("/admin/reminders/reminder/?status__exact=failed").content.decode()
    assert "nope" in page and "451" in page


@pytest.mark.django_db
def test_a_row_left_claimed_by_a_killed_worker_is_sent_after_its_lease(learner):
    user = learner("orphan")
    with time_machine.travel(EVENING + timedelta(minutes=1), tick=False):
        ids = services.dispatch()
        # A worker claimed the row and died before sending.
        Reminder.objects.filter(pk__in=ids).update(claimed_at=EVENING + timedelta(minutes=1), claim_token="dead", attempts=1)
    assert run(EVENING + timedelta(minutes=2))["sent"] == 0  # still within its lease: nobody takes it over
    assert run(EVENING + timedelta(minutes=5))["sent"] == 1  # lease over, window open: sent
    assert len(mail.outbox) == 1 and Reminder.objects.get(user=user, slot=3).status == "sent"


@pytest.mark.django_db
def test_the_same_tick_delivered_twice_sends_once(learner):
    learner("twice")
    run(EVENING + timedelta(minutes=1))
    run(EVENING + timedelta(minutes=1))
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_preferences_off_weekends_per_slot_digest_pause_and_no_email(learner):
    off = learner("off")
    ReminderSettings.objects.filter(user=off).update(mode="off")
    no_slot3 = learner("noslot3")
    ReminderSettings.objects.filter(user=no_slot3).update(disabled_slots=["weekday-3"])
    paused = learner("paused")
    Pause.objects.create(user=paused, start_date=date(2026, 3, 9))
    learner("nomail", email=False)
    digest = learner("digest")
    ReminderSettings.objects.filter(user=digest).update(mode="digest")
    everyone = learner("everyone")
    for hour in (22, 4, 12):  # Shanghai 06:00, 12:00 and 20:00 slots: 22:00 UTC the day before, 04:00, 12:00
        day = 9 if hour == 22 else 10
        run(datetime(2026, 3, day, hour, 1, tzinfo=UTC))
    to = sorted(m.to[0].split("@")[0] for m in mail.outbox)
    assert to == ["digest", "everyone", "everyone", "everyone", "noslot3", "noslot3"]
    digest_mail = next(m for m in mail.outbox if m.to == [digest.email])
    assert "today's plan" in digest_mail.subject and "06:00" in digest_mail.body and "20:00" in digest_mail.body
    assert everyone


@pytest.mark.django_db
def test_no_reminders_on_weekends_when_turned_off(learner):
    user = learner("weekdaysonly")
    ReminderSettings.objects.filter(user=user).update(weekends=False)
    run(datetime(2026, 3, 14, 1, 1, tzinfo=UTC))  # Saturday 09:01 in Shanghai
    assert not mail.outbox


@pytest.mark.django_db
def test_snooze_sends_one_more_reminder_thirty_minutes_later_once(learner):
    user = learner("sleepy")
    run(EVENING + timedelta(minutes=1))
    with time_machine.travel(EVENING + timedelta(minutes=2), tick=False):
        assert services.snooze(user=user, local_date=date(2026, 3, 10), slot=3) is True
        assert services.snooze(user=user, local_date=date(2026, 3, 10), slot=3) is False
    run(EVENING + timedelta(minutes=20))
    assert len(mail.outbox) == 1
    run(EVENING + timedelta(minutes=33))
    assert len(mail.outbox) == 2 and "snoozed" in mail.outbox[1].body
    run(EVENING + timedelta(minutes=40))
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_rows_handed_back_are_dated_when_they_were_handed_back(learner, monkeypatch, smtp_mailer):
    """What the admin shows as a row's last change is the hand-back, not the claim before it."""
    learner("late")
    monkeypatch.setattr(services, "SEND_BUDGET", timedelta(seconds=-1))
    with time_machine.travel(EVENING + timedelta(minutes=1), tick=False):
        batches = list(services.batches(services.dispatch()))
    with time_machine.travel(EVENING + timedelta(minutes=1, seconds=20), tick=False):  # claimed at the tick's time, handed back 20 s on
        assert sum(services.send_batch(batch, now=EVENING + timedelta(minutes=1))["released"] for batch in batches) == 1
    row = Reminder.objects.get(status="pending")
    assert row.claimed_at is None and row.updated_at == EVENING + timedelta(minutes=1, seconds=20)


@pytest.mark.django_db
def test_a_batch_out_of_time_hands_its_unsent_rows_back_for_the_next_tick(learner, monkeypatch, smtp_mailer):
    users = [learner(f"slow{i}") for i in range(3)]
    monkeypatch.setattr(services, "SEND_BUDGET", timedelta(seconds=-1))  # out of time before the first message
    outcome = run(EVENING + timedelta(minutes=1))
    assert outcome["sent"] == 0 and outcome["released"] == 3
    assert Reminder.objects.filter(status="pending", claimed_at__isnull=True, attempts=0).count() == 3
    monkeypatch.setattr(services, "SEND_BUDGET", timedelta(seconds=60))
    assert run(EVENING + timedelta(minutes=2))["sent"] == 3  # the next tick sends them, once each
    for user in users:
        assert len(smtp_mailer.to(user.email)) == 1
