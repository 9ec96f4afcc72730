"""Each group member's standing: the figures a lead sees, written from the one learner-day summary
(apps.progress.summary.summarize, many learners at once), so the roster of a 10,000-member group is
sorted, filtered and paged by the database instead of summarising 10,000 learners per request.

A standing is never trusted past its time: every write that changes a learner's figures marks it
(apps.groups.signals sets changed_at), and it lapses at the learner's next local midnight
(valid_until). `due()` finds the ones to recompute; `refresh()` recomputes them in batches. The roster
recomputes a group's few out-of-date rows before it reads them, and the worker (groups.refresh, every
minute) keeps large groups current (see the README, "Study groups").
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from itertools import accumulate

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from apps.groups.models import Membership, Standing
from apps.milestones.models import MilestoneCheck
from apps.milestones.services import state_of
from apps.progress import stats
from apps.progress.models import Enrollment
from apps.progress.summary import LearnerDay, summarize

BATCH = 500
FIELDS = ["computed_at", "valid_until", "as_of", "state", "day", "total_days", "topic_days_done", "buffer_days", "streak",
          "last_checkin", "milestones", "done_by_day"]


def due(now: datetime | None = None) -> QuerySet:
    """Standings out of date at `now`: written to since they were computed, or past their day."""
    now = now or timezone.now()
    return Standing.objects.filter(Q(changed_at__gte=F("computed_at")) | Q(valid_until__lte=now))


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
    members = Membership.objects.values("user_id")
    stale = list(due(now).filter(user_id__in=members).values_list("user_id", flat=True)[:limit])
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
    return len(rows)


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
