"""What a learner's day looks like: the Today page, a past day's page and /api/v1/progress all read it.

`day_view` runs a fixed number of queries whatever the history: the learner's topic progress (one
row per topic at most), one block's project progress, the check-ins of at most eight dates and their
topics, one distinct-dates query for streaks, and the dismissed reviews when some are due. The plan's
own rows (topics, projects) come from the plan cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch

from apps.curriculum.models import Block, BlockItem, Topic
from apps.progress import stats
from apps.progress.learner import Learner
from apps.progress.models import CheckIn, ProjectProgress, Review, SlotTime, TopicProgress


@dataclass
class SlotCard:
    day: date
    slot: SlotTime
    checkin: CheckIn | None
    topic_options: list[Topic] = field(default_factory=list)
    errors: dict = field(default_factory=dict)
    data: dict | None = None  # the values a refused form was posted with
    show_topics: bool = True  # the dashboard's compact cards leave topics out (and so never change them)

    def __post_init__(self):
        # Topics already on the check-in stay offered (and ticked) even if not scheduled that day,
        # so saving the card never drops them silently.
        if self.checkin is not None and self.show_topics:
            keys = {t.key for t in self.topic_options}
            self.topic_options = self.topic_options + [t for t in self.checkin.topics.all() if t.key not in keys]

    @property
    def chosen(self) -> set[str]:
        if self.data is not None:
            return set(self.data.getlist("topics")) if hasattr(self.data, "getlist") else set()
        if self.checkin is None or not self.show_topics:
            return set()
        return {t.key for t in self.checkin.topics.all()}

    @property
    def anchor(self) -> str:
        return f"slot-{self.day.isoformat()}-{self.slot.number}"


@dataclass
class DayView:
    learner: Learner
    day: date
    state: str
    number: int
    block: Block | None
    topics: list[Topic]
    projects: list[BlockItem]
    cards: list[SlotCard]
    backfill: list[SlotCard]
    streaks: stats.Streaks
    topic_days_total: int
    topic_days_closed: int
    planned_to_date: int
    minutes_day: int
    minutes_week: int
    planned_day: int
    planned_week: int
    reviews: list = field(default_factory=list)

    @property
    def is_today(self) -> bool:
        return self.day == self.learner.today

    @property
    def ahead_by(self) -> int:
        return self.topic_days_closed - self.planned_to_date

    @property
    def behind_by(self) -> int:
        return -self.ahead_by

    @property
    def total_days(self) -> int:
        return self.learner.plan.total_days

    @property
    def percent_closed(self) -> int:
        return round(100 * self.topic_days_closed / self.topic_days_total) if self.topic_days_total else 0


def topics_on(learner: Learner, number: int) -> list[Topic]:
    """The plan's topics on plan day `number`, each with the learner's progress as `.status` (from the
    plan cache and the learner's progress rows: no query of its own)."""
    topics = learner.parts.topics_on(number)
    for topic in topics:
        topic.status = learner.topic_status(topic.pk)
    return topics


def projects_of(learner: Learner, block: Block) -> list[BlockItem]:
    """The block's practice projects, each with the learner's `.done` and `.link` (one query)."""
    items = learner.parts.items_of(block.pk)
    mine = {
        p.item_id: p
        for p in ProjectProgress.objects.filter(user=learner.user, item_id__in=[item.pk for item in items])
    } if items else {}
    for item in items:
        progress = mine.get(item.pk)
        item.done = bool(progress and progress.done)
        item.link = progress.link if progress else ""
    return items


@dataclass
class ReviewItem:
    topic: Topic
    stage: int
    due: date


REVIEW_LIMIT = 5


def reviews_due(learner: Learner, today: date) -> list[ReviewItem]:
    """Done topics coming back for review 1, 7 and 30 days after they were done, not yet dismissed
    (one query, and none when nothing is due). Reviews more than 30 days overdue are let go; at most
    five show at once."""
    oldest = today - timedelta(days=max(Review.STAGES) + 30)
    done = [
        (topic, closed_on)
        for topic, closed_on in learner.topics_with((TopicProgress.Status.DONE,))
        if closed_on is not None and oldest <= closed_on < today
    ]
    due = [
        (topic, stage, closed_on + timedelta(days=stage))
        for topic, closed_on in done
        for stage in Review.STAGES
        if today - timedelta(days=30) <= closed_on + timedelta(days=stage) <= today
    ]
    if not due:
        return []
    dismissed = set(
        Review.objects.filter(user=learner.user, topic_id__in={topic.pk for topic, _, _ in due}).values_list("topic_id", "stage")
    )
    items = [ReviewItem(topic, stage, when) for topic, stage, when in due if (topic.pk, stage) not in dismissed]
    return sorted(items, key=lambda i: (i.due, i.topic.start_day))[:REVIEW_LIMIT]


def topics_for_date(learner: Learner, day: date) -> list[Topic]:
    schedule = learner.schedule
    if schedule.state(day) not in ("active", "paused"):
        return []
    return topics_on(learner, min(max(schedule.day_number(day), 1), learner.plan.total_days))


def day_view(learner: Learner, day: date) -> DayView:
    schedule = learner.schedule
    state = schedule.state(day)
    number = min(max(schedule.day_number(day), 1), learner.plan.total_days)
    topics = topics_on(learner, number) if state in ("active", "paused") else []
    block = topics[0].block if topics else None
    projects = projects_of(learner, block) if block is not None else []

    yesterday = day - timedelta(days=1)
    week_first = stats.week_start(day)
    first = min(week_first, yesterday)
    checkins = {
        (c.local_date, c.slot): c
        for c in CheckIn.objects.filter(user=learner.user, local_date__gte=first, local_date__lte=day).prefetch_related(
            Prefetch("topics", queryset=Topic.objects.only("key", "title"))
        )
    }
    cards = [SlotCard(day, slot, checkins.get((day, slot.number)), topics) for slot in learner.slots_on(day)]
    backfill = []
    missing = [slot for slot in learner.slots_on(yesterday) if (yesterday, slot.number) not in checkins]
    if missing and yesterday >= schedule.start and schedule.state(yesterday) == "active":
        yesterdays_topics = topics_on(learner, schedule.day_number(yesterday))
        backfill = [SlotCard(yesterday, slot, None, yesterdays_topics) for slot in missing]
    done = [c for c in checkins.values() if c.status == CheckIn.Status.DONE]
    today = learner.today
    return DayView(
        learner=learner,
        day=day,
        state=state,
        number=number,
        block=block,
        topics=topics,
        projects=projects,
        cards=cards,
        backfill=backfill,
        streaks=stats.streaks(schedule, stats.studied_dates(learner.user), today),
        topic_days_total=learner.plan.total_days,
        topic_days_closed=stats.topic_days_closed(learner),
        planned_to_date=stats.planned_to_date(schedule, today),
        minutes_day=sum(c.minutes for c in done if c.local_date == day),
        minutes_week=sum(c.minutes for c in done if c.local_date >= week_first),
        planned_day=stats.planned_minutes(learner.slot_times, schedule, day, day),
        planned_week=stats.planned_minutes(learner.slot_times, schedule, week_first, week_first + timedelta(days=6)),
        reviews=reviews_due(learner, day) if day == today else [],
    )
