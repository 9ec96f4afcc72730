"""Learner pages. Everything is read and written through request.user: an id or key that is not the
learner's own is a 404, never someone else's data.

HTMX posts get back only the fragment they replace (`template#partial`); the same forms without
JavaScript post normally and are redirected back (or shown again with their errors, status 400).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from apps.curriculum.models import Block, BlockItem, Plan, Topic
from apps.progress import pagecache, services, stats
from apps.progress.forms import (
    CheckInForm,
    EnrollmentForm,
    NoteForm,
    PauseForm,
    ProjectForm,
    SlotTimeFormSet,
    TokenForm,
    TopicStatusForm,
)
from apps.progress.learner import Learner
from apps.progress.middleware import SESSION_LANGUAGE
from apps.progress.models import ApiToken, CheckIn, Enrollment, Pause, Review, SlotTime, TopicNote, TopicProgress
from apps.progress.panels import render_panels
from apps.progress.today import SlotCard, day_view, projects_of, topics_for_date


def with_learner(view):
    """Load the learner (enrollment, schedule, slots) or send them to choose a plan first."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        learner = Learner.load(request.user)
        if learner is None:
            if not Plan.objects.exists():
                return render(request, "progress/no_plan.html")
            messages.info(request, _("Choose your plan and its first day to begin."))
            return redirect("progress:settings")
        return view(request, learner, *args, **kwargs)

    return wrapper


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Http404("Not a date") from None


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@require_GET
@with_learner
def plan_home(request, learner):
    return redirect(learner.plan)


@require_GET
@with_learner
def today(request, learner):
    def page():
        view = day_view(learner, learner.today)
        panels = render_panels("today", request, learner=learner, view=view)
        return render(request, "progress/today.html", {"view": view, "panels": panels})

    return pagecache.page(request, learner, "today", page)


@require_GET
@with_learner
def day(request, learner, on):
    day_ = _parse_date(on)
    if day_ == learner.today:
        return redirect("progress:today")
    if day_ > learner.today or day_ < learner.schedule.start:
        raise Http404("Only dates from your plan's start until today have a page")
    return render(request, "progress/today.html", {"view": day_view(learner, day_)})


@require_POST
@with_learner
def checkin(request, learner):
    """Save one slot's check-in; HTMX gets the slot's card back, a plain form a redirect."""
    form = CheckInForm(request.POST, learner=learner)
    compact = bool(request.POST.get("compact"))
    if form.is_valid():
        data = form.cleaned_data
        # Topics change only when the form showed them; a one-tap card without them keeps what was chosen.
        topics = data["topics"] if request.POST.get("with_topics") else None
        checkin_, _created = services.record_checkin(
            user=request.user, local_date=data["date"], slot=data["slot"], status=data["status"],
            minutes=data["minutes"], note=data["note"], topics=topics,
        )
        if request.htmx:
            options = [] if compact else topics_for_date(learner, data["date"])
            card = SlotCard(data["date"], learner.slot_on(data["date"], data["slot"]), checkin_, options, show_topics=not compact)
            response = render(request, "progress/_slot_card.html", {"card": card})
            return trigger_client_event(response, "checkin-saved", {"date": data["date"].isoformat(), "slot": data["slot"]})
        return redirect(_next_url(request, reverse("progress:today")) + f"#slot-{data['date'].isoformat()}-{data['slot']}")

    # Refused: show the card (or the whole day) again with the messages, and change nothing.
    day_, slot = _refused_card(request, learner, form)
    if request.htmx:
        if slot is None:
            return render(request, "progress/today.html#refused", {"errors": form.errors}, status=400)
        existing = CheckIn.objects.filter(user=request.user, local_date=day_, slot=slot.number).first()
        options = [] if compact else topics_for_date(learner, day_)
        card = SlotCard(day_, slot, existing, options, errors=form.errors, data=request.POST, show_topics=not compact)
        return render(request, "progress/_slot_card.html", {"card": card}, status=400)
    view = day_view(learner, day_ or learner.today)
    placed = False
    for card in view.cards + view.backfill:
        if slot is not None and card.day == day_ and card.slot.number == slot.number:
            card.errors, card.data, placed = form.errors, request.POST, True
    return render(request, "progress/today.html", {"view": view, "form_errors": None if placed else form.errors}, status=400)


def _refused_card(request, learner, form):
    """The (date, slot) whose card a refused check-in came from: the posted values when they are
    valid, else the card HTMX names as its target (slot-YYYY-MM-DD-N)."""
    day_, number = form.cleaned_data.get("date"), form.cleaned_data.get("slot")
    if day_ is None or number is None:
        match = re.fullmatch(r"slot-(\d{4}-\d{2}-\d{2})-(\d+)", (request.htmx.target or "") if request.htmx else "")
        if match:
            try:
                day_, number = date.fromisoformat(match.group(1)), int(match.group(2))
            except ValueError:
                return None, None
    if day_ is None or number is None or not (learner.schedule.start <= day_ <= learner.today):
        return None, None
    return day_, learner.slot_on(day_, number)


def _topic_for(learner, key) -> Topic:
    return get_object_or_404(Topic.objects.select_related("block"), plan=learner.plan, key=key)


@require_POST
@with_learner
def topic_status(request, learner, key):
    topic = _topic_for(learner, key)
    form = TopicStatusForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            topic.status = None
            return render(request, "progress/_topic_row.html", {"topic": topic, "errors": form.errors}, status=400)
        messages.error(request, _("Choose one of: not started, in progress, done, skipped."))
        return redirect(_next_url(request, reverse("progress:today")))
    services.set_topic_status(user=request.user, topic=topic, status=form.cleaned_data["status"], local_date=learner.today)
    if request.htmx:
        topic.status = form.cleaned_data["status"]
        response = render(request, "progress/_topic_row.html", {"topic": topic})
        return trigger_client_event(response, "topic-saved", {"key": topic.key})
    return redirect(_next_url(request, reverse("progress:today")))


@require_POST
@with_learner
def project(request, learner, item_id):
    item = get_object_or_404(BlockItem, pk=item_id, block__plan=learner.plan)
    form = ProjectForm(request.POST)
    if form.is_valid():
        saved = services.set_project(
            user=request.user, item=item, done=form.cleaned_data["done"], link=form.cleaned_data["link"], local_date=learner.today
        )
        item.done, item.link = saved.done, saved.link
        status = 200
    else:
        item.done, item.link = bool(request.POST.get("done")), request.POST.get("link", "")
        status = 400
    if request.htmx:
        return render(request, "progress/_project_row.html", {"item": item, "errors": form.errors}, status=status)
    if status == 400:
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
    return redirect(_next_url(request, reverse("progress:today")))


@require_GET
@with_learner
def block(request, learner, slug, number):
    """A block of a plan; for the learner's own plan, with their topic statuses and practice projects."""
    plan = learner.plan if slug == learner.plan.slug else get_object_or_404(Plan, slug=slug)
    block_ = get_object_or_404(Block.objects.select_related("phase"), plan=plan, number=number)
    mine = plan.pk == learner.plan.pk
    topics = list(block_.topics.all())
    panels = []
    if mine:
        statuses = dict(TopicProgress.objects.filter(user=request.user, topic__block=block_).values_list("topic_id", "status"))
        texts = dict(TopicNote.objects.filter(user=request.user, topic__block=block_).values_list("topic_id", "text"))
        for topic in topics:
            topic.status = statuses.get(topic.pk, TopicProgress.Status.NOT_STARTED)
            topic.note_text = texts.get(topic.pk, "")
        items = projects_of(learner, block_)
        panels = render_panels("block", request, learner=learner, block=block_, topics=topics)
    else:
        items = list(block_.items.all())
    siblings = {b.number: b for b in Block.objects.filter(plan=plan, number__in=[number - 1, number + 1]).only("number", "title")}
    return render(
        request,
        "progress/block.html",
        {
            "plan": plan, "current_block": block_, "topics": topics, "mine": mine, "panels": panels,
            "projects": [i for i in items if i.kind == BlockItem.Kind.PROJECT],
            "choices": [i for i in items if i.kind == BlockItem.Kind.CHOICE],
            "deliverables": [i for i in items if i.kind == BlockItem.Kind.DELIVERABLE],
            "previous": siblings.get(number - 1), "next": siblings.get(number + 1),
        },
    )


@require_POST
@with_learner
def note(request, learner, key):
    """Save a topic's note (HTMX autosave, or a plain form post)."""
    topic = _topic_for(learner, key)
    form = NoteForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return render(request, "progress/_note_status.html", {"errors": form.errors["text"]}, status=400)
        messages.error(request, " ".join(form.errors["text"]))
        return redirect(_next_url(request, reverse("progress:block", args=[learner.plan.slug, topic.block.number])))
    saved = services.save_note(user=request.user, topic=topic, text=form.cleaned_data["text"])
    if request.htmx:
        return render(request, "progress/_note_status.html", {"note": saved})
    return redirect(_next_url(request, reverse("progress:block", args=[learner.plan.slug, topic.block.number])))


@require_GET
@with_learner
def notes(request, learner):
    """All the learner's topic notes; `?q=` finds text in them (Chinese or English), matches marked."""
    query = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    rows = TopicNote.objects.filter(user=request.user).exclude(text="").select_related("topic__block")
    if query:
        rows = rows.filter(text__icontains=query)
    results = [{"note": n, "snippet": highlight(n.text, query)} for n in rows.order_by("topic__start_day", "topic__number")]
    return render(request, "progress/notes.html", {"results": results, "query": query, "plan": learner.plan})


def highlight(text: str, query: str, around: int = 80) -> str:
    """An escaped snippet of `text` around the first match of `query`, every match wrapped in <mark>."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    if not query:
        return escape(text[: around * 2]) + ("…" if len(text) > around * 2 else "")
    found = re.search(re.escape(query), text, re.IGNORECASE)
    start = max(found.start() - around, 0) if found else 0
    piece = text[start : start + around * 2 + len(query)]
    marked = re.sub(
        re.escape(escape(query)), lambda m: f"<mark>{m.group(0)}</mark>", escape(piece), flags=re.IGNORECASE
    )
    return mark_safe(("…" if start else "") + marked + ("…" if start + len(piece) < len(text) else ""))  # noqa: S308


@require_POST
@with_learner
def review_done(request, learner, key, stage):
    topic = _topic_for(learner, key)
    if stage not in Review.STAGES:
        raise Http404("No such review")
    services.dismiss_review(user=request.user, topic=topic, stage=stage, local_date=learner.today)
    if request.htmx:
        return HttpResponse("")
    return redirect(_next_url(request, reverse("progress:today")))


@require_POST
@with_learner
def choose(request, learner, item_id):
    item = get_object_or_404(BlockItem, pk=item_id, block__plan=learner.plan, kind=BlockItem.Kind.CHOICE)
    services.choose_project(user=request.user, item=item, local_date=learner.today)
    messages.success(request, _("Your final project: %(title)s.") % {"title": item.text})
    return redirect(_next_url(request, reverse("progress:block", args=[learner.plan.slug, item.block.number])))


@require_GET
@with_learner
def history(request, learner):
    """A month calendar of logged minutes and slots, the month's check-ins, and time against plan."""
    today_ = learner.today
    try:
        year, month = (int(part) for part in request.GET.get("month", f"{today_:%Y-%m}").split("-"))
        first = date(year, month, 1)
    except ValueError:
        first = today_.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    checkins = list(
        CheckIn.objects.filter(user=request.user, local_date__gte=first, local_date__lte=last).prefetch_related("topics")
    )
    per_day = {}
    for c in checkins:
        entry = per_day.setdefault(c.local_date, {"minutes": 0, "done": 0, "skipped": 0})
        if c.status == CheckIn.Status.DONE:
            entry["minutes"] += c.minutes
            entry["done"] += 1
        else:
            entry["skipped"] += 1
    schedule = learner.schedule
    weeks = []
    for week in calendar.Calendar().monthdatescalendar(first.year, first.month):
        weeks.append([
            {
                "date": d, "in_month": d.month == first.month, "state": schedule.state(d), "future": d > today_,
                "slots": len(learner.slots_on(d)), **per_day.get(d, {"minutes": 0, "done": 0, "skipped": 0}),
            }
            for d in week
        ])
    slot_minutes = {}
    for c in checkins:
        if c.status == CheckIn.Status.DONE:
            slot_minutes[(c.local_date.weekday() >= 5, c.slot)] = slot_minutes.get((c.local_date.weekday() >= 5, c.slot), 0) + c.minutes
    week_rows = _weekly_minutes(request.user, learner, today_)
    previous_month = (first - timedelta(days=1)).replace(day=1)
    next_month = last + timedelta(days=1)
    return render(
        request,
        "progress/history.html",
        {
            "learner": learner, "weeks": weeks, "month": first, "checkins": checkins,
            "previous_month": previous_month if previous_month >= schedule.start.replace(day=1) else None,
            "next_month": next_month if next_month <= today_ else None,
            "week_rows": week_rows,
            "slot_rows": [
                {"slot": s, "minutes": slot_minutes.get((s.days == "weekend", s.number), 0)} for s in learner.slot_times
            ],
            "month_planned": stats.planned_minutes(learner.slot_times, schedule, first, min(last, today_)),
            "month_logged": sum(v["minutes"] for v in per_day.values()),
        },
    )


def _weekly_minutes(user, learner, today_, weeks: int = 8):
    """Logged and planned minutes for the last `weeks` weeks, newest first, from one query."""
    first = stats.week_start(today_) - timedelta(weeks=weeks - 1)
    rows = (
        CheckIn.objects.filter(user=user, status=CheckIn.Status.DONE, local_date__gte=first, local_date__lte=today_)
        .values_list("local_date", "minutes")
    )
    logged = {}
    for local_date, minutes in rows:
        key = stats.week_start(local_date)
        logged[key] = logged.get(key, 0) + minutes
    out = []
    for i in range(weeks):
        start = first + timedelta(weeks=i)
        if start + timedelta(days=6) < learner.schedule.start:
            continue
        out.append({
            "start": start, "logged": logged.get(start, 0),
            "planned": stats.planned_minutes(learner.slot_times, learner.schedule, start, start + timedelta(days=6)),
        })
    return list(reversed(out))


@require_POST
@with_learner
def pause(request, learner):
    form = PauseForm(request.POST, learner=learner)
    if form.is_valid():
        services.pause(user=request.user, start_date=form.cleaned_data["start_date"])
        messages.success(request, _("Your plan is paused from %(day)s. Resume it when you are back.") % {
            "day": form.cleaned_data["start_date"].isoformat()})
        return redirect("progress:settings")
    return settings_page(request, pause_form=form)


@require_POST
@with_learner
def resume(request, learner):
    services.resume(user=request.user, today=learner.today)
    messages.success(request, _("Welcome back: your plan goes on from today."))
    return redirect("progress:settings")


@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return settings_page(request, token_form=form)
    _token, raw = services.issue_token(user=request.user, name=form.cleaned_data["name"])
    return settings_page(request, new_token=raw)


@require_POST
def token_revoke(request, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    token.delete()
    messages.success(request, _("Token revoked: it no longer works."))
    return redirect("progress:settings")


@require_http_methods(["GET", "POST"])
def settings_page(request, *, pause_form=None, token_form=None, new_token=None):
    enrollment = Enrollment.objects.select_related("plan").filter(user=request.user).first()
    if enrollment is None:
        plan = Plan.objects.order_by("title").first()
        if plan is None:
            return render(request, "progress/no_plan.html")
        enrollment = Enrollment(
            user=request.user, plan=plan, start_date=timezone.localdate(), timezone=settings.TIME_ZONE,
            language=request.LANGUAGE_CODE if request.LANGUAGE_CODE in dict(settings.LANGUAGES) else "en",
        )
    own_form = pause_form is None and token_form is None and new_token is None
    bound = request.POST if request.method == "POST" and own_form else None
    old_plan_id = enrollment.plan_id if enrollment.pk else None
    form = EnrollmentForm(bound, instance=enrollment, prefix="enrollment")
    slots = SlotTimeFormSet(bound, queryset=enrollment.slots.all() if enrollment.pk else SlotTime.objects.none(), prefix="slots")
    status = 200
    if bound is not None:
        if form.is_valid() and slots.is_valid():
            with transaction.atomic():
                enrollment = form.save()
                if old_plan_id == enrollment.plan_id:
                    slots.save()
                services.reset_slot_times(enrollment)
            request.session[SESSION_LANGUAGE] = enrollment.language
            messages.success(request, _("Settings saved."))
            return redirect("progress:settings")
        status = 400
    if pause_form is not None and pause_form.errors or token_form is not None and token_form.errors:
        status = 400
    activities = {(s.days, s.number): s.activity for s in enrollment.plan.slots.all()} if enrollment.pk else {}
    learner = Learner.load(request.user) if enrollment.pk else None
    return render(
        request,
        "progress/settings.html",
        {
            "form": form, "slots": slots,
            "slot_rows": [(f, activities.get((f.instance.days, f.instance.number), "")) for f in slots.forms],
            "learner": learner,
            "pauses": list(Pause.objects.filter(user=request.user)) if enrollment.pk else [],
            "pause_form": pause_form or (PauseForm(learner=learner, initial={"start_date": learner.today}) if learner else None),
            "tokens": ApiToken.objects.filter(user=request.user),
            "token_form": token_form or TokenForm(),
            "new_token": new_token,
        },
        status=status,
    )
