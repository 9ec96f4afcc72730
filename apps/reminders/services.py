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
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.core.mail import mailers
from django.db.models import F, Q
from django.utils import timezone, translation

from apps.curriculum.models import Slot
from apps.progress.models import CheckIn, Enrollment
from apps.progress.schedule import Schedule, day_kind
from apps.progress.summary import learner_slots, load_pauses, slot_instants, slots_on
from apps.reminders.models import EMAIL, Channel, Reminder, ReminderSettings

log = logging.getLogger(__name__)

LATE_LIMIT = timedelta(minutes=60)  # a reminder more than this late is no use: recorded missed
LOOKBACK = timedelta(hours=3)  # how far back a tick looks for slots with no row yet
# A claim older than this (its worker was killed?) may be taken over; longer than a send task may run.
LEASE = timedelta(seconds=getattr(settings, "REMINDER_LEASE_SECONDS", 150))
# Messages per task and SMTP connection: each batch has a fixed cost (its claim, a dozen queries for
# the whole batch, an SMTP connection), so batches are large.
BATCH_SIZE = 200
# A batch stops sending after this long and hands its unsent rows back for the next tick: well inside
# the task's soft time limit (100 s) and the claim's LEASE, so a slow SMTP server never makes a batch
# outlive its claim.
SEND_BUDGET = timedelta(seconds=60)
SNOOZE = timedelta(minutes=30)


@dataclass
class Candidate:
    user_id: int
    local_date: date
    slot: int
    kind: str
    due_at: datetime
    window_ends_at: datetime
    status: str
    channel: str = EMAIL


def _zone_windows(now: datetime, zones) -> dict[str, list[tuple[date, time, time]]]:
    """For each timezone, the local (date, earliest, latest) start times a slot may have to be due
    around now: the last LOOKBACK, with an hour of slack on both sides for DST."""
    windows = {}
    for name in zones:
        tz = ZoneInfo(name)
        first = (now - LOOKBACK - timedelta(hours=1)).astimezone(tz)
        last = (now + timedelta(hours=1)).astimezone(tz)
        spans, day = [], first.date()
        while day <= last.date():
            low = first.time() if day == first.date() else time.min
            high = last.time() if day == last.date() else time.max
            spans.append((day, low.replace(tzinfo=None), high.replace(tzinfo=None)))
            day += timedelta(days=1)
        windows[name] = spans
    return windows


def find_candidates(now: datetime) -> list[Candidate]:
    """Every (learner, local date, slot) whose start fell in the last LOOKBACK, at the learner's own
    slots (the plan's rhythm and their overrides, apps.progress.summary.learner_slots), from four
    queries whatever the number of learners."""
    reminded = (
        Enrollment.objects.filter(user__is_active=True)
        .filter(~Q(user__email="") | Q(user__channels__enabled=True))
        .exclude(user__reminder_settings__mode=ReminderSettings.Mode.OFF)
        .distinct()
    )
    windows = _zone_windows(now, reminded.values_list("timezone", flat=True).distinct().order_by())
    if not windows:
        return []
    plan_slots = {}
    for slot in Slot.objects.all():
        plan_slots.setdefault(slot.plan_id, []).append(slot)
    # In SQL, only the learners who may be due: those whose plan has a slot starting in their zone's
    # window, and those who moved a slot (their own times are checked below).
    who = Q(pk__in=[])
    for name, spans in windows.items():
        plans = {
            plan_id
            for plan_id, slots in plan_slots.items()
            for day, low, high in spans
            for s in slots
            if s.days == day_kind(day) and low <= s.start <= high
        }
        who |= Q(timezone=name) & (Q(plan_id__in=plans) | ~Q(slot_overrides={}))
    rows = list(
        reminded.filter(who).values(
            "user_id", "timezone", "start_date", "plan_id", "plan__total_days", "slot_overrides",
            "user__reminder_settings__mode", "user__reminder_settings__weekends", "user__reminder_settings__disabled_slots",
            "user__reminder_settings__email", "user__email",
        )
    )
    pauses = load_pauses(r["user_id"] for r in rows)
    channels = channels_of(r["user_id"] for r in rows)

    candidates = []
    for r in rows:
        mode = r["user__reminder_settings__mode"] or ReminderSettings.Mode.EVERY_SLOT
        weekends = r["user__reminder_settings__weekends"]
        # Each channel with the slots it is on for: e-mail (unless turned off or no address) and the others.
        routes = [(c.code, _slot_keys(c.disabled_slots)) for c in channels.get(r["user_id"], [])]
        if r["user__email"] and r["user__reminder_settings__email"] is not False:
            routes.insert(0, (EMAIL, _slot_keys(r["user__reminder_settings__disabled_slots"])))
        tz = ZoneInfo(r["timezone"])
        schedule = Schedule(r["start_date"], tz, pauses.get(r["user_id"], []), total_days=r["plan__total_days"], now=now)
        slots = learner_slots(plan_slots.get(r["plan_id"], []), r["slot_overrides"])
        for local_date, _low, _high in windows[r["timezone"]]:
            if weekends is False and day_kind(local_date) == "weekend":
                continue
            for channel, disabled in routes:
                todays = sorted((s for s in slots_on(slots, local_date) if s.key not in disabled), key=lambda s: s.start)
                if mode == ReminderSettings.Mode.DIGEST:
                    todays = todays[:1]  # the digest goes out at the day's first reminded slot only
                for slot in todays:
                    starts, ends = slot_instants(local_date, slot.start, slot.end, tz)
                    if not (now - LOOKBACK < starts <= now) or schedule.state(local_date) != "active":
                        continue
                    too_late = now - starts > LATE_LIMIT or now >= ends
                    candidates.append(Candidate(
                        user_id=r["user_id"], local_date=local_date, slot=slot.number,
                        kind=Reminder.Kind.DIGEST if mode == ReminderSettings.Mode.DIGEST else Reminder.Kind.SLOT,
                        due_at=starts, window_ends_at=min(starts + LATE_LIMIT, ends),
                        status=Reminder.Status.MISSED if too_late else Reminder.Status.PENDING, channel=channel,
                    ))
    return candidates


def channels_of(user_ids) -> dict[int, list[Channel]]:
    """Each learner's enabled channels besides e-mail (one query)."""
    found = defaultdict(list)
    for channel in Channel.objects.filter(user_id__in=list(user_ids), enabled=True).only("id", "user_id", "disabled_slots"):
        found[channel.user_id].append(channel)
    return found


def _slot_keys(value) -> set[str]:
    """The slot keys a learner turned reminders off for; anything but a list of strings means none."""
    if not isinstance(value, list):
        return set()
    return {item for item in value if isinstance(item, str)}


def dispatch(now: datetime | None = None) -> list[int]:
    """Record this minute's reminders and return the ids of pending ones to send now."""
    now = now or timezone.now()
    candidates = find_candidates(now)
    if candidates:
        existing = set(
            Reminder.objects.filter(
                user_id__in={c.user_id for c in candidates}, local_date__in={c.local_date for c in candidates}
            ).values_list("user_id", "local_date", "slot", "kind", "channel")
        )
        fresh = [c for c in candidates if (c.user_id, c.local_date, c.slot, c.kind, c.channel) not in existing]
        checked = set(
            CheckIn.objects.filter(
                user_id__in={c.user_id for c in fresh}, local_date__in={c.local_date for c in fresh}
            ).values_list("user_id", "local_date", "slot")
        ) if fresh else set()
        Reminder.objects.bulk_create(
            [
                Reminder(
                    user_id=c.user_id, local_date=c.local_date, slot=c.slot, kind=c.kind, channel=c.channel, due_at=c.due_at,
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

    # Each channel on its own: the other channels go first, one by one, so that a mail server that is
    # down (or slow) never holds back a push or a chat message, nor they the mail.
    others = [r for r in rows if r.channel != EMAIL]
    if others:
        _send_elsewhere(others, token, now, outcome)
    rows = [r for r in rows if r.channel == EMAIL]
    if not rows:
        return outcome

    messages = build_messages(rows)
    connection = mailers.default
    try:
        connection.open()
    except Exception as error:  # the SMTP server refused or is down: every row waits for its retry
        _retry([r for r, _ in messages], token, now, error)
        outcome["retry"] = len(messages)
        return outcome
    started = time_.monotonic()
    pace = Pace(getattr(settings, "EMAIL_RATE_PER_SECOND", 0))
    try:
        for position, (reminder, message) in enumerate(messages):
            if not pace.wait_turn(deadline=started + SEND_BUDGET.total_seconds()):
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


def _send_elsewhere(rows: list[Reminder], token: str, now: datetime, outcome: dict) -> None:
    """Send reminders by push and Apprise channels, each row claimed, sent and marked on its own."""
    from apps.reminders.channels import ChannelError, Gone, deliver
    from apps.reminders.mail import learner_days, render_short

    channels = Channel.objects.in_bulk([Channel.id_of(r.channel) for r in rows])
    started = time_.monotonic()
    items = learner_days(rows)
    for position, (reminder, day, prefs) in enumerate(items):
        if time_.monotonic() - started > SEND_BUDGET.total_seconds():
            outcome["released"] += _release([r for r, _day, _prefs in items[position:]], token)
            return
        channel = channels.get(Channel.id_of(reminder.channel))
        if channel is None or not channel.enabled:
            Reminder.objects.filter(pk=reminder.pk, claim_token=token).update(
                status=Reminder.Status.SKIPPED, error="the channel was removed or turned off", updated_at=now)
            outcome["skipped"] += 1
            continue
        with translation.override(day.enrollment.language):
            short = render_short(reminder, day, prefs, push=channel.kind == Channel.Kind.PUSH)
        try:
            deliver(channel, short)
        except Gone as error:
            Reminder.objects.filter(pk=reminder.pk, claim_token=token).update(
                status=Reminder.Status.FAILED, error=str(error), claim_token="", updated_at=now)
            channel.delete()  # the browser unsubscribed or the subscription expired
            outcome["gone"] = outcome.get("gone", 0) + 1
            continue
        except ChannelError as error:
            _retry([reminder], token, now, error)
            channel_result(channel, "failed", str(error))
            outcome["retry"] += 1
            continue
        _mark_sent(reminder.pk, token)
        channel_result(channel, "sent", "")
        outcome["sent"] += 1


def channel_result(channel: Channel, status: str, error: str) -> None:
    Channel.objects.filter(pk=channel.pk).update(last_status=status, last_error=error[:500], last_at=timezone.now())


def _release(rows: list[Reminder], token: str) -> int:
    """Hand claimed rows back unsent (not an attempt): the next tick dispatches them again."""
    return Reminder.objects.filter(pk__in=[r.pk for r in rows], claim_token=token).update(
        claimed_at=None, claim_token="", attempts=F("attempts") - 1, updated_at=timezone.now()
    )


def _mark_sent(pk: int, token: str) -> None:
    now = timezone.now()
    Reminder.objects.filter(pk=pk, claim_token=token).update(status=Reminder.Status.SENT, sent_at=now, error="", updated_at=now)


class Pace:
    """At most `rate` messages a second across every worker (EMAIL_RATE_PER_SECOND; 0: no limit), so
    an SMTP relay's sending limit is kept without its refusals. Each wall-clock second has a counter in
    the shared cache (Redis in production): the n-th message of a second goes no earlier than
    (n - 1) / rate into it, so they are spread evenly, and none past the rate-th."""

    def __init__(self, rate: int):
        self.rate = rate

    def wait_turn(self, *, deadline: float) -> bool:
        """Wait until this process may send one message; False if that would be past `deadline`
        (a time.monotonic() value)."""
        while time_.monotonic() <= deadline:
            if not self.rate:
                return True
            now = time_.time()
            second = int(now)
            key = f"cadence:email-rate:{second}"
            cache.add(key, 0, timeout=5)
            try:
                taken = cache.incr(key)
            except ValueError:  # expired between add and incr: try the next second
                continue
            if taken > self.rate:
                time_.sleep(max(second + 1 - time_.time(), 0.001))
                continue
            time_.sleep(max(second + (taken - 1) / self.rate - time_.time(), 0))
            return True
        return False


def _reopen(connection) -> None:
    try:
        connection.close()
        connection.open()
    except Exception:  # noqa: BLE001 - the next message will fail and be retried in its turn
        pass


def _retry(rows: list[Reminder], token: str, now: datetime, error: Exception) -> None:
    from apps.reminders.channels import ChannelError

    text = (str(error) if isinstance(error, ChannelError) else f"{type(error).__name__}: {error}")[:2000]
    log.warning("reminders: %d not sent, will retry: %s", len(rows), text)
    for attempts, group in _by_attempts(rows).items():
        Reminder.objects.filter(pk__in=[r.pk for r in group], claim_token=token).update(
            claimed_at=None, claim_token="", error=text, next_attempt_at=now + backoff(attempts), updated_at=now
        )


def _by_attempts(rows):
    groups = {}
    for r in rows:
        groups.setdefault(r.attempts, []).append(r)  # the rows were read after the claim counted this attempt
    return groups


def snooze(*, user, local_date: date, slot: int, now: datetime | None = None, channel: str = EMAIL) -> bool:
    """One more reminder for the slot in 30 minutes, by the channel it was asked from, once; False if
    it was snoozed already."""
    now = now or timezone.now()
    _, created = Reminder.objects.get_or_create(
        user=user, local_date=local_date, slot=slot, kind=Reminder.Kind.SNOOZE, channel=channel,
        defaults={"due_at": now + SNOOZE, "window_ends_at": now + SNOOZE + LATE_LIMIT},
    )
    return created


def settings_for(user) -> ReminderSettings:
    return ReminderSettings.objects.get_or_create(user=user)[0]
