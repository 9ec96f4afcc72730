"""A learner as a request sees them: the user with their enrollment and plan (read in the same query
as the user, apps.core.auth), and, when a page asks, their day (apps.progress.summary) or just their
schedule. The plan's own rows come from the per-process plan cache; the learner's slots are derived
from it and the enrollment's overrides, with no query."""

from __future__ import annotations

from datetime import date, datetime
from functools import cached_property

from apps.curriculum.cache import PlanParts, plan_parts
from apps.progress.models import Enrollment
from apps.progress.schedule import Schedule, local_date
from apps.progress.summary import LearnerDay, StudySlot, learner_slots, load_pauses, slots_on, summarize


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
    def day(self) -> LearnerDay:
        """Today, as apps.progress.summary answers it (three queries)."""
        return summarize([self.enrollment], now=self.now)[self.user.pk]

    def day_on(self, when: date) -> LearnerDay:
        """Another date's day (a past day's page)."""
        return summarize([self.enrollment], now=self.now, dates={self.user.pk: when})[self.user.pk]

    @cached_property
    def schedule(self) -> Schedule:
        """The learner's schedule: the day's, if the day was read; else from their pauses (one query)."""
        if "day" in self.__dict__:
            return self.day.schedule
        pauses = load_pauses([self.user.pk]).get(self.user.pk, [])
        return Schedule(self.enrollment.start_date, self.enrollment.tz, pauses, total_days=self.plan.total_days, now=self.now)

    @cached_property
    def slots(self) -> tuple[StudySlot, ...]:
        return learner_slots(self.parts.slots, self.enrollment.slot_overrides)

    def slots_on(self, day: date) -> list[StudySlot]:
        return slots_on(self.slots, day)

    def slot_on(self, day: date, number: int) -> StudySlot | None:
        return next((s for s in self.slots_on(day) if s.number == number), None)
