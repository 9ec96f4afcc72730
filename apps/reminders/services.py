"""Dispatch and send: how each reminder goes out exactly once.

`dispatch(now)` runs once a minute (Celery beat's single tick, or `send_due_reminders` from cron):
1. finds every (learner, local date, slot) whose start, in the learner's own timezone and slot times,
   fell in the last few hours, from a constant number of queries (one per kind of data, never one
   per learner: slots are filtered in SQL by each timezone's local time window);
2. inserts one Reminder row for each under the unique constraint (ON CONFLICT DO NOTHING): pending if
   still due (at most 60 minutes late and the slot not over), skipped if already checked in, missed if
   too late. A second dispatch of the same tick, or a second beat, inserts nothing new;
3. closes pending rows whose window has passed (missed, or failed if sending was tried), and returns
   the ids of pending rows ready to send, including retries and rows a killed worker left claimed.

`send_batch(ids)` claims rows with a conditional UPDATE (only rows still pending and not claimed by a
live worker), mails them over one SMTP connection, and marks each row sent right after its message is
accepted, so a worker killed mid-batch re-sends at most the one message it was in. SMTP errors are
retried with backoff until the window closes.
"""

from __future__ import annotations

import logging
import time as time_
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import mailers
from django.db.models import F, Q
from django.utils import timezone

from apps.curriculum.models import Slot, minutes_between
from apps.progress.models import CheckIn, Enrollment, Pause, SlotTime
from apps.progress.schedule import PausedSpan, Schedule, day_kind
from apps.reminders.models import Reminder, ReminderSettings

log = logging.getLogger(__name__)

LATE_LIMIT = timedelta(minutes=60)  # a reminder more than this late is no use: recorded missed
LOOKBACK = timedelta(hours=3)  # how far back a tick looks for slots with no row yet
# A claim older than this (its worker was killed?) may be taken over; longer than a send task may run.
LEASE = timedelta(seconds=getattr(settings, "REMINDER_LEASE_SECONDS", 150))
# Messages per task and SMTP connection. Each batch has a fixed cost (its claim, a dozen queries for the
# whole batch, an SMTP connection): at 50 it was a seventh of a fan-out's time (bench/README.md).
BATCH_SIZE = 200
# A batch stops sending after this long and hands its unsent rows back for the next tick: well inside
# the task's soft time limit (100 s) and the claim's LEASE, so a slow SMTP server never makes a batch
# outlive its claim.
SEND_BUDGET = timedelta(seconds=60)
SNOOZE = timedelta(minutes=30)


def slot_instants(local_date: date, start: time, end: time, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC start and end of a slot on a local date. A start in a DST gap (02:30 on a spring-forward
    night) is read with the offset before the change (fold=0), so it falls just after the gap; a start
    that happens twice (fall back) is the first one. The slot lasts its nominal length (a slot ending
    at or before its start runs past midnight), whatever the clocks do meanwhile."""
    begins = datetime.combine(local_date, start, tzinfo=tz).astimezone(UTC)
    return begins, begins + timedelta(minutes=minutes_between(start, end))


def slot_key(days: str, number: int) -> str:
    return f"{days}-{number}"


@dataclass
class Candidate:
    user_id: int
    local_date: date
    slot: int
    kind: str
    due_at: datetime
    window_ends_at: datetime
    status: str


def _local_window_filter(now: datetime) -> tuple[Q, dict[str, list[date]]]:
    """A filter on SlotTime for slots starting around the last LOOKBACK in each learner's timezone,
    and the local dates each timezone's window spans. An hour of slack on both sides covers DST."""
    zones = (
        Enrollment.objects.filter(user__is_active=True)
        .exclude(user__email="")
        .exclude(user__reminder_settings__mode=ReminderSettings.Mode.OFF)
        .values_list("timezone", flat=True)
        .distinct()
    )
    query, dates = Q(pk__in=[]), {}
    for name in zones:
        tz = ZoneInfo(name)
        first = (now - LOOKBACK - timedelta(hours=1)).astimezone(tz)
        last = (now + timedelta(hours=1)).astimezone(tz)
        spans = []
        day = first.date()
        while day <= last.date():
            low = first.time() if day == first.date() else time.min
            high = last.time() if day == last.date() else time.max
            spans.append(Q(days=day_kind(day), start__gte=low, start__lte=high))
            day += timedelta(days=1)
        time_q = Q(pk__in=[])
        for span in spans:
            time_q |= span
        query |= Q(enrollment__timezone=name) & time_q
        dates[name] = [first.date() + timedelta(days=i) for i in range((last.date() - first.date()).days + 1)]
    return query, dates


def find_candidates(now: datetime) -> list[Candidate]:
    window, zone_dates = _local_window_filter(now)
    rows = list(
        SlotTime.objects.filter(window, enrollment__user__is_active=True)
        .exclude(enrollment__user__email="")
        .values(
            "days", "number", "start", "end",
            "enrollment__user_id", "enrollment__timezone", "enrollment__start_date", "enrollment__plan_id",
            "enrollment__plan__total_days",
            "enrollment__user__reminder_settings__mode", "enrollment__user__reminder_settings__weekends",
            "enrollment__user__reminder_settings__disabled_slots",
        )
    )
    if not rows:
        return []
    user_ids = {r["enrollment__user_id"] for r in rows}
    pauses = {}
    for p in Pause.objects.filter(user_id__in=user_ids):
        pauses.setdefault(p.user_id, []).append(PausedSpan(p.start_date, p.end_date))
    plan_slots = {}
    for plan_id, days, number in Slot.objects.filter(plan_id__in={r["enrollment__plan_id"] for r in rows}).values_list(
        "plan_id", "days", "number"
    ):
        plan_slots.setdefault((plan_id, days), []).append(number)

    candidates = []
    for r in rows:
        mode = r["enrollment__user__reminder_settings__mode"] or ReminderSettings.Mode.EVERY_SLOT
        weekends = r["enrollment__user__reminder_settings__weekends"]
        disabled = set(r["enrollment__user__reminder_settings__disabled_slots"] or [])
        if mode == ReminderSettings.Mode.OFF or slot_key(r["days"], r["number"]) in disabled:
            continue
        if mode == ReminderSettings.Mode.DIGEST:
            enabled = sorted(n for n in plan_slots.get((r["enrollment__plan_id"], r["days"]), []) if slot_key(r["days"], n) not in disabled)
            if not enabled or r["number"] != enabled[0]:
                continue  # the digest goes out at the first enabled slot of the day only
        tz = ZoneInfo(r["enrollment__timezone"])
        schedule = Schedule(
            SimpleNamespace(start_date=r["enrollment__start_date"], timezone=r["enrollment__timezone"]),
            pauses.get(r["enrollment__user_id"], []),
            total_days=r["enrollment__plan__total_days"],
            now=now,
        )
        for local_date in zone_dates.get(r["enrollment__timezone"], []):
            if day_kind(local_date) != r["days"] or (weekends is False and r["days"] == "weekend"):
                continue
            starts, ends = slot_instants(local_date, r["start"], r["end"], tz)
            if not (now - LOOKBACK < starts <= now) or schedule.state(local_date) != "active":
                continue
            too_late = now - starts > LATE_LIMIT or now >= ends
            candidates.append(Candidate(
                user_id=r["enrollment__user_id"], local_date=local_date, slot=r["number"],
                kind=Reminder.Kind.DIGEST if mode == ReminderSettings.Mode.DIGEST else Reminder.Kind.SLOT,
                due_at=starts, window_ends_at=min(starts + LATE_LIMIT, ends),
                status=Reminder.Status.MISSED if too_late else Reminder.Status.PENDING,
            ))
    return candidates


def dispatch(now: datetime | None = None) -> list[int]:
    """Record this minute's reminders and return the ids of pending ones to send now."""
    now = now or timezone.now()
    candidates = find_candidates(now)
    if candidates:
        existing = set(
            Reminder.objects.filter(
                user_id__in={c.user_id for c in candidates}, local_date__in={c.local_date for c in candidates}
            ).values_list("user_id", "local_date", "slot", "kind")
        )
        fresh = [c for c in candidates if (c.user_id, c.local_date, c.slot, c.kind) not in existing]
        checked = set(
            CheckIn.objects.filter(
                user_id__in={c.user_id for c in fresh}, local_date__in={c.local_date for c in fresh}
            ).values_list("user_id", "local_date", "slot")
        ) if fresh else set()
        Reminder.objects.bulk_create(
            [
                Reminder(
                    user_id=c.user_id, local_date=c.local_date, slot=c.slot, kind=c.kind, due_at=c.due_at,
                    window_ends_at=c.window_ends_at,
                    status=Reminder.Status.SKIPPED if (c.user_id, c.local_date, c.slot) in checked else c.status,
                )
                for c in fresh
            ],
            ignore_conflicts=True,  # ON CONFLICT DO NOTHING: a concurrent dispatch got there first
        )
    close_expired(now)
    ready = Reminder.objects.filter(status=Reminder.Status.PENDING, due_at__lte=now, window_ends_at__gt=now).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - LEASE),
    )
    return list(ready.order_by("due_at", "id").values_list("id", flat=True))


def close_expired(now: datetime) -> None:
    expired = Reminder.objects.filter(status=Reminder.Status.PENDING, window_ends_at__lte=now)
    expired.filter(attempts=0).update(status=Reminder.Status.MISSED, claim_token="", updated_at=now)
    expired.filter(attempts__gt=0).update(status=Reminder.Status.FAILED, claim_token="", updated_at=now)


def batches(ids: list[int], size: int = BATCH_SIZE) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def backoff(attempts: int) -> timedelta:
    """30 s, 1, 2, 4 minutes, then every 5 minutes while the window is open."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 300))


def send_batch(ids: list[int], *, now: datetime | None = None) -> dict:
    """Claim and mail the given reminders; returns counts by outcome."""
    from apps.reminders.mail import build_messages

    now = now or timezone.now()
    token = uuid.uuid4().hex
    Reminder.objects.filter(id__in=ids, status=Reminder.Status.PENDING, window_ends_at__gt=now).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - LEASE)
    ).update(claimed_at=now, claim_token=token, attempts=F("attempts") + 1, updated_at=now)
    rows = list(Reminder.objects.filter(claim_token=token, status=Reminder.Status.PENDING).select_related("user"))
    outcome = {"sent": 0, "skipped": 0, "retry": 0, "released": 0}
    if not rows:
        return outcome

    checked = set(
        CheckIn.objects.filter(user_id__in={r.user_id for r in rows}, local_date__in={r.local_date for r in rows})
        .values_list("user_id", "local_date", "slot")
    )
    skipped = [r.pk for r in rows if (r.user_id, r.local_date, r.slot) in checked]
    if skipped:
        Reminder.objects.filter(pk__in=skipped, claim_token=token).update(status=Reminder.Status.SKIPPED, updated_at=now)
        outcome["skipped"] = len(skipped)
    rows = [r for r in rows if r.pk not in set(skipped)]
    if not rows:
        return outcome

    messages = build_messages(rows)
    _relaxed_commits()
    connection = mailers.default
    try:
        connection.open()
    except Exception as error:  # the SMTP server refused or is down: every row waits for its retry
        _retry([r for r, _ in messages], token, now, error)
        outcome["retry"] = len(messages)
        return outcome
    started = time_.monotonic()
    try:
        for position, (reminder, message) in enumerate(messages):
            if time_.monotonic() - started > SEND_BUDGET.total_seconds():
                outcome["released"] = _release([r for r, _ in messages[position:]], token)
                break
            try:
                connection.send_messages([message])
            except Exception as error:
                _retry([reminder], token, now, error)
                outcome["retry"] += 1
                _reopen(connection)
                continue
            # Marked sent at once, message by message: a worker killed now re-sends at most this one.
            _mark_sent(reminder.pk, token)
            outcome["sent"] += 1
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - a connection that died while closing needs nothing more
            pass
    return outcome


def _release(rows: list[Reminder], token: str) -> int:
    """Hand claimed rows back unsent (not an attempt): the next tick dispatches them again."""
    return Reminder.objects.filter(pk__in=[r.pk for r in rows], claim_token=token).update(
        claimed_at=None, claim_token="", attempts=F("attempts") - 1, updated_at=timezone.now()
    )


def _mark_sent(pk: int, token: str) -> None:
    """`Reminder.objects.filter(pk=pk, claim_token=token).update(status=SENT, …)` as plain SQL: it runs
    once per message, and compiling the ORM's query cost more than running it (0.54 against 0.35 ms here)."""
    from django.db import connection

    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_MARK_SENT, [Reminder.Status.SENT.value, now, now, pk, token])


_MARK_SENT = (
    f"UPDATE {Reminder._meta.db_table} SET status = %s, sent_at = %s, error = '', updated_at = %s"
    " WHERE id = %s AND claim_token = %s"
)


def _relaxed_commits() -> None:
    """On PostgreSQL, don't wait for each "sent" mark to reach the disk (synchronous_commit off, for this
    worker's connection). The mark is visible to every other worker the moment it commits, which is
    what bounds a killed worker to one duplicate; only a crash of the database server itself could
    lose the last fraction of a second of marks, and with them re-send those few messages. It saves
    a disk flush per message, most of a send's wait (bench/README.md)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    connection.ensure_connection()
    if getattr(connection, "cadence_relaxed", None) is not connection.connection:  # once per (re)connection
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
        connection.cadence_relaxed = connection.connection


def _reopen(connection) -> None:
    try:
        connection.close()
        connection.open()
    except Exception:  # noqa: BLE001 - the next message will fail and be retried in its turn
        pass


def _retry(rows: list[Reminder], token: str, now: datetime, error: Exception) -> None:
    text = f"{type(error).__name__}: {error}"[:2000]
    log.warning("reminders: %d not sent, will retry: %s", len(rows), text)
    for attempts, group in _by_attempts(rows).items():
        Reminder.objects.filter(pk__in=[r.pk for r in group], claim_token=token).update(
            claimed_at=None, claim_token="", error=text, next_attempt_at=now + backoff(attempts), updated_at=now
        )


def _by_attempts(rows):
    groups = {}
    for r in rows:
        groups.setdefault(r.attempts + 1, []).append(r)  # attempts was incremented in the database at claim
    return groups


def snooze(*, user, local_date: date, slot: int, now: datetime | None = None) -> bool:
    """One more reminder for the slot in 30 minutes, once; False if it was snoozed already."""
    now = now or timezone.now()
    _, created = Reminder.objects.get_or_create(
        user=user, local_date=local_date, slot=slot, kind=Reminder.Kind.SNOOZE,
        defaults={"due_at": now + SNOOZE, "window_ends_at": now + SNOOZE + LATE_LIMIT},
    )
    return created


def settings_for(user) -> ReminderSettings:
    return ReminderSettings.objects.get_or_create(user=user)[0]
