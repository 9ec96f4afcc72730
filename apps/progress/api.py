"""JSON API for phone shortcuts and scripts: `Authorization: Bearer <token>` (or the browser session).
The plumbing (authentication, errors, bodies) is apps.progress.http's; a learner's figures come from
apps.progress.summary, like every page's.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.jsoninput import Field, read
from apps.core.validators import sane_date
from apps.curriculum.models import Topic
from apps.progress import review, services
from apps.progress.forms import CHECKIN_JSON, TOPIC_STATUS_JSON, CheckInForm, TopicStatusForm
from apps.progress.http import api_view, error, form_errors, json_body
from apps.progress.models import CheckIn, TopicProgress

MAX_RANGE_DAYS = 1000


def checkin_json(checkin: CheckIn) -> dict:
    return {
        "id": checkin.pk,
        "date": checkin.local_date.isoformat(),
        "slot": checkin.slot,
        "status": checkin.status,
        "minutes": checkin.minutes,
        "note": checkin.note,
        "topics": sorted(t.key for t in checkin.topics.all()),
    }


@api_view("GET", "POST")
def checkins(request, learner):
    if request.method == "POST":
        data = json_body(request)
        if data is None:
            return error(400, {"body": [_('Send a JSON object such as {"date": "2026-03-08", "slot": 1, "status": "done"}.')]})
        values, problems = read(data, CHECKIN_JSON)
        if problems:
            return error(400, problems)
        form = CheckInForm(values, learner=learner)
        if not form.is_valid():
            return error(400, form_errors(form))
        cleaned = form.cleaned_data
        try:
            checkin, created = services.record_checkin(
                user=request.user, local_date=cleaned["date"], slot=cleaned["slot"], status=cleaned["status"],
                minutes=cleaned["minutes"], note=cleaned["note"] if "note" in data else None,
                topics=cleaned["topics"] if "topics" in data else None,
            )
        except ValidationError as full:
            return error(400, {"minutes": full.messages})
        return JsonResponse(checkin_json(checkin), status=201 if created else 200)

    problems = {}
    parsed = {}
    for name, default in (("from", learner.today - timedelta(days=29)), ("to", learner.today)):
        value = request.GET.get(name)
        if value is None:
            parsed[name] = default
            continue
        try:
            parsed[name] = sane_date(date.fromisoformat(value))
        except ValueError:
            problems[name] = [_("Not a date YYYY-MM-DD: %(value)s.") % {"value": value[:20]}]
        except ValidationError as invalid:
            problems[name] = invalid.messages
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
    data = json_body(request)
    if data is None:
        return error(400, {"body": [_('Send a JSON object such as {"status": "done"}.')]})
    values, problems = read(data, TOPIC_STATUS_JSON)
    if problems:
        return error(400, problems)
    form = TopicStatusForm(values)
    if not form.is_valid():
        return error(400, form_errors(form))
    progress = services.set_topic_status(user=request.user, topic=topic_, status=form.cleaned_data["status"], local_date=learner.today)
    return JsonResponse({"key": topic_.key, "title": topic_.title, "status": progress.status})


@api_view("GET")
def progress(request, learner):
    day = learner.day
    return JsonResponse({
        "plan": learner.plan.slug,
        "day": max(0, min(day.schedule.day_number(day.date), day.total_days)),
        "total_days": day.total_days,
        "state": day.state,
        "paused_days": day.schedule.paused_days_through(day.date),
        "streak": {"current": day.streak.current, "longest": day.streak.longest},
        "topic_days": {"total": day.total_days, "done": day.topic_days_closed, "planned_to_date": day.planned_to_date},
        "ahead_by": day.ahead_by,
        "buffer_days": day.buffer_days,
        "buffer_until": day.buffer_until.isoformat() if day.buffer_until else None,
        "overdue": [{"key": t.key, "title": t.title, "days": t.days} for t in day.overdue],
        "minutes": {"today": day.minutes_today, "week": day.minutes_week, "total": day.minutes_total},
    })


REVIEW_JSON = {"rating": Field("text", choices=tuple(review.RATINGS))}


def review_json(topic, row, now) -> dict:
    return {
        "key": topic.key, "title": topic.title, "due": row.due_at.isoformat(),
        "recall": round(review.recall(row.stability, row.last_review_at, now), 4),
        "stability": round(row.stability, 4), "difficulty": round(row.difficulty, 4),
    }


@api_view("GET")
def reviews(request, learner):
    """The learner's review cards: due by the end of today (?due=today, the default) or all of them."""
    which = request.GET.get("due", "today")
    if which not in ("today", "all"):
        return error(400, {"due": [_("Use due=today or due=all.")]})
    day = learner.day  # the one summary holds every card (on the topic-progress rows it read)
    if which == "today":
        items = [{"key": r.topic.key, "title": r.topic.title, "due": r.due.isoformat(), "recall": round(r.recall, 4)} for r in day.reviews]
        return JsonResponse(items, safe=False)
    now, tz, topics = timezone.now(), learner.enrollment.tz, day.parts.topic_by_id
    cards = sorted(
        ((p, topics[topic_id]) for topic_id, p in day.progress.items() if p.status == TopicProgress.Status.DONE and p.due_at),
        key=lambda pair: (pair[0].due_at, pair[1].start_day),
    )
    return JsonResponse([
        {"key": t.key, "title": t.title, "due": p.due_at.astimezone(tz).date().isoformat(),
         "recall": round(review.recall(p.stability, p.last_review_at, now), 4)}
        for p, t in cards
    ], safe=False)


@api_view("POST")
def review_topic(request, learner, key):
    topic_ = Topic.objects.filter(plan=learner.plan, key=key).first()
    if topic_ is None:
        return error(404, {"key": [_("No topic %(key)s in your plan.") % {"key": key[:20]}]})
    data = json_body(request)
    if data is None:
        return error(400, {"body": [_('Send a JSON object such as {"rating": "good"}.')]})
    values, problems = read(data, REVIEW_JSON)
    if problems:
        return error(400, problems)
    row = review.rate(user=request.user, topic=topic_, rating=values["rating"], retention=learner.enrollment.desired_retention)
    if row is None:
        return error(404, {"key": [_("Topic %(key)s is not done: only done topics are reviewed.") % {"key": topic_.key}]})
    return JsonResponse(review_json(topic_, row, timezone.now()))
