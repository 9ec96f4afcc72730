"""Chart data as JSON: the same functions the dashboard draws from."""

from django.http import JsonResponse
from django.utils.translation import gettext as _

from apps.dashboard import charts
from apps.progress.api import api_view, cached_json, error


@api_view("GET")
def burndown(request, learner):
    return cached_json(learner, "api-burndown", lambda: charts.burndown(learner, charts.load_history(learner)).as_json())


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
    rows = charts.hours(learner, charts.load_history(learner), weeks=weeks)
    return JsonResponse({
        "slots": [
            {"key": charts.slot_key(s.days, s.number), "days": s.days, "slot": s.number,
             "start": f"{s.start:%H:%M}", "end": f"{s.end:%H:%M}", "activity": s.activity}
            for s in learner.slot_times
        ],
        "weeks": [
            {"start": w.start.isoformat(), "planned": w.planned, "logged": w.logged,
             "planned_total": w.planned_total, "logged_total": w.logged_total}
            for w in rows
        ],
    })
