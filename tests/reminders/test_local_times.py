"""With the clock frozen and stepped a minute at a time through whole local days: each learner gets exactly
one e-mail per enabled slot per local day, within two minutes after the slot starts, across DST changes,
half-hour and 45-minute offsets."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from apps.progress.learner import Learner
from apps.progress.summary import slots_on
from apps.reminders import services
from apps.reminders.models import Reminder
from tests.conftest import move_slot

pytestmark = pytest.mark.django_db


def tick_through(first: datetime, last: datetime, dense: list[datetime]):
    """Run the dispatcher and send what it finds, like beat does once a minute; note when each mail went.

    Beat's every minute is simulated around each slot start (from 3 minutes before to 6 after), and
    every 10 minutes elsewhere, to keep the test fast; the coarse ticks check that nothing goes twice."""
    ticks = set()
    now = first
    while now <= last:
        ticks.add(now)
        now += timedelta(minutes=10)
    for start in dense:
        ticks.update(start.replace(second=0) + timedelta(minutes=m) for m in range(-3, 7))
    sent_at = {}
    with time_machine.travel(first, tick=False) as clock:
        for now in sorted(t for t in ticks if first <= t <= last):
            clock.move_to(now)
            for batch in services.batches(services.dispatch()):
                before = len(mail.outbox)
                services.send_batch(batch)
                for message in mail.outbox[before:]:
                    sent_at[message.subject + message.to[0]] = now
    return sent_at


def set_times(user, days, times):
    for number, (start, end) in enumerate(times, start=1):
        move_slot(user, days, number, start, end)


@pytest.mark.parametrize(
    "zone, local_day, times",
    [
        # Spring forward in New York: 02:00 → 03:00. A 02:30 slot does not exist that night; it is sent at 03:30 EDT.
        ("America/New_York", date(2026, 3, 8), [(time(2, 30), time(3, 30)), (time(14), time(17)), (time(20), time(22))]),
        # Fall back in New York: 01:00-02:00 happens twice; the 01:30 slot still gets one e-mail.
        ("America/New_York", date(2026, 11, 1), [(time(1, 30), time(2, 30)), (time(14), time(17)), (time(20), time(22))]),
        # London's clocks go forward at 01:00 GMT on 2026-03-29.
        ("Europe/London", date(2026, 3, 29), [(time(9), time(12)), (time(14), time(17)), (time(20), time(22))]),
        # Lord Howe moves by half an hour: 02:00 daylight time becomes 01:30 on 2026-04-05.
        ("Australia/Lord_Howe", date(2026, 4, 5), [(time(1, 45), time(2, 45)), (time(14), time(17)), (time(20), time(22))]),
        ("Asia/Kathmandu", date(2026, 3, 10), None),  # UTC+05:45, a weekday
        ("Asia/Shanghai", date(2026, 3, 10), None),
    ],
)
def test_one_email_per_slot_per_local_day_within_two_minutes(learner, zone, local_day, times):
    user = learner("ann", timezone=zone, start=local_day - timedelta(days=5))
    kind = "weekend" if local_day.weekday() >= 5 else "weekday"
    if times:
        set_times(user, kind, times)
    slots = slots_on(Learner.load(user).slots, local_day)
    tz = ZoneInfo(zone)
    first = datetime.combine(local_day, time(0), tzinfo=tz).astimezone(UTC) - timedelta(minutes=5)
    last = datetime.combine(local_day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC) + timedelta(minutes=5)
    starts = [services.slot_instants(local_day, s.start, s.end, tz)[0] for s in slots]
    sent_at = tick_through(first, last, starts)

    mine = [m for m in mail.outbox if m.to == ["ann@example.com"]]
    assert len(mine) == len(slots) == 3
    assert Reminder.objects.filter(user=user, local_date=local_day, status="sent").count() == 3
    for slot in slots:
        starts, _ = services.slot_instants(local_day, slot.start, slot.end, tz)
        message = next(m for m in mine if f"· {slot.start:%H:%M} " in m.subject)
        delay = sent_at[message.subject + message.to[0]] - starts
        assert timedelta(0) <= delay <= timedelta(minutes=2), (slot.start, delay)
