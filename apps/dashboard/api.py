"""Chart data as JSON: the same functions the dashboard draws from, on the same learner's day."""

from django.http import JsonResponse
from django.utils.translation import gettext as _

from apps.dashboard import charts
from apps.progress.http import api_view, error


@api_view("GET")
def burndown(request, learner):
    day = learner.day
    return JsonResponse(charts.burndown(day, charts.history_of(day)).as_json())


@api_view("GET")
def hours(request, learner):
    weeks = None
    if "weeks" in request.GET:
        try:
            weeks = int(request.GET["weeks"])
        except ValueError:
            return error(400, {"weeks": [_("A whole number of weeks, 1 to 104.")]})
        if not 1 <= weeks <= 104:
            return error(400, {"weeks": [_("A whole number of weeks, 1 to 104.")]})
    day = learner.day
    rows = charts.hours(day, charts.history_of(day), weeks=weeks)
    return JsonResponse({
        "slots": [
            {"key": s.key, "days": s.days, "slot": s.number, "start": f"{s.start:%H:%M}", "end": f"{s.end:%H:%M}", "activity": s.activity}
            for s in day.slots
        ],
        "weeks": [
            {"start": w.start.isoformat(), "planned": w.planned, "logged": w.logged,
             "planned_total": w.planned_total, "logged_total": w.logged_total}
            for w in rows
        ],
    })
