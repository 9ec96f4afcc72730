"""Each group member's standing: the figures a lead sees, written from the one learner-day summary
(apps.progress.summary.summarize, many learners at once), so the roster of a 10,000-member group is
sorted, filtered and paged by the database instead of summarising 10,000 learners per request.

A standing is never trusted past its time: every write that changes a learner's figures marks it
(apps.groups.signals sets changed_at), and it lapses at the learner's next local midnight
(valid_until). `due_ids()` finds the ones to recompute; `refresh()` recomputes them in batches. The roster
recomputes a group's few out-of-date rows before it reads them, and the worker (groups.tick, every
minute) keeps large groups current (see the README, "Study groups").
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from itertools import accumulate

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.groups.models import NEVER, Membership, Standing
from apps.milestones.models import MilestoneCheck
from apps.milestones.services import state_of
from apps.progress import stats
from apps.progress.models import Enrollment
from apps.progress.summary import LearnerDay, summarize

BATCH = 500
KEYS = ["day", "topic_days_done", "buffer_days", "streak", "last_checkin"]  # copied to Membership
FIELDS = ["computed_at", "valid_until", "as_of", "state", "day", "total_days", "topic_days_done", "buffer_days", "streak",
          "last_checkin", "milestones", "done_by_day"]


def due_ids(now: datetime | None = None, *, among=None, limit: int | None = None) -> list[int]:
    """The user ids whose standings are out of date at `now` (written to since they were computed, or
    past their day), among `among` (user ids or a subquery of them) if given. One query, a UNION of
    two parts each read from its own small index: one OR of the two would read every standing."""
    now = now or timezone.now()
    parts = []
    for condition in (Q(changed_at__gte=F("computed_at")), Q(valid_until__lte=now)):
        rows = Standing.objects.filter(condition)
        if among is not None:
            rows = rows.filter(user_id__in=among)
        parts.append(rows.values_list("user_id", flat=True))
    found = parts[0].union(parts[1])  # UNION: each id once
    return list(found[:limit] if limit is not None else found)


def refresh(user_ids, *, now: datetime | None = None) -> int:
    """Recompute the standings of these learners (those without a plan are left out), BATCH at a time:
    a fixed number of queries a batch. Returns how many were written."""
    user_ids = list(user_ids)
    written = 0
    for first in range(0, len(user_ids), BATCH):
        written += _refresh_batch(user_ids[first:first + BATCH], now or timezone.now())
    return written


def refresh_members(now: datetime | None = None, *, limit: int | None = None) -> int:
    """Every out-of-date standing of a group member, and members who have none yet."""
    now = now or timezone.now()
    stale = due_ids(now, among=Membership.objects.values("user_id"), limit=limit)
    missing = list(Membership.objects.filter(user__standing__isnull=True, user__enrollment__isnull=False)
                   .values_list("user_id", flat=True).distinct()[:limit])
    return refresh([*stale, *missing], now=now)


def _refresh_batch(user_ids: list[int], now: datetime) -> int:
    enrollments = list(Enrollment.objects.select_related("plan").filter(user_id__in=user_ids))
    if not enrollments:
        return 0
    days = summarize(enrollments, now=now)
    done = {}
    for user_id, item_id, is_done in MilestoneCheck.objects.filter(user_id__in=user_ids).values_list("user_id", "item_id", "done"):
        done[(user_id, item_id)] = is_done
    rows = [_standing(day, done, now) for day in days.values()]
    with transaction.atomic():
        Standing.objects.bulk_create(rows, update_conflicts=True, unique_fields=["user"], update_fields=FIELDS)
        copy_keys(list(days))
    return len(rows)


def copy_keys(user_ids) -> None:
    """The roster's sort keys onto each of these learners' memberships, from their standings and
    usernames (one UPDATE; see Membership). Never checked in: NEVER."""
    own = Standing.objects.filter(user_id=OuterRef("user_id"))
    keys = {key: Subquery(own.values(key)[:1]) for key in KEYS}
    keys["last_checkin"] = Coalesce(keys["last_checkin"], Value(NEVER))
    name = get_user_model().objects.filter(pk=OuterRef("user_id")).values("username")[:1]
    Membership.objects.filter(user_id__in=list(user_ids)).update(plan_state=Subquery(own.values("state")[:1]), username=Subquery(name), **keys)


class _Check:
    def __init__(self, done: bool):
        self.done = done


def _standing(day: LearnerDay, done: dict, now: datetime) -> Standing:
    midnight = datetime.combine(day.date + timedelta(days=1), time(0), tzinfo=day.enrollment.tz)
    items = {}
    for item in day.parts.milestone_items:
        items.setdefault(item.milestone_id, []).append(_Check(done.get((day.user_id, item.pk), False)))
    milestones = [
        {"day": m.day, "title": m.title, "state": state_of(items.get(m.pk, []), due, day.date)} for m, due in day.milestones
    ]
    return Standing(
        user_id=day.user_id,
        computed_at=now,
        valid_until=midnight.astimezone(UTC),
        as_of=day.date,
        state=day.state,
        day=day.number,
        total_days=day.total_days,
        topic_days_done=day.topic_days_closed,
        buffer_days=day.buffer_days,
        streak=day.streak.current,
        last_checkin=max((c.local_date for c in day.checkins if c.done), default=None),
        milestones=milestones,
        done_by_day=done_by_day(day),
    )


def done_by_day(day: LearnerDay) -> list[int]:
    """Topic-days done by the end of each plan day, from day 1 to the learner's day."""
    if day.state == "before":
        return []
    added = [0] * (day.number + 1)
    for topic_id, progress in day.progress.items():
        if progress.status in stats.CLOSED:
            closed = day.schedule.day_number(progress.closed_on) if progress.closed_on is not None else day.number
            number = min(max(closed, 1), day.number)
            added[number] += day.parts.topic_by_id[topic_id].days
    return list(accumulate(added[1:]))
