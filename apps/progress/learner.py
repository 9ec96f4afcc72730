"""A learner as the pages see them: enrollment and plan in one query; pauses (the schedule) and slot
times each in one more, when a page first asks for them (a cached page never does). The plan's own
rows come from the per-process plan cache, apps.curriculum.cache."""

from __future__ import annotations

from datetime import date, datetime
from functools import cached_property

from apps.curriculum.cache import PlanParts, plan_parts
from apps.curriculum.models import Topic
from apps.progress.models import Enrollment, Pause, SlotTime, TopicProgress
from apps.progress.schedule import Schedule, day_kind, local_date


class Learner:
    def __init__(self, user, enrollment: Enrollment, *, now: datetime | None = None):
        self.user = user
        self.enrollment = enrollment
        self.now = now
        self.today: date = local_date(enrollment.tz, now)

    def __repr__(self):
        return f"<Learner {self.user} day 1 {self.enrollment.start_date}, today {self.today}>"

    @property
    def plan(self):
        return self.enrollment.plan

    @classmethod
    def load(cls, user, *, now: datetime | None = None) -> Learner | None:
        """The learner `user` is, or None when they have not chosen a plan. No query when the user was
        read with their enrollment and plan (apps.core.auth, API tokens); one otherwise."""
        if user.__class__.enrollment.is_cached(user):
            enrollment = getattr(user, "enrollment", None)  # None: read, and there is none
        else:
            enrollment = Enrollment.objects.select_related("plan").filter(user=user).first()
        if enrollment is None:
            return None
        enrollment.user = user
        return cls(user, enrollment, now=now)

    @cached_property
    def parts(self) -> PlanParts:
        return plan_parts(self.enrollment.plan)

    @cached_property
    def schedule(self) -> Schedule:
        return Schedule(self.enrollment, list(Pause.objects.filter(user=self.user)), now=self.now)

    @cached_property
    def slot_times(self) -> list[SlotTime]:
        """The plan's slots at the learner's own times (the plan's, unless they moved one)."""
        own = {(s.days, s.number): s for s in self.enrollment.slots.all()}
        slot_times = []
        for slot in self.parts.slots:
            mine = own.get((slot.days, slot.number)) or SlotTime(
                enrollment=self.enrollment, days=slot.days, number=slot.number, start=slot.start, end=slot.end
            )
            mine.activity = slot.activity
            slot_times.append(mine)
        return slot_times

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

    def slot_numbers_on(self, day: date) -> list[int]:
        """The numbers of the slots `day` has (from the plan: no query)."""
        kind = day_kind(day)
        return [s.number for s in self.parts.slots if s.days == kind]

    def slots_on(self, day: date) -> list[SlotTime]:
        kind = day_kind(day)
        return [s for s in self.slot_times if s.days == kind]

    def slot_on(self, day: date, number: int) -> SlotTime | None:
        return next((s for s in self.slots_on(day) if s.number == number), None)
