"""Milestone states for a learner, and their checks (rows made on first listing, in one insert).

States: met (every item done) · late (its due date passed with items open) · due_soon (due in 7 days
or fewer) · upcoming. A milestone's due date is start date + day − 1, shifted by paused days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from apps.curriculum.models import Milestone, MilestoneItem
from apps.milestones.models import MilestoneCheck
from apps.progress.learner import Learner

DUE_SOON_DAYS = 7


@dataclass
class MilestoneState:
    milestone: Milestone
    due_date: date
    state: str
    checks: list[MilestoneCheck] = field(default_factory=list)
    today: date | None = None

    @property
    def days_left(self) -> int:
        return (self.due_date - self.today).days

    @property
    def met_on(self) -> date | None:
        if self.state != "met":
            return None
        return max((c.done_on for c in self.checks if c.done_on), default=None)


def _checks(user, items: tuple[MilestoneItem, ...]) -> dict[int, MilestoneCheck]:
    return {c.item_id: c for c in MilestoneCheck.objects.filter(user=user, item_id__in=[i.pk for i in items])}


def states(learner: Learner) -> list[MilestoneState]:
    """Every milestone of the learner's plan with its state and checks: one query once the learner's
    check rows exist (they are made, in one insert, the first time); the items come from the plan cache."""
    items = learner.parts.milestone_items
    checks = _checks(learner.user, items) if items else {}
    missing = [item for item in items if item.pk not in checks]
    if missing:
        MilestoneCheck.objects.bulk_create([MilestoneCheck(user=learner.user, item=i) for i in missing], ignore_conflicts=True)
        # No revision bump: a not-done row shows exactly as a missing one did (cached pages stay right).
        checks = _checks(learner.user, items)
    by_milestone = {}
    for item in items:
        check = checks[item.pk]
        check.item = item
        by_milestone.setdefault(item.milestone, []).append(check)
    result = []
    for milestone, checks in by_milestone.items():
        due = learner.schedule.date_of(milestone.day)
        result.append(MilestoneState(milestone, due, state_of(checks, due, learner.today), checks, learner.today))
    return result


def state_of(checks: list[MilestoneCheck], due: date, today: date) -> str:
    if checks and all(c.done for c in checks):
        return "met"
    if due < today:
        return "late"
    if (due - today).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "upcoming"
