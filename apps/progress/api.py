"""JSON API for phone shortcuts and scripts: `Authorization: Bearer <token>` (or the browser session).

Errors are always `{"errors": {field: [messages]}}`: 400 for bad input, 401 for a missing or bad
token, 404 for anything that is not the caller's or not there, 405 for a wrong method.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from apps.curriculum.models import Topic
from apps.progress import pagecache, services, stats
from apps.progress.forms import CheckInForm, TopicStatusForm
from apps.progress.learner import Learner
from apps.progress.models import CheckIn
from apps.progress.services import user_for_token

MAX_RANGE_DAYS = 1000


def error(status: int, errors: dict) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)


def _csrf_failure(request) -> bool:
    """Session-authenticated writes still need the CSRF token; a Bearer token does not."""
    check = CsrfViewMiddleware(lambda r: None)
    return check.process_view(request, None, (), {}) is not None


def api_view(*methods):
    def decorator(view):
        @login_not_required
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            header = request.headers.get("Authorization", "")
            if header:
                scheme, _space, raw = header.partition(" ")
                user = user_for_token(raw.strip()) if scheme.lower() == "bearer" else None
                if user is None:
                    return error(401, {"token": [_("Missing or invalid token: send Authorization: Bearer <token>.")]})
                request.user = user
            elif not request.user.is_authenticated:
                return error(401, {"token": [_("Missing or invalid token: send Authorization: Bearer <token>.")]})
            elif request.method not in ("GET", "HEAD", "OPTIONS") and _csrf_failure(request):
                return error(403, {"csrf": [_("CSRF token missing or incorrect.")]})
            if request.method not in methods:
                response = error(405, {"method": [_("Use %(methods)s.") % {"methods": " / ".join(methods)}]})
                response["Allow"] = ", ".join(methods)
                return response
            learner = Learner.load(request.user)
            if learner is None:
                return error(404, {"enrollment": [_("You are not enrolled in a plan yet.")]})
            with translation.override(learner.enrollment.language):  # answers in the learner's language
                return view(request, learner, *args, **kwargs)

        return wrapper

    return decorator


def _body(request) -> dict | None:
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _wrong_types(data: dict, kinds: dict) -> dict:
    """Fields of a JSON body that are not of their type (a number where text belongs, true for a date...)."""
    names = {str: _("text"), int: _("a whole number")}
    wrong = {}
    for field, kind in kinds.items():
        value = data.get(field)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, kind):
            wrong[field] = [_("Expected %(kind)s.") % {"kind": names[kind]}]
        elif isinstance(value, str) and "\x00" in value:
            wrong[field] = [_("Null characters are not allowed.")]
    return wrong


def _form_errors(form) -> dict:
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}


def checkin_json(checkin: CheckIn) -> dict:
    return {
        "id": checkin.pk,
        "date": checkin.local_date.isoformat(),
        "slot": checkin.slot,
        "status": checkin.status,
        "minutes": checkin.minutes,
        "note": checkin.note,
        "topics": checkin.topic_keys if hasattr(checkin, "topic_keys") else sorted(t.key for t in checkin.topics.all()),
    }


@api_view("GET", "POST")
def checkins(request, learner):
    if request.method == "POST":
        data = _body(request)
        if data is None:
            return error(400, {"body": [_('Send a JSON object such as {"date": "2026-03-08", "slot": 1, "status": "done"}.')]})
        wrong = _wrong_types(data, {"date": str, "status": str, "note": str, "slot": int, "minutes": int})
        if wrong:
            return error(400, wrong)
        form = CheckInForm(data, learner=learner)
        if not form.is_valid():
            return error(400, _form_errors(form))
        cleaned = form.cleaned_data
        checkin, created = services.record_checkin(
            user=request.user, local_date=cleaned["date"], slot=cleaned["slot"], status=cleaned["status"],
            minutes=cleaned["minutes"], note=cleaned["note"], topics=cleaned["topics"] if "topics" in data else None,
        )
        return JsonResponse(checkin_json(checkin), status=201 if created else 200)

    problems = {}
    parsed = {}
    for name, default in (("from", learner.today - timedelta(days=29)), ("to", learner.today)):
        value = request.GET.get(name)
        if value is None:
            parsed[name] = default
            continue
        try:
            parsed[name] = date.fromisoformat(value)
        except ValueError:
            problems[name] = [_("Not a date YYYY-MM-DD: %(value)s.") % {"value": value[:20]}]
    if not problems and parsed["from"] > parsed["to"]:
        problems["from"] = [_("'from' is after 'to'.")]
    if not problems and (parsed["to"] - parsed["from"]).days >= MAX_RANGE_DAYS:
        problems["to"] = [_("Ask for at most %(days)s days at a time.") % {"days": MAX_RANGE_DAYS}]
    if problems:
        return error(400, problems)
    rows = CheckIn.objects.filter(
        user=request.user, local_date__gte=parsed["from"], local_date__lte=parsed["to"]
    ).prefetch_related("topics").order_by("local_date", "slot")
    return JsonResponse([checkin_json(c) for c in rows], safe=False)


@api_view("PUT")
def topic(request, learner, key):
    topic_ = Topic.objects.filter(plan=learner.plan, key=key).first()
    if topic_ is None:
        return error(404, {"key": [_("No topic %(key)s in your plan.") % {"key": key[:20]}]})
    data = _body(request)
    if data is None:
        return error(400, {"body": [_('Send a JSON object such as {"status": "done"}.')]})
    form = TopicStatusForm(data)
    if not form.is_valid():
        return error(400, _form_errors(form))
    progress = services.set_topic_status(user=request.user, topic=topic_, status=form.cleaned_data["status"], local_date=learner.today)
    return JsonResponse({"key": topic_.key, "title": topic_.title, "status": progress.status})


def cached_json(learner, name: str, build) -> HttpResponse:
    """A JSON answer (a dict from `build()`), cached for the learner until their data or date changes."""
    body = pagecache.cached(learner, name, lambda: JsonResponse(build()).content)  # bytes
    return HttpResponse(body, content_type="application/json")


@api_view("GET")
def progress(request, learner):
    return cached_json(learner, "api-progress", lambda: _progress(learner))


def _progress(learner) -> dict:
    schedule, today = learner.schedule, learner.today
    user = learner.user
    # One pass over the learner's done check-ins (a few hundred rows at most) gives both the studied
    # dates for the streaks and the minutes: one query instead of a DISTINCT and a SUM.
    week_first = stats.week_start(today)
    studied, sums = set(), {"total": 0, "week": 0, "today": 0}
    done = CheckIn.objects.filter(user=user, status=CheckIn.Status.DONE).order_by()
    for local_date, minutes in done.values_list("local_date", "minutes"):
        studied.add(local_date)
        sums["total"] += minutes
        if week_first <= local_date <= today:
            sums["week"] += minutes
            if local_date == today:
                sums["today"] += minutes
    streak = stats.streaks(schedule, studied, today)
    closed = stats.topic_days_closed(learner)
    planned = stats.planned_to_date(schedule, today)
    return {
        "plan": learner.plan.slug,
        "day": max(0, min(schedule.day_number(today), learner.plan.total_days)),
        "total_days": learner.plan.total_days,
        "state": schedule.state(today),
        "paused_days": schedule.paused_days_through(today),
        "streak": {"current": streak.current, "longest": streak.longest},
        "topic_days": {"total": learner.plan.total_days, "done": closed, "planned_to_date": planned},
        "ahead_by": closed - planned,
        "minutes": sums,
    }
