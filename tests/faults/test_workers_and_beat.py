"""Fault tests with real Celery processes on the real Redis: a worker killed mid fan-out, two beats,
and an SMTP server that refuses for a while. Nothing may be lost; nothing may go twice (but the one
message a killed worker was in the middle of)."""

import time

import pytest
from django.conf import settings

from apps.reminders.models import Reminder
from tests.faults.conftest import FULL, Processes, make_due_learners, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def needs_redis():
    if not settings.REDIS_URL:
        pytest.skip("needs the Redis that make test provides")


def test_a_worker_killed_halfway_through_a_fan_out_loses_nothing(plan, sink):
    count = 2000 if FULL else 600
    make_due_learners(plan, count)
    sink.delay = 0.004  # a few ms a message, so the fan-out takes long enough to be interrupted
    procs = Processes(sink.port)
    try:
        first = procs.worker("a")
        procs.tick()
        assert wait_until(lambda: sink.unique() >= count // 3, 120), sink.unique()
        procs.kill(first)  # SIGKILL to the worker and its pool: no warm shutdown, no acks
        at_kill = sink.unique()
        assert at_kill < count, "the kill came too late to test anything"
        procs.worker("b")
        # Beat's part: a tick every 2 s re-offers rows whose claim (5 s lease here) a dead worker left behind.
        deadline = time.monotonic() + 180
        while sink.unique() < count and time.monotonic() < deadline:
            procs.tick()
            time.sleep(2)
    finally:
        procs.stop()
    assert sink.unique() == count
    assert sink.duplicates() <= 1  # at most the message whose SMTP transaction finished as the worker died
    assert Reminder.objects.filter(status="sent").count() == count


def test_two_beats_by_mistake_send_no_duplicates(plan, sink, tmp_path):
    make_due_learners(plan, 40)
    procs = Processes(sink.port, REMINDER_TICK_SECONDS="2")
    try:
        procs.worker("a", concurrency=2)
        procs.beat(tmp_path / "beat-1")
        procs.beat(tmp_path / "beat-2")
        assert wait_until(lambda: sink.unique() >= 40, 60)
        time.sleep(8)  # several more ticks from each beat
    finally:
        procs.stop()
    assert sink.unique() == 40 and sink.duplicates() == 0


def test_smtp_refusing_for_a_while_then_accepting(plan, sink):
    refuse_for = 180 if FULL else 20
    due = make_due_learners(plan, 20, prefix="due")
    # Their window (60 minutes from the slot's start) closes 12 s from now, while the server still refuses.
    closing = make_due_learners(plan, 5, prefix="late", started_seconds_ago=3600 - 12)
    sink.refusing = True
    procs = Processes(sink.port)
    started = time.monotonic()
    try:
        procs.worker("a")
        while time.monotonic() - started < refuse_for + 150 and sink.unique() < len(due):
            if sink.refusing and time.monotonic() - started > refuse_for:
                sink.refusing = False
            procs.tick()
            time.sleep(3)
    finally:
        procs.stop()
    assert sink.refused > 0
    received = set(sink.received)
    assert {u.email for u in due} <= received and sink.duplicates() == 0
    assert not received & {u.email for u in closing}
    failed = Reminder.objects.filter(user__in=closing)
    assert {r.status for r in failed} == {"failed"} and all("451" in r.error for r in failed)


def test_a_channel_refusing_for_a_while_holds_back_no_mail_and_then_gets_each_reminder_once(plan, sink):
    """Real Celery workers: every learner also has a json:// Apprise channel whose server answers 500
    for a while. The e-mails go at once; each channel then gets its reminder exactly once."""
    from apps.reminders import channels
    from tests.receiver import receiving

    refuse_for = 120 if FULL else 15
    due = make_due_learners(plan, 10, prefix="chan")
    with receiving() as receiver:
        for user in due:
            channels.add_apprise(user, f"json://127.0.0.1:{receiver.port}/{user.username}")
        receiver.status = 500
        procs = Processes(sink.port, SECRET_KEY=settings.SECRET_KEY)
        started = time.monotonic()
        try:
            procs.worker("a")
            while time.monotonic() - started < refuse_for + 120 and len({r["path"] for r in receiver.received}) < len(due):
                if receiver.status == 500 and time.monotonic() - started > refuse_for:
                    assert {u.email for u in due} <= set(sink.received)  # mail was not held back by the channel
                    receiver.status = 200
                procs.tick()
                time.sleep(3)
            time.sleep(3)
            procs.tick()
            time.sleep(3)
        finally:
            procs.stop()
    paths = [r["path"] for r in receiver.received]
    assert sorted(paths) == sorted(f"/{u.username}" for u in due)  # each channel once
    assert sink.unique() == len(due) and sink.duplicates() == 0
    assert Reminder.objects.filter(channel="email", status="sent").count() == len(due)
    assert Reminder.objects.exclude(channel="email").filter(status="sent", attempts__gte=2).count() == len(due)
