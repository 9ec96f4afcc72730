"""The one home of "what is this learner's day?".

A LearnerDay says, for one learner and one local date: the plan day and its state, the phase and
block, the day's topics and the overdue ones, the study slots at the learner's own times with their
check-ins, yesterday's slots left open, streaks, topic-days closed against planned, minutes logged
against planned, the next milestone, the reviews due, and (on demand) the next unread paper and
the next open practice project. Today, a past day's page, the dashboard's tiles, /api/v1/progress
and the reminder e-mail all read it; none of them works any of it out again.

`summarize(enrollments)` answers it for many learners at once in three queries, whatever their
number and however long their history: their pauses, their topic progress and their check-ins. The
plan's own rows come from the per-process plan cache (apps.curriculum.cache), and each learner's
slots are derived, not stored: the plan's rhythm with the learner's overrides from their enrollment
row (`learner_slots`), so a re-imported plan's new or moved slot is everyone's at once.
Nothing here is cached: every call reads the learner's rows afresh.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db.models import Case, TextField, Value, When
from django.utils import timezone

from apps.curriculum.cache import PlanParts, plan_parts
from apps.curriculum.models import BlockItem, Milestone, Resource, Slot, Topic, minutes_between
from apps.progress import review, stats
from apps.progress.models import CheckIn, Enrollment, Pause, ProjectProgress, TopicProgress
from apps.progress.schedule import PausedSpan, Schedule, day_kind, local_date

READING_WORDS = ("阅读", "论文", "read", "paper", "blog", "博客")
COURSE_WORDS = ("视频", "课程", "video", "course", "lecture")
CODING_WORDS = ("编码", "编程", "代码", "实践", "code", "coding", "hands-on", "project", "build")
WHOLE_PLAN_KINDS = (Resource.Kind.COURSE, Resource.Kind.BOOK)  # unlinked ones are companions for the whole plan


# --- slots: the plan's rhythm at the learner's own times ------------------------------------------


def slot_key(days: str, number: int) -> str:
    """How a slot is named in overrides, reminder settings and chart series: "weekday-1"."""
    return f"{days}-{number}"


def slot_purpose(activity: str) -> str | None:
    """'reading', 'course' or 'coding' when the slot's activity says so (the plan's words, Chinese or English)."""
    lowered = activity.lower()
    if any(word in lowered for word in READING_WORDS):
        return "reading"
    if any(word in lowered for word in COURSE_WORDS):
        return "course"
    if any(word in lowered for word in CODING_WORDS):
        return "coding"
    return None


@dataclass(frozen=True)
class StudySlot:
    days: str  # "weekday" or "weekend"
    number: int
    start: time
    end: time
    activity: str
    moved: bool = False  # at the learner's own times, not the plan's

    @property
    def key(self) -> str:
        return slot_key(self.days, self.number)

    @property
    def minutes(self) -> int:
        return minutes_between(self.start, self.end)

    @property
    def purpose(self) -> str | None:
        return slot_purpose(self.activity)

    def get_days_display(self) -> str:
        return str(Slot.Days(self.days).label)


def learner_slots(plan_slots: Iterable[Slot], overrides: dict) -> tuple[StudySlot, ...]:
    """The plan's slots at the learner's times: a slot they moved has their start and end, one they
    turned off is left out, and an override for a slot the plan no longer has means nothing."""
    slots = []
    for slot in plan_slots:
        mine = overrides.get(slot_key(slot.days, slot.number)) if isinstance(overrides, dict) else None
        mine = mine if isinstance(mine, dict) else {}
        if mine.get("off") is True:
            continue
        start, end, moved = slot.start, slot.end, False
        if "start" in mine and "end" in mine:
            try:
                start, end, moved = time.fromisoformat(mine["start"]), time.fromisoformat(mine["end"]), True
            except (TypeError, ValueError):
                pass  # checked on the way in (SlotOverridesForm, the import); anything else keeps the plan's times
        slots.append(StudySlot(slot.days, slot.number, start, end, slot.activity, moved))
    return tuple(slots)


def slots_on(slots: Iterable[StudySlot], day: date) -> list[StudySlot]:
    kind = day_kind(day)
    return [s for s in slots if s.days == kind]


def slot_instants(day: date, start: time, end: time, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC start and end of a slot on a local date. A start in a DST gap (02:30 on a spring-forward
    night) is read with the offset before the change (fold=0), so it falls just after the gap; a start
    that happens twice (fall back) is the first one. The slot lasts its nominal length (a slot ending
    at or before its start runs past midnight), whatever the clocks do meanwhile."""
    begins = datetime.combine(day, start, tzinfo=tz).astimezone(UTC)
    return begins, begins + timedelta(minutes=minutes_between(start, end))


# --- what a day holds -----------------------------------------------------------------------------


class CheckInRow(NamedTuple):
    """A check-in as the summary reads it (a tuple: a learner has hundreds). `note` is filled for
    yesterday and later only (the cards show it; older notes are the history page's)."""

    id: int
    local_date: date
    slot: int
    status: str
    minutes: int
    note: str = ""
    topic_keys: tuple[str, ...] = ()

    @property
    def done(self) -> bool:
        return self.status == CheckIn.Status.DONE


@dataclass(frozen=True)
class SlotState:
    slot: StudySlot
    local_date: date
    checkin: CheckInRow | None

    @property
    def state(self) -> str:
        """'done', 'skipped' or 'open'."""
        return self.checkin.status if self.checkin is not None else "open"


class Progress(NamedTuple):
    status: str
    closed_on: date | None
    due_at: datetime | None = None
    stability: float | None = None
    last_review_at: datetime | None = None


@dataclass(frozen=True)
class ReviewDue:
    topic: Topic
    due: date  # the learner's local date the card fell due
    recall: float | None  # predicted recall now, 0..1

    @property
    def recall_percent(self) -> int | None:
        return None if self.recall is None else round(100 * self.recall)


@dataclass
class LearnerDay:
    enrollment: Enrollment
    parts: PlanParts
    schedule: Schedule
    date: date  # the learner's local date this day is about (today, unless asked for another)
    state: str  # before, active, paused, finished
    number: int  # the plan day, 1..total_days
    slots: tuple[StudySlot, ...]  # the learner's whole rhythm
    today_slots: list[SlotState]
    yesterday_open: list[SlotState]
    topics: list[Topic]  # the day's topics, each with .status
    overdue: list[Topic]  # planned before the day and not closed, oldest first (the plan cache's own: read-only)
    streak: stats.Streaks
    topic_days_closed: int
    planned_to_date: int
    minutes_today: int
    minutes_week: int
    minutes_total: int
    planned_today: int
    planned_week: int
    reviews: list[ReviewDue]
    progress: dict[int, Progress]  # topic id → status, closed on, and the review card's due time, stability, last review
    reviews_waiting: int  # reviews due by the end of the day, of which `reviews` shows the first few
    checkins: list[CheckInRow]  # every check-in, oldest first
    studied_dates: set[date]  # local dates with a done check-in
    milestones: list[tuple[Milestone, date]]  # every milestone of the plan with its date for this learner
    batch: _Batch = field(repr=False)

    @property
    def user_id(self) -> int:
        return self.enrollment.user_id

    @property
    def plan(self):
        return self.enrollment.plan

    @property
    def total_days(self) -> int:
        return self.enrollment.plan.total_days

    @property
    def block(self):
        return self.topics[0].block if self.topics else None

    @property
    def phase(self):
        return self.block.phase if self.block is not None else None

    @property
    def next_milestone(self) -> tuple[Milestone, date] | None:
        return next(((m, due) for m, due in self.milestones if due >= self.date), None)

    @property
    def ahead_by(self) -> int:
        return self.topic_days_closed - self.planned_to_date

    @property
    def behind_by(self) -> int:
        return -self.ahead_by

    @property
    def buffer_days(self) -> int:
        """Days the learner could stop completely and still be on plan (negative: days behind)."""
        return self.ahead_by

    @property
    def buffer_until(self) -> date | None:
        """The date the buffer runs out: the day that must see study to stay on plan (when behind:
        the plan day the learner's work reaches, already past). None outside the plan."""
        if self.state not in ("active", "paused"):
            return None
        return self.schedule.date_of(_clamp(self.number + self.buffer_days, self.total_days))

    @property
    def buffer_colour(self) -> str:
        """red when behind, orange under 2 days, blue under 4, green otherwise."""
        days = self.buffer_days
        return "red" if days < 0 else "orange" if days < 2 else "blue" if days < 4 else "green"

    @property
    def start_early(self) -> list[Topic]:
        """When nothing is overdue and the day's topics are closed: the next open topics (at most two)."""
        if self.state != "active" or self.overdue or any(t.status not in stats.CLOSED for t in self.topics):
            return []
        after = [t for t in self.parts.topics if t.start_day > self.number and self.topic_status(t.pk) not in stats.CLOSED]
        return self._with_status([copy.copy(t) for t in after[:2]])

    @property
    def open_topics(self) -> list[Topic]:
        """The day's topics not closed yet (what a reminder lists)."""
        return [t for t in self.topics if t.status not in stats.CLOSED]

    @property
    def last_shift(self) -> PausedSpan | None:
        """The learner's latest "shift my dates", if any."""
        shifts = [p for p in self.schedule.pauses if p.shift and p.made is not None]
        return max(shifts, key=lambda p: p.made) if shifts else None

    def overdue_with_status(self) -> list[Topic]:
        """Copies of the overdue topics with their .status, for pages that show buttons on them."""
        return self._with_status([copy.copy(t) for t in self.overdue])

    @property
    def percent_closed(self) -> int:
        return round(100 * self.topic_days_closed / self.total_days) if self.total_days else 0

    @property
    def overdue_topic_days(self) -> int:
        return sum(t.days for t in self.overdue)

    def topic_status(self, topic_id: int) -> str:
        found = self.progress.get(topic_id)
        return found[0] if found else TopicProgress.Status.NOT_STARTED

    def topics_on_date(self, day: date) -> list[Topic]:
        """The plan's topics on `day` (another date than this one), each with its .status."""
        return self._with_status(topics_on_date(self.parts, self.schedule, day))

    def slot(self, day: date, number: int) -> StudySlot | None:
        return next((s for s in slots_on(self.slots, day) if s.number == number), None)

    def next_paper(self) -> Resource | None:
        return self.next_resource(Resource.Kind.PAPER)

    def next_resource(self, kind: str) -> Resource | None:
        """The first unfinished resource of `kind` (paper, course...) that belongs with the day's
        block or topics; else one that belonged with an earlier block; never a later block's (a
        maths day is not the day for the Transformer paper). None when nothing fits."""
        block = self.block
        if block is None:
            return None
        read = {pk for user_id, pk in self.batch.papers_read if user_id == self.user_id}
        unread = [r for r in self.parts.resources if r.kind == kind and r.pk not in read]
        topic_ids = {t.pk for t in self.topics}
        here = [r for r in unread if block.pk in r.block_ids or r.topic_ids & topic_ids]
        if here:
            return here[0]
        number_of = {b.pk: b.number for b in self.parts.blocks.values()}
        for r in unread:
            numbers = {number_of.get(b, 10**6) for b in r.block_ids}
            numbers |= {self.parts.topic_by_id[t].block.number for t in r.topic_ids if t in self.parts.topic_by_id}
            if numbers and max(numbers) < block.number:
                return r
        # A course or a book the plan ties to no block runs alongside the whole plan; a paper does not.
        if kind in WHOLE_PLAN_KINDS:
            return next((r for r in unread if not r.block_ids and not r.topic_ids), None)
        return None

    def next_project(self) -> BlockItem | None:
        """The block's first practice project not done yet."""
        if self.block is None:
            return None
        items = self.parts.items.get(self.block.pk, ())
        return next(
            (i for i in items if i.kind == BlockItem.Kind.PROJECT and (self.user_id, i.pk) not in self.batch.projects_done), None
        )

    def suggestion(self, slot: StudySlot):
        """What to pick up in a slot: the next paper in a reading slot, the next practice project in a coding one."""
        return {
            "reading": lambda: self.next_resource(Resource.Kind.PAPER),
            "course": lambda: self.next_resource(Resource.Kind.COURSE),
            "coding": self.next_project,
        }.get(slot.purpose, lambda: None)()

    def _with_status(self, topics: list[Topic]) -> list[Topic]:
        for topic in topics:
            topic.status = self.topic_status(topic.pk)
        return topics


def next_paper(papers, read: set[int], block_id: int | None, topic_ids: set[int], *, fallback: bool = True) -> Resource | None:
    """The first paper (in plan order) not in `read` that belongs with the block or one of the topics;
    else, with `fallback`, the first unread paper of the plan."""
    unread = [p for p in papers if p.pk not in read]
    here = [p for p in unread if block_id in p.block_ids or p.topic_ids & topic_ids]
    return (here or (unread if fallback else []) or [None])[0]


def topics_on_date(parts: PlanParts, schedule: Schedule, day: date) -> list[Topic]:
    """Copies of the plan's topics on a learner's date: none before day 1 or after the plan."""
    if schedule.state(day) not in ("active", "paused"):
        return []
    return parts.topics_on(_clamp(schedule.day_number(day), schedule.total_days))


def _clamp(number: int, total: int) -> int:
    return min(max(number, 1), max(total, 1))


# --- many learners at once ------------------------------------------------------------------------


class _Batch:
    """What the summarised learners' days share: the rows read once for all of them, and the few
    lookups only some callers need (read lazily, one query each for the whole batch)."""

    def __init__(self, user_ids: list[int]):
        self.user_ids = user_ids

    @cached_property
    def papers_read(self) -> set[tuple[int, int]]:
        # The learners' rows live in apps.resources, which is built on progress; read them through
        # the plan resource's reverse relation instead of importing that app.
        rows = Resource.objects.filter(learners__user_id__in=self.user_ids, learners__status="done")
        return set(rows.values_list("learners__user_id", "pk"))

    @cached_property
    def projects_done(self) -> set[tuple[int, int]]:
        return set(ProjectProgress.objects.filter(user_id__in=self.user_ids, done=True).values_list("user_id", "item_id"))


def load_pauses(user_ids: Iterable[int]) -> dict[int, list[PausedSpan]]:
    """Each learner's pauses (one query)."""
    pauses = defaultdict(list)
    rows = Pause.objects.filter(user_id__in=list(user_ids)).values_list("user_id", "start_date", "end_date", "kind", "created_at")
    for user_id, start, end, kind, made in rows:
        pauses[user_id].append(PausedSpan(start, end, kind == Pause.Kind.SHIFT, made))
    return pauses


def summarize(
    enrollments: Iterable[Enrollment], *, now: datetime | None = None, dates: dict[int, date] | None = None
) -> dict[int, LearnerDay]:
    """Each learner's day, by user id: their local date at `now` (default: this instant), or the date
    `dates` gives for them. The enrollments come with their plan (select_related("plan"))."""
    now = now or timezone.now()
    enrollments = list(enrollments)
    if not enrollments:
        return {}
    user_ids = [e.user_id for e in enrollments]
    days = {e.user_id: (dates or {}).get(e.user_id) or local_date(e.tz, now) for e in enrollments}
    parts = {e.plan_id: plan_parts(e.plan) for e in enrollments}
    batch = _Batch(user_ids)

    pauses = load_pauses(user_ids)
    progress = defaultdict(dict)
    rows = TopicProgress.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "topic_id", "status", "closed_on", "due_at", "stability", "last_review_at"
    )
    for user_id, topic_id, *values in rows:
        progress[user_id][topic_id] = Progress(*values)
    plan_of = {e.user_id: e.plan_id for e in enrollments}
    checkins = _load_checkins(user_ids, since=min(days.values()) - timedelta(days=1), parts=parts, plan_of=plan_of)

    return {
        e.user_id: _day(e, parts[e.plan_id], pauses.get(e.user_id, []), progress.get(e.user_id, {}), checkins.get(e.user_id, []),
                        days[e.user_id], now, batch)
        for e in enrollments
    }


def _load_checkins(user_ids, *, since: date, parts: dict[int, PlanParts], plan_of: dict[int, int]) -> dict[int, list[CheckInRow]]:
    """Every check-in of the learners, oldest first, with the keys of the topics they touched (one
    query: a row per check-in and topic). Notes are read from `since` on only."""
    rows = (
        CheckIn.objects.filter(user_id__in=user_ids)
        .annotate(recent_note=Case(When(local_date__gte=since, then="note"), default=Value(""), output_field=TextField()))
        .order_by("user_id", "local_date", "slot")
        .values_list("id", "user_id", "local_date", "slot", "status", "minutes", "recent_note", "topics__id")
    )
    found: dict[int, list[CheckInRow]] = defaultdict(list)
    topics: dict[int, list[str]] = defaultdict(list)
    last = None
    for pk, user_id, day, slot, status, minutes, note, topic_id in rows:
        if topic_id is not None:
            topic = parts[plan_of[user_id]].topic_by_id.get(topic_id)
            if topic is not None:
                topics[pk].append(topic.key)
        if pk != last:
            found[user_id].append(CheckInRow(pk, day, slot, status, minutes, note))
            last = pk
    if topics:
        for items in found.values():
            for i, c in enumerate(items):
                if c.id in topics:
                    items[i] = c._replace(topic_keys=tuple(sorted(topics[c.id])))
    return found


def _day(enrollment, parts: PlanParts, pauses, progress, checkins: list[CheckInRow], day: date, now, batch) -> LearnerDay:
    plan = enrollment.plan
    total = plan.total_days
    schedule = Schedule(enrollment.start_date, enrollment.tz, pauses, total_days=total, now=now)
    state = schedule.state(day)
    number = _clamp(schedule.day_number(day), total)
    # Progress on topics of another plan (the learner moved) counts for nothing here.
    progress = {topic_id: value for topic_id, value in progress.items() if topic_id in parts.topic_by_id}
    closed = {topic_id for topic_id, p in progress.items() if p.status in stats.CLOSED}

    def status_of(topic):
        topic.status = progress.get(topic.pk, (TopicProgress.Status.NOT_STARTED,))[0]
        return topic

    topics = [status_of(t) for t in parts.topics_on(number)] if state in ("active", "paused") else []
    cutoff = {"before": 1, "finished": total + 1}.get(state, number)
    overdue = [t for t in parts.topics if t.end_day < cutoff and t.pk not in closed]

    slots = learner_slots(parts.slots, enrollment.slot_overrides)
    checkin_at = {(c.local_date, c.slot): c for c in checkins if c.local_date >= day - timedelta(days=1) and c.local_date <= day}
    today_slots = [SlotState(s, day, checkin_at.get((day, s.number))) for s in slots_on(slots, day)] if state != "before" else []
    yesterday = day - timedelta(days=1)
    yesterday_open = []
    if schedule.state(yesterday) == "active":
        yesterday_open = [SlotState(s, yesterday, None) for s in slots_on(slots, yesterday) if (yesterday, s.number) not in checkin_at]

    week_first = stats.week_start(day)
    minutes_today = minutes_week = minutes_total = 0
    studied = set()
    for c in checkins:
        if not c.done:
            continue
        minutes_total += c.minutes
        studied.add(c.local_date)
        if week_first <= c.local_date <= day:
            minutes_week += c.minutes
            if c.local_date == day:
                minutes_today += c.minutes

    return LearnerDay(
        enrollment=enrollment,
        parts=parts,
        schedule=schedule,
        date=day,
        state=state,
        number=number,
        slots=slots,
        today_slots=today_slots,
        yesterday_open=yesterday_open,
        topics=topics,
        overdue=overdue,
        streak=stats.streaks(schedule, studied, day),
        topic_days_closed=sum(parts.topic_by_id[topic_id].days for topic_id in closed),
        planned_to_date=stats.planned_to_date(schedule, day),
        minutes_today=minutes_today,
        minutes_week=minutes_week,
        minutes_total=minutes_total,
        planned_today=stats.planned_minutes(slots, schedule, day, day),
        planned_week=stats.planned_minutes(slots, schedule, week_first, week_first + timedelta(days=6)),
        **_reviews_due(parts, progress, day, enrollment, now),
        progress=progress,
        checkins=checkins,
        studied_dates=studied,
        milestones=[(m, schedule.date_of(m.day)) for m in parts.milestones],
        batch=batch,
    )


def _reviews_due(parts: PlanParts, progress, day: date, enrollment, now) -> dict:
    """Done topics whose review card is due by the end of `day` (in the learner's timezone), oldest
    first: the first `daily_reviews` of them, and how many there are in all."""
    tz = enrollment.tz
    due = []
    for topic_id, p in progress.items():
        if p.status == TopicProgress.Status.DONE and p.due_at is not None:
            local = p.due_at.astimezone(tz).date()
            if local <= day:
                due.append((p.due_at, ReviewDue(parts.topic_by_id[topic_id], local, review.recall(p.stability, p.last_review_at, now))))
    due.sort(key=lambda pair: (pair[0], pair[1].topic.start_day))
    return {"reviews": [r for _at, r in due[: enrollment.daily_reviews]], "reviews_waiting": len(due)}
