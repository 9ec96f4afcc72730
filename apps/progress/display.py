"""What learner pages show beside the day's summary: the slot card (Today, a past day, the dashboard)
and a block's practice projects with the learner's ticks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from apps.curriculum.models import Block, BlockItem, Topic
from apps.progress.models import CheckIn, ProjectProgress
from apps.progress.summary import CheckInRow, StudySlot, topics_on_date


@dataclass
class SlotCard:
    day: date
    slot: StudySlot
    checkin: CheckInRow | None
    topic_options: list[Topic] = field(default_factory=list)
    errors: dict = field(default_factory=dict)
    data: dict | None = None  # the values a refused form was posted with
    show_topics: bool = True  # the dashboard's compact cards leave topics out (and so never change them)
    topic_by_key: dict[str, Topic] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        # Topics already on the check-in stay offered (and ticked) even if not scheduled that day,
        # so saving the card never drops them silently.
        if self.checkin is not None and self.show_topics:
            keys = {t.key for t in self.topic_options}
            extra = [self.topic_by_key[k] for k in self.checkin.topic_keys if k not in keys and k in self.topic_by_key]
            self.topic_options = self.topic_options + extra

    @property
    def chosen(self) -> set[str]:
        if self.data is not None:
            return set(self.data.getlist("topics")) if hasattr(self.data, "getlist") else set()
        if self.checkin is None or not self.show_topics:
            return set()
        return set(self.checkin.topic_keys)

    @property
    def anchor(self) -> str:
        return f"slot-{self.day.isoformat()}-{self.slot.number}"


def checkin_row(checkin: CheckIn, topic_keys: list[str] | None = None) -> CheckInRow:
    """A saved check-in as a card shows it; its topics are read when not given (one query)."""
    if topic_keys is None:
        topic_keys = list(checkin.topics.values_list("key", flat=True))
    return CheckInRow(
        checkin.pk, checkin.local_date, checkin.slot, checkin.status, checkin.minutes, checkin.note, tuple(sorted(topic_keys))
    )


def topics_for_date(learner, day: date) -> list[Topic]:
    """The plan's topics on a date of the learner's (their schedule alone: one query, not the whole day)."""
    return topics_on_date(learner.parts, learner.schedule, day)


def projects_of(learner, block: Block | None) -> list[BlockItem]:
    """The block's practice projects, each with the learner's `.done` and `.link` (one query)."""
    if block is None:
        return []
    items = learner.parts.items_of(block.pk)
    mine = {
        p.item_id: p for p in ProjectProgress.objects.filter(user=learner.user, item_id__in=[item.pk for item in items])
    } if items else {}
    for item in items:
        progress = mine.get(item.pk)
        item.done = bool(progress and progress.done)
        item.link = progress.link if progress else ""
    return items
