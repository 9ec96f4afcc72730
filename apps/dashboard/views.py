"""The dashboard page. HTMX asks for the live part again after a check-in or a topic change."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.dashboard import charts, figures, tables
from apps.progress import pagecache
from apps.progress.models import CheckIn
from apps.progress.schedule import day_kind
from apps.progress.stats import planned_to_date, streaks, week_start
from apps.progress.today import SlotCard
from apps.progress.views import with_learner


def slot_labels(learner) -> dict[str, str]:
    from django.utils.translation import gettext as _

    names = {"weekday": _("Weekdays"), "weekend": _("Weekend")}
    return {
        charts.slot_key(s.days, s.number): f"{names[s.days]} {s.start:%H:%M} {s.activity}" for s in learner.slot_times
    }


@require_GET
@with_learner
def dashboard(request, learner):
    return pagecache.page(request, learner, "dashboard", lambda: _dashboard(request, learner))


def _dashboard(request, learner):
    history = charts.load_history(learner)
    plan, schedule, today = learner.plan, learner.schedule, learner.today
    phases = learner.parts.phases
    milestones = learner.parts.milestones

    burn = charts.burndown(learner, history)
    weeks = charts.hours(learner, history)
    grid = charts.heatmap(learner, history)
    phase_rows = charts.phase_progress(learner, history, phases)
    studied = charts.studied_dates(history)
    streak = streaks(schedule, studied, today)
    closed = history.closed_topic_days()
    planned = planned_to_date(schedule, today)
    this_week = next((w for w in weeks if w.start == week_start(today)), None)
    upcoming = [(m, schedule.date_of(m.day)) for m in milestones]
    next_milestone = next(((m, due) for m, due in upcoming if due >= today), None)
    labels = slot_labels(learner)

    todays = {c.slot: c for c in CheckIn.objects.filter(user=learner.user, local_date=today)}
    cards = [SlotCard(today, slot, todays.get(slot.number), show_topics=False) for slot in learner.slots_on(today)]

    context = {
        "learner": learner,
        "plan": plan,
        "state": schedule.state(today),
        "day": burn.today,
        "percent": round(100 * closed / plan.total_days) if plan.total_days else 0,
        "ahead_by": closed - planned,
        "behind_by": planned - closed,
        "streak": streak,
        "week_logged": this_week.logged_total if this_week else 0,
        "week_planned": this_week.planned_total if this_week else 0,
        "next_milestone": next_milestone,
        "days_to_milestone": (next_milestone[1] - today).days if next_milestone else None,
        "burn": burn,
        "weeks": weeks,
        "grid": grid,
        "phase_rows": phase_rows,
        "labels": labels,
        "cards": cards,
        "today_kind": day_kind(today),
        "tables": {
            "burndown": tables.burndown_rows(burn),
            "hours": tables.hours_rows(weeks),
            "phases": tables.phase_rows(phase_rows),
            "heatmap": tables.heatmap_rows(grid),
        },
        "figures": {
            "burndown": figures.burndown_figure(
                burn,
                phase_ends=[schedule.date_of(p.end_day) for p in phases[:-1]],
                milestones=[(m.day, due) for m, due in upcoming],
                today=today,
            ),
            "hours": figures.hours_figure(weeks, labels),
            "heatmap": figures.heatmap_figure(grid),
            "phases": figures.phase_figure(phase_rows),
        },
    }
    template = "dashboard/dashboard.html#live" if request.htmx else "dashboard/dashboard.html"
    return render(request, template, context)
