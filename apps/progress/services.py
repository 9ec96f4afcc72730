"""Writes to a learner's progress that do more than save one form."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from apps.curriculum.models import Plan
from apps.progress.models import Enrollment, SlotTime


@transaction.atomic
def enroll(*, user, plan: Plan, start_date: date, timezone: str, language: str | None = None) -> Enrollment:
    """Enroll `user` in `plan` (or move their enrollment to it), with the plan's slot times as theirs."""
    enrollment, created = Enrollment.objects.update_or_create(
        user=user,
        defaults={"plan": plan, "start_date": start_date, "timezone": timezone},
        create_defaults={"plan": plan, "start_date": start_date, "timezone": timezone, "language": language or "en"},
    )
    if language and not created and enrollment.language != language:
        enrollment.language = language
        enrollment.save(update_fields=["language"])
    reset_slot_times(enrollment)
    return enrollment


def reset_slot_times(enrollment: Enrollment) -> None:
    """Give the learner the plan's slot times, keeping times they set for slots the plan still has."""
    plan_slots = list(enrollment.plan.slots.all())
    plan_keys = {(p.days, p.number) for p in plan_slots}
    existing = list(enrollment.slots.all())
    enrollment.slots.exclude(pk__in=[s.pk for s in existing if (s.days, s.number) in plan_keys]).delete()
    mine = {(s.days, s.number) for s in existing}
    SlotTime.objects.bulk_create(
        [
            SlotTime(enrollment=enrollment, days=p.days, number=p.number, start=p.start, end=p.end)
            for p in plan_slots
            if (p.days, p.number) not in mine
        ]
    )
