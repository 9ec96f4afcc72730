"""The one home of "which plan day is it for this learner".

A plan day is counted from the enrollment's start date (day 1) in the learner's own timezone;
paused days do not count, so the rest of the plan shifts by however long the learner paused.
Everything that needs to map dates to plan days (Today, streaks, charts, reminders, milestones)
asks a Schedule instead of doing date arithmetic of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone


@dataclass(frozen=True)
class PausedSpan:
    start: date
    end: date | None  # None: still paused
    shift: bool = False  # a "shift my dates" (the learner caught up by moving the rest of the plan), not a pause
    made: datetime | None = field(default=None, compare=False)  # when the learner made it

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def local_date(tz: ZoneInfo, now: datetime | None = None) -> date:
    """The date in `tz` at `now` (default: this instant)."""
    return (now or timezone.now()).astimezone(tz).date()


class Schedule:
    """A learner's plan days: day 1 on `start`, in timezone `tz`, standing still on paused days."""

    def __init__(
        self, start: date, tz: ZoneInfo, pauses: list[PausedSpan], *, total_days: int, now: datetime | None = None
    ):
        self.start = start
        self.tz = tz
        # A pause still open is taken to end today when looking ahead (the learner resumes tomorrow).
        self.today = self.local_date(now)
        self.total_days = total_days
        self.pauses = sorted(pauses, key=lambda p: p.start)
        self._spans = self._merged()

    def _merged(self) -> list[tuple[date, date]]:
        """The paused dates as disjoint (first, last) spans from day 1 on: pauses and shifts may touch
        or overlap, and a day counts once."""
        spans: list[tuple[date, date]] = []
        for p in self.pauses:
            first, last = max(p.start, self.start), self._end(p)
            if last < first:
                continue
            if spans and first <= spans[-1][1] + timedelta(days=1):
                spans[-1] = (spans[-1][0], max(spans[-1][1], last))
            else:
                spans.append((first, last))
        return spans

    def local_date(self, now: datetime | None = None) -> date:
        """The learner's date at `now` (default: this instant)."""
        return local_date(self.tz, now)

    def is_paused(self, day: date) -> bool:
        if not self.pauses:  # most learners, and the charts ask for every date of the plan
            return False
        return any(p.covers(day) for p in self.pauses)

    def shift_on(self, day: date) -> PausedSpan | None:
        """The shift (not a pause) covering a date, if any."""
        return next((p for p in self.pauses if p.shift and p.covers(day)), None)

    def _end(self, pause: PausedSpan) -> date:
        return pause.end if pause.end is not None else max(self.today, pause.start)

    def paused_days_through(self, day: date) -> int:
        """Paused days from the start date through `day`, inclusive."""
        total = 0
        for first, last in self._spans:
            last = min(last, day)
            if last >= first:
                total += (last - first).days + 1
        return total

    def day_number(self, day: date) -> int:
        """The plan day `day` falls on: 1 on the start date, 0 or less before it. A paused date
        carries the number of the last plan day before it (the plan stands still)."""
        if day < self.start:
            return (day - self.start).days + 1
        return (day - self.start).days + 1 - self.paused_days_through(day)

    def date_of(self, number: int) -> date:
        """The date of plan day `number` (≥ 1; 0 is the day before the start), stepping over paused
        days: one pass over the merged paused spans, which are sorted and disjoint, so each span met on
        or before the day pushes it past that span. No search, so no loop that could run on."""
        day = self.start + timedelta(days=number - 1)
        for first, last in self._spans:
            if first > day:
                break
            day += timedelta(days=(last - first).days + 1)
        return day

    def state(self, day: date) -> str:
        """'before', 'paused', 'active' or 'finished' for a date."""
        if day < self.start:
            return "before"
        if self.is_paused(day):
            return "paused"
        return "active" if self.day_number(day) <= self.total_days else "finished"

    def open_pause(self) -> PausedSpan | None:
        return next((p for p in self.pauses if p.end is None), None)


def day_kind(day: date) -> str:
    """Which of the plan's rhythms a date follows: 'weekday' (Mon-Fri) or 'weekend'."""
    return "weekend" if day.weekday() >= 5 else "weekday"
