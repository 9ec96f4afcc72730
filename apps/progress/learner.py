"""A learner as the pages see them: enrollment, plan, schedule and slot times, loaded in three queries
(the plan's own rows come from the per-process plan cache, apps.curriculum.cache)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from apps.curriculum.cache import PlanParts, plan_parts
from apps.curriculum.models import Topic
from apps.progress.models import Enrollment, Pause, SlotTime, TopicProgress
from apps.progress.schedule import Schedule, day_kind


@dataclass
class Learner:
    user: object
    enrollment: Enrollment
    schedule: Schedule
    slot_times: list[SlotTime]
    today: date
    parts: PlanParts

    @property
    def plan(self):
        return self.enrollment.plan

    @classmethod
    def load(cls, user, *, now: datetime | None = None) -> Learner | None:
        enrollment = Enrollment.objects.select_related("plan").filter(user=user).first()
        if enrollment is None:
            return None
        enrollment.user = user
        schedule = Schedule(enrollment, list(Pause.objects.filter(user=user)), now=now)
        own = {(s.days, s.number): s for s in enrollment.slots.all()}
        parts = plan_parts(enrollment.plan)
        slot_times = []
        for slot in parts.slots:
            mine = own.get((slot.days, slot.number)) or SlotTime(
                enrollment=enrollment, days=slot.days, number=slot.number, start=slot.start, end=slot.end
            )
            mine.activity = slot.activity
            slot_times.append(mine)
        return cls(user=user, enrollment=enrollment, schedule=schedule, slot_times=slot_times, today=schedule.today, parts=parts)

    @cached_property
    def topic_progress(self) -> dict[int, tuple[str, date | None]]:
        """The learner's status and closing date of each topic of their plan they have touched (one query,
        at most one row per topic: what Today, the dashboard and the API all read)."""
        rows = TopicProgress.objects.filter(user=self.user, topic__plan=self.plan)
        return {topic_id: (status, closed_on) for topic_id, status, closed_on in rows.values_list("topic_id", "status", "closed_on")}

    def topics_with(self, statuses) -> list[tuple[Topic, date | None]]:
        """The plan's topics (from the plan cache) whose status is one of `statuses`, each with the date
        it was closed on."""
        topics = self.parts.topic_by_id
        return [
            (topics[topic_id], closed_on)
            for topic_id, (status, closed_on) in self.topic_progress.items()
            if status in statuses and topic_id in topics
        ]

    def topic_status(self, topic_id: int) -> str:
        found = self.topic_progress.get(topic_id)
        return found[0] if found else TopicProgress.Status.NOT_STARTED

    def slots_on(self, day: date) -> list[SlotTime]:
        kind = day_kind(day)
        return [s for s in self.slot_times if s.days == kind]

    def slot_on(self, day: date, number: int) -> SlotTime | None:
        return next((s for s in self.slots_on(day) if s.number == number), None)
