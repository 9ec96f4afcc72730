"""A learner as the pages see them: enrollment, plan, schedule and slot times, loaded in four queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from apps.progress.models import Enrollment, Pause, SlotTime
from apps.progress.schedule import Schedule, day_kind


@dataclass
class Learner:
    user: object
    enrollment: Enrollment
    schedule: Schedule
    slot_times: list[SlotTime]
    today: date

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
        slot_times = []
        for slot in enrollment.plan.slots.all():
            mine = own.get((slot.days, slot.number)) or SlotTime(
                enrollment=enrollment, days=slot.days, number=slot.number, start=slot.start, end=slot.end
            )
            mine.activity = slot.activity
            slot_times.append(mine)
        return cls(user=user, enrollment=enrollment, schedule=schedule, slot_times=slot_times, today=schedule.today)

    def slots_on(self, day: date) -> list[SlotTime]:
        kind = day_kind(day)
        return [s for s in self.slot_times if s.days == kind]

    def slot_on(self, day: date, number: int) -> SlotTime | None:
        return next((s for s in self.slots_on(day) if s.number == number), None)
