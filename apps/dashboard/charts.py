"""The numbers behind the dashboard's charts. The pages and the JSON API call these same functions,
so one set of tests covers both.

Inputs are the learner's day (apps.progress.summary: their schedule, slots, topic progress and
check-ins, read once for the page); every series is then computed in Python, never a query per day.

Burn-down, in topic-days (a 3-day topic is 3 topic-days; done and skipped topics are closed):
- one point per calendar date from the day before day 1 (plan day 0) to the plan's last day, so a
  paused date repeats the plan day before it and the ideal line stays flat across a pause;
- ideal: total_days at day 0 down to 0 on the last day; actual: remaining at the end of each date up to
  today, from the local date each topic was closed on;
- forecast: from the pace of the last 14 *active* days (paused and shifted days left out), a line to
  the projected finish date; none when nothing was closed in those days, and none with fewer than 7
  active days of data ("not enough data yet": a pace from 3 days says nothing about 180).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from apps.progress.models import CheckIn
from apps.progress.schedule import day_kind
from apps.progress.stats import CLOSED, week_start
from apps.progress.summary import LearnerDay, slot_key

FORECAST_WINDOW = 14  # active days the pace is taken over
FORECAST_MIN_DAYS = 7  # active days of data before a forecast is given


class Done(NamedTuple):
    local_date: date
    slot: int
    status: str
    minutes: int


@dataclass
class History:
    """What the learner has done over the plan's span: closed topics and check-ins."""

    closed: list[tuple[date | None, int, int]]  # (closed_on, topic start_day, topic end_day)
    checkins: list[Done]
    first: date
    last: date

    def closed_topic_days(self) -> int:
        return sum(end - start + 1 for _, start, end in self.closed)


# How long after the plan's last day the charts go on (to today, for a learner who is late): a chart's
# size follows the plan, not how long ago a learner's day 1 was.
AFTER_THE_PLAN = timedelta(days=366)


def plan_span(day: LearnerDay) -> tuple[date, date]:
    """From day 1 to the date of the plan's last day (later when paused), or today if that is later,
    but at most AFTER_THE_PLAN past the plan's end."""
    schedule = day.schedule
    end = schedule.date_of(day.total_days)
    return schedule.start, min(max(end, day.date), end + AFTER_THE_PLAN)


def history_of(day: LearnerDay) -> History:
    """The day's topic progress and check-ins, over the plan's span (no query: the summary read them)."""
    first, last = plan_span(day)
    topics = day.parts.topic_by_id
    closed = [
        (p.closed_on, topics[topic_id].start_day, topics[topic_id].end_day)
        for topic_id, p in day.progress.items()
        if p.status in CLOSED
    ]
    checkins = [Done(c.local_date, c.slot, c.status, c.minutes) for c in day.checkins if first <= c.local_date <= last]
    return History(closed=closed, checkins=checkins, first=first, last=last)


@dataclass
class Burndown:
    days: list[int]
    dates: list[date]
    ideal: list[int]
    actual: list[int]
    finish_date: date | None
    per_day: float
    today: int
    remaining: int
    paused: list[bool] = field(default_factory=list)
    plan_end: date | None = None  # the date of the plan's last day for this learner
    window_days: int = 0  # active days the pace was taken over
    shifts: list[tuple[date, int]] = field(default_factory=list)  # (the date a shift was made, its days)

    @property
    def enough_data(self) -> bool:
        return self.window_days >= FORECAST_MIN_DAYS or self.remaining == 0

    @property
    def days_late(self) -> int:
        """How far past the plan's end the forecast finishes (0 when on time or without a forecast)."""
        if self.finish_date is None or self.plan_end is None:
            return 0
        return max(0, (self.finish_date - self.plan_end).days)

    @property
    def table(self) -> list[dict]:
        return [
            {"date": d, "day": n, "ideal": i, "actual": self.actual[k] if k < len(self.actual) else None}
            for k, (d, n, i) in enumerate(zip(self.dates, self.days, self.ideal, strict=True))
        ]

    def as_json(self) -> dict:
        return {
            "days": self.days,
            "dates": [d.isoformat() for d in self.dates],
            "ideal": self.ideal,
            "actual": self.actual,
            "forecast": {
                "finish_date": self.finish_date.isoformat() if self.finish_date else None,
                "per_day": round(self.per_day, 3),
                "window_days": self.window_days,
                "enough_data": self.enough_data,
                "days_late": self.days_late,
            },
            "today": self.today,
        }


def burndown(day: LearnerDay, history: History) -> Burndown:
    schedule, total, today = day.schedule, day.total_days, day.date
    closed_on = defaultdict(int)
    for when, start_day, end_day in history.closed:
        # A topic closed without a date, or before day 1, counts on day 1; one "closed" after today
        # (a clock moved back) counts today.
        when = min(max(when or schedule.start, schedule.start), today)
        closed_on[when] += end_day - start_day + 1

    day_zero = schedule.start - timedelta(days=1)
    dates = [day_zero + timedelta(days=i) for i in range((history.last - day_zero).days + 1)]
    days, ideal, actual, paused = [], [], [], []
    remaining = total
    for d in dates:
        number = 0 if d == day_zero else min(max(schedule.day_number(d), 0), total)
        days.append(number)
        ideal.append(total - number)
        paused.append(d != day_zero and schedule.is_paused(d))
        if d <= today:
            remaining -= closed_on.get(d, 0)
            actual.append(max(remaining, 0))

    active = []  # the last FORECAST_WINDOW active dates up to today, newest first
    cursor = today
    while len(active) < FORECAST_WINDOW and cursor >= schedule.start:
        if not schedule.is_paused(cursor):
            active.append(cursor)
        cursor -= timedelta(days=1)
    pace_days = sum(closed_on.get(d, 0) for d in active)
    per_day = pace_days / len(active) if active and pace_days else 0.0
    remaining = max(remaining, 0)
    finish = None
    if remaining == 0 and history.closed:
        finish = max(d for d, v in closed_on.items() if v) if closed_on else today
    elif per_day > 0 and len(active) >= FORECAST_MIN_DAYS:
        finish = today + timedelta(days=math.ceil(remaining / per_day))
    shifts = [(p.end + timedelta(days=1), (p.end - p.start).days + 1) for p in schedule.pauses if p.shift and p.end is not None]
    return Burndown(
        days=days, dates=dates, ideal=ideal, actual=actual, finish_date=finish, per_day=per_day,
        today=min(max(schedule.day_number(today), 0), total), remaining=remaining, paused=paused,
        plan_end=schedule.date_of(total), window_days=len(active), shifts=shifts,
    )


@dataclass
class Week:
    start: date
    planned: dict[str, int]
    logged: dict[str, int]

    @property
    def planned_total(self) -> int:
        return sum(self.planned.values())

    @property
    def logged_total(self) -> int:
        return sum(self.logged.values())


def hours(day: LearnerDay, history: History, *, weeks: int | None = None) -> list[Week]:
    """Planned and logged minutes per week, per slot; all the plan's weeks, or the last `weeks` to today."""
    schedule = day.schedule
    minutes_of = {s.key: s.minutes for s in day.slots}
    keys = list(minutes_of)
    first_week, last_week = week_start(history.first), week_start(history.last)
    if weeks is not None:
        last_week = week_start(day.date)
        first_week = max(first_week, last_week - timedelta(weeks=weeks - 1))
    logged = defaultdict(lambda: defaultdict(int))
    for c in history.checkins:
        if c.status == CheckIn.Status.DONE:
            logged[week_start(c.local_date)][slot_key(day_kind(c.local_date), c.slot)] += c.minutes
    per_kind = {kind: [k for k in keys if k.startswith(kind)] for kind in ("weekday", "weekend")}
    result = []
    start = first_week
    while start <= last_week:
        planned = dict.fromkeys(keys, 0)
        for i in range(7):
            d = start + timedelta(days=i)
            if schedule.state(d) == "active":
                for key in per_kind[day_kind(d)]:
                    planned[key] += minutes_of[key]
        result.append(Week(start=start, planned=planned, logged={k: logged[start].get(k, 0) for k in keys}))
        start += timedelta(weeks=1)
    return result


@dataclass
class HeatDay:
    date: date
    minutes: int
    state: str  # active, paused, before, finished, future


def heatmap(day: LearnerDay, history: History) -> list[list[HeatDay]]:
    """Daily minutes over the plan's weeks: a list of weeks (Monday first), seven days each."""
    per_day = defaultdict(int)
    for c in history.checkins:
        if c.status == CheckIn.Status.DONE:
            per_day[c.local_date] += c.minutes
    schedule, today = day.schedule, day.date
    grid = []
    start = week_start(history.first)
    while start <= history.last:
        week = []
        for i in range(7):
            d = start + timedelta(days=i)
            state = "future" if d > today else schedule.state(d)
            week.append(HeatDay(d, per_day.get(d, 0), state))
        grid.append(week)
        start += timedelta(weeks=1)
    return grid


@dataclass
class PhaseProgress:
    number: int
    title: str
    days: int
    closed: int

    @property
    def percent(self) -> float:
        return round(100 * self.closed / self.days, 1) if self.days else 0.0


def phase_progress(history: History, phases) -> list[PhaseProgress]:
    rows = [PhaseProgress(p.number, p.title, p.end_day - p.start_day + 1, 0) for p in phases]
    bounds = [(p.start_day, p.end_day) for p in phases]
    for _, start_day, end_day in history.closed:
        for row, (first, last) in zip(rows, bounds, strict=True):
            if first <= start_day <= last:
                row.closed += end_day - start_day + 1
                break
    return rows


@dataclass
class ReviewDay:
    date: date
    due: int | None  # reviews due that day (today: with the overdue ones); None for a past day
    recall: float | None  # average predicted recall of the done topics that day, 0..1


REVIEW_PAST, REVIEW_AHEAD = 30, 30


def review_forecast(day: LearnerDay, logs: list[tuple[int, datetime, float]]) -> list[ReviewDay]:
    """Reviews due per day for the next 30 days, and the average predicted recall of finished topics
    over the last 30 days (from the review logs: the card as each review left it) and the next 30 (if
    no more reviews were done). `logs` are (topic id, reviewed at, stability), oldest first."""
    from bisect import bisect_right

    from apps.progress import review
    from apps.progress.models import TopicProgress

    tz, today = day.enrollment.tz, day.date
    cards = {t: p for t, p in day.progress.items() if p.status == TopicProgress.Status.DONE and p.due_at is not None}
    due = defaultdict(int)
    for p in cards.values():
        due[max(p.due_at.astimezone(tz).date(), today)] += 1
    history = defaultdict(list)  # topic → [(reviewed at, stability)], oldest first
    for topic_id, reviewed_at, stability in logs:
        if topic_id in cards:
            history[topic_id].append((reviewed_at, stability))
    result = []
    for offset in range(-REVIEW_PAST, REVIEW_AHEAD + 1):
        d = today + timedelta(days=offset)
        at = datetime.combine(d, time(21), tzinfo=tz)  # the evening of that day
        values = []
        for topic_id, p in cards.items():
            if offset >= 0:
                values.append(review.recall(p.stability, p.last_review_at, at))
                continue
            reviews = history.get(topic_id, [])
            i = bisect_right([r for r, _s in reviews], at)
            if i:
                values.append(review.recall(reviews[i - 1][1], reviews[i - 1][0], at))
        recall = sum(values) / len(values) if values else None
        result.append(ReviewDay(d, due.get(d, 0) if offset >= 0 else None, recall))
    return result
