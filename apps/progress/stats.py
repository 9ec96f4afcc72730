"""Figures about a learner's progress, as pure functions of what apps.progress.summary has read.

- Streaks count local dates with at least one slot checked in as done; paused dates are stepped
  over (they neither break nor extend a streak), and today without a check-in yet does not break
  the current streak.
- Topic-days: every plan day belongs to one topic, so a topic of 3 days is 3 topic-days. Topics
  marked done or skipped are closed (no longer remaining); "ahead by" is topic-days closed minus
  the topic-days due: the plan days before today (today's own is due once the day is over).
- The safety buffer (after Beeminder's) is the same number read as days: how many days the learner
  could stop completely before being behind; 0 means "today's topic is what keeps you on plan", and
  a negative buffer is the days behind.
- Minutes: logged minutes of done check-ins against the minutes of the learner's own slot times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from apps.progress.models import TopicProgress
from apps.progress.schedule import Schedule, day_kind

CLOSED = (TopicProgress.Status.DONE, TopicProgress.Status.SKIPPED)


@dataclass
class Streaks:
    current: int
    longest: int


def current_streak(schedule: Schedule, studied: set[date], today: date) -> int:
    """Studied dates in a row up to today (or yesterday, if today has no check-in yet)."""
    current = 0
    day = today if today in studied else today - timedelta(days=1)
    while day >= schedule.start:
        if schedule.is_paused(day):
            day -= timedelta(days=1)
            continue
        if day not in studied:
            break
        current += 1
        day -= timedelta(days=1)
    return current


def streaks(schedule: Schedule, studied: set[date], today: date) -> Streaks:
    """Current and longest streak from the set of local dates with a done check-in."""
    if not studied:
        return Streaks(0, 0)
    current = current_streak(schedule, studied, today)
    longest = run = 0
    day = min(min(studied), schedule.start)
    while day <= today:
        if not schedule.is_paused(day):
            run = run + 1 if day in studied else 0
            longest = max(longest, run)
        day += timedelta(days=1)
    return Streaks(current, max(longest, current))


def planned_to_date(schedule: Schedule, day: date) -> int:
    """Topic-days due by `day`: the plan days before it, and its own once it is over. On the learner's
    today (or a later date) today's topic is not due yet, so on day 1 at 10:00 nobody is behind; a
    paused date carries the last plan day before the pause, which is over."""
    number = schedule.day_number(day)
    if day >= schedule.today and schedule.state(day) == "active":
        number -= 1
    return max(0, min(number, schedule.total_days))


def planned_minutes(slot_times, schedule: Schedule, first: date, last: date) -> int:
    """Minutes of study the learner's slots plan for the active (not paused, in-plan) dates in a range."""
    per_kind = {"weekday": 0, "weekend": 0}
    for slot in slot_times:
        per_kind[slot.days] += slot.minutes
    total, day = 0, max(first, schedule.start)
    while day <= last:
        if schedule.state(day) == "active":
            total += per_kind[day_kind(day)]
        day += timedelta(days=1)
    return total


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())
