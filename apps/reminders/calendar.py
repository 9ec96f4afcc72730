"""The learner's calendar feed: one event per study slot for the plan's remaining days, at their own
times and timezone (the plan's rhythm with their overrides), described with that day's topics, and
all-day events on milestone days. The plan's rows come from the plan cache."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from icalendar import Calendar, Event

from apps.progress.learner import Learner


def feed(learner: Learner) -> bytes:
    schedule, plan = learner.schedule, learner.plan
    cal = Calendar()
    cal.add("prodid", "-//Cadence//Study plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Cadence: {plan.title}")
    cal.add("x-wr-timezone", learner.enrollment.timezone)
    titles_on = {}  # plan day → its topics' titles, made once (a plan has at most 3,650 days)
    for t in learner.parts.topics:
        for number in range(t.start_day, t.end_day + 1):
            titles_on.setdefault(number, []).append(f"{t.key} {t.title}")
    now = datetime.now(tz=learner.schedule.tz)
    day = max(learner.today, schedule.start)
    last = schedule.date_of(plan.total_days)
    host = settings.SITE_URL.split("://", 1)[-1]
    while day <= last:
        if schedule.state(day) == "active":
            number = schedule.day_number(day)
            titles = titles_on.get(number, [])
            for slot in learner.slots_on(day):
                start = datetime.combine(day, slot.start, tzinfo=schedule.tz)
                end = datetime.combine(day if slot.end > slot.start else day + timedelta(days=1), slot.end, tzinfo=schedule.tz)
                event = Event()
                event.add("uid", f"cadence-{learner.user.pk}-{day.isoformat()}-{slot.number}@{host}")
                event.add("dtstamp", now)
                event.add("dtstart", start)
                event.add("dtend", end)
                event.add("summary", slot.activity)
                event.add("description", f"Day {number}/{plan.total_days}\n" + "\n".join(titles))
                cal.add_component(event)
        day += timedelta(days=1)
    items = {}
    for item in learner.parts.milestone_items:
        items.setdefault(item.milestone_id, []).append(item)
    for milestone in learner.parts.milestones:
        when = schedule.date_of(milestone.day)
        if when < learner.today:
            continue
        event = Event()
        event.add("uid", f"cadence-{learner.user.pk}-milestone-{milestone.day}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", when)
        event.add("dtend", when + timedelta(days=1))
        event.add("summary", milestone.title or f"Day {milestone.day} milestone")
        event.add("description", "\n".join(f"- {item.text}" for item in items.get(milestone.pk, [])))
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


