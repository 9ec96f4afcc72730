"""The dashboard page. HTMX asks for the live part again after a check-in or a topic change."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apps.dashboard import charts, figures, preview, tables
from apps.progress.display import SlotCard
from apps.progress.http import with_learner
from apps.progress.models import ReviewLog
from apps.progress.schedule import day_kind
from apps.progress.stats import week_start


def slot_labels(slots) -> dict[str, str]:
    names = {"weekday": _("Weekdays"), "weekend": _("Weekend")}
    return {s.key: f"{names[s.days]} {s.start:%H:%M} {s.activity}" for s in slots}


@require_GET
@with_learner
def dashboard(request, learner):
    day = learner.day
    history = charts.history_of(day)
    schedule, today = day.schedule, day.date
    phases = day.parts.phases

    burn = charts.burndown(day, history)
    logs = list(ReviewLog.objects.filter(user=request.user, reviewed_at__lte=timezone.now()).order_by("reviewed_at")
                .values_list("topic_id", "reviewed_at", "stability"))
    reviews = charts.review_forecast(day, logs)
    weeks = charts.hours(day, history)
    grid = charts.heatmap(day, history)
    phase_rows = charts.phase_progress(history, phases)
    this_week = next((w for w in weeks if w.start == week_start(today)), None)
    labels = slot_labels(day.slots)
    cards = [SlotCard(s.local_date, s.slot, s.checkin, show_topics=False) for s in day.today_slots]

    context = {
        "learner": learner,
        "plan": day.plan,
        "state": day.state,
        "day": burn.today,
        "percent": day.percent_closed,
        "summary": day,
        "streak": day.streak,
        "week_logged": this_week.logged_total if this_week else 0,
        "week_planned": this_week.planned_total if this_week else 0,
        "next_milestone": day.next_milestone,
        "days_to_milestone": (day.next_milestone[1] - today).days if day.next_milestone else None,
        "burn": burn,
        "late": figures.late_text(burn.days_late),
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
            "reviews": tables.review_rows(reviews),
        },
        "figures": {
            "burndown": figures.burndown_figure(
                burn,
                phase_ends=[schedule.date_of(p.end_day) for p in phases[:-1]],
                milestones=[(m.day, due) for m, due in day.milestones],
                milestone_titles={m.day: m.title for m, _due in day.milestones},
                today=today,
            ),
            "hours": figures.hours_figure(weeks, labels),
            "heatmap": figures.heatmap_figure(grid),
            "phases": figures.phase_figure(phase_rows),
            "reviews": figures.review_figure(reviews),
        },
    }
    # Each chart painted with the page as SVG; plotly.js draws the same figure when the learner reaches for it.
    context["previews"] = {name: preview.render(figure) for name, figure in context["figures"].items()}
    template = "dashboard/dashboard.html#live" if request.htmx else "dashboard/dashboard.html"
    return render(request, template, context)
