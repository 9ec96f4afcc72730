"""Learner pages. Everything is read and written through request.user: an id or key that is not the
learner's own is a 404, never someone else's data. What a day holds comes from apps.progress.summary.

HTMX posts get back only the fragment they replace (`template#partial`); the same forms without
JavaScript post normally and are redirected back (or shown again with their errors, status 400).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from apps.curriculum.cache import plan_parts
from apps.curriculum.models import BlockItem, Plan, Topic
from apps.progress import review, services, stats
from apps.progress.display import SlotCard, checkin_row, projects_of, topics_for_date
from apps.progress.forms import (
    CheckInForm,
    EnrollmentForm,
    NoteForm,
    PauseForm,
    ProjectForm,
    SlotOverridesForm,
    TokenForm,
    TopicStatusForm,
)
from apps.progress.http import next_url, with_learner
from apps.progress.learner import Learner
from apps.progress.middleware import SESSION_LANGUAGE
from apps.progress.models import ApiToken, CheckIn, Enrollment, Pause, TopicNote, TopicProgress
from apps.progress.panels import render_panels
from apps.progress.schedule import PausedSpan, Schedule

# Dates a learner can ask about: a calendar month outside these is not a page.
FIRST_YEAR, LAST_YEAR = 1970, 2100


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Http404("Not a date") from None


@require_GET
@with_learner
def plan_home(request, learner):
    return redirect(learner.plan)


def _day_page(request, learner, day, *, status=200, errors=None, refused=None):
    """Today or a past day: the summary's day with its slot cards (and, on Today, yesterday's open
    slots to back-fill and the panels other apps add)."""
    is_today = day.date == learner.today
    by_key = learner.parts.topic_by_key
    cards = [SlotCard(s.local_date, s.slot, s.checkin, day.topics, topic_by_key=by_key) for s in day.today_slots]
    backfill = []
    if is_today and day.yesterday_open:
        yesterdays = day.topics_on_date(day.yesterday_open[0].local_date)
        backfill = [SlotCard(s.local_date, s.slot, None, yesterdays, topic_by_key=by_key) for s in day.yesterday_open]
    placed = False
    if refused is not None:
        for card in cards + backfill:
            if (card.day, card.slot.number) == refused[:2]:
                card.errors, card.data, placed = refused[2], request.POST, True
    return render(
        request,
        "progress/today.html",
        {
            "day": day, "is_today": is_today, "cards": cards, "backfill": backfill, **_catch_up(request, day, is_today),
            "projects": projects_of(learner, day.block),
            "reviews": day.reviews if is_today else [],
            "reviews_waiting": day.reviews_waiting if is_today else 0,
            "panels": render_panels("today", request, learner=learner, day=day) if is_today else [],
            "form_errors": None if placed else errors,
        },
        status=status,
    )


OVERDUE_SHOWN = 10  # overdue topics listed on Today (the rest: on the plan's pages)
KEPT = "catch-up-kept"  # session key: the date the learner chose "keep going" (the offer returns the next day)


def _catch_up(request, day, is_today: bool) -> dict:
    """Today's catch-up: the overdue topics (oldest first), the offer to shift the plan when far
    behind, the shift that can still be undone, and the next topics when everything due is done."""
    if not is_today:
        return {}
    overdue = day.overdue_with_status()
    shift = services.undoable_shift(request.user) if day.last_shift is not None else None
    return {
        "overdue": overdue[:OVERDUE_SHOWN],
        "overdue_count": len(overdue),
        "offer_shift": day.behind_by >= services.SHIFT_AFTER and request.session.get(KEPT) != day.date.isoformat(),
        "undo_shift": shift and _with_days(shift),
        "start_early": day.start_early,
    }


def _with_days(shift: Pause) -> Pause:
    shift.days = (shift.end_date - shift.start_date).days + 1
    return shift


def tiles_oob(request, learner) -> str:
    """Today's tiles, fresh, as an out-of-band swap for an HTMX answer from Today (a check-in or a topic's status)."""
    current = request.htmx.current_url_abs_path if request.htmx else None
    if current is None or current.split("?")[0] != reverse("progress:today"):
        return ""
    context = {"day": learner.day_on(learner.today), "is_today": True, "oob": True}
    return render_to_string("progress/today.html#tiles", context, request=request)


@require_GET
@with_learner
def today(request, learner):
    return _day_page(request, learner, learner.day)


@require_GET
@with_learner
def day(request, learner, on):
    day_ = _parse_date(on)
    if day_ == learner.today:
        return redirect("progress:today")
    if day_ < learner.enrollment.start_date or day_.year > LAST_YEAR:
        raise Http404("Only dates of your plan have a page")
    summary = learner.day_on(day_)
    if day_ > learner.today:
        # A preview of a day to come: its planned topics and slots, nothing to check in yet.
        if summary.state not in ("active", "paused"):
            raise Http404("The plan is over by then")
        for topic in summary.topics:
            topic.status = None  # copies: no status buttons on a day that has not come
        return render(request, "progress/today.html", {"day": summary, "is_today": False, "preview": True})
    return _day_page(request, learner, summary)


@require_POST
@with_learner
def checkin(request, learner):
    """Save one slot's check-in; HTMX gets the slot's card back, a plain form a redirect."""
    form = CheckInForm(request.POST, learner=learner)
    compact = bool(request.POST.get("compact"))
    if form.is_valid():
        data = form.cleaned_data
        # Topics change only when the form showed them; a one-tap card without them keeps what was chosen.
        # A note left out of the post (the one-tap buttons) keeps the note the check-in had.
        topics = data["topics"] if request.POST.get("with_topics") else None
        try:
            checkin_, _created = services.record_checkin(
                user=request.user, local_date=data["date"], slot=data["slot"], status=data["status"],
                minutes=data["minutes"], note=data["note"] if "note" in request.POST else None, topics=topics,
            )
        except ValidationError as full:  # the day's minutes, summed under a lock
            form.add_error("minutes", full)
            return _refused(request, learner, form, compact)
        if request.htmx:
            row = checkin_row(checkin_, None if topics is None else [t.key for t in topics])
            options = [] if compact else topics_for_date(learner, data["date"])
            card = SlotCard(data["date"], learner.slot_on(data["date"], data["slot"]), row, options, show_topics=not compact,
                            topic_by_key=learner.parts.topic_by_key)
            response = render(request, "progress/_slot_card.html", {"card": card})
            response.write(tiles_oob(request, learner))
            return trigger_client_event(response, "checkin-saved", {"date": data["date"].isoformat(), "slot": data["slot"]})
        return redirect(next_url(request, reverse("progress:today")) + f"#slot-{data['date'].isoformat()}-{data['slot']}")
    return _refused(request, learner, form, compact)


def _refused(request, learner, form, compact):
    """Refused: show the card (or the whole day) again with the messages, and change nothing."""
    day_, slot = _refused_card(request, learner, form)
    if request.htmx:
        if slot is None:
            return render(request, "progress/today.html#refused", {"errors": form.errors}, status=400)
        existing = CheckIn.objects.filter(user=request.user, local_date=day_, slot=slot.number).first()
        options = [] if compact else topics_for_date(learner, day_)
        card = SlotCard(day_, slot, checkin_row(existing) if existing else None, options, errors=form.errors, data=request.POST,
                        show_topics=not compact, topic_by_key=learner.parts.topic_by_key)
        return render(request, "progress/_slot_card.html", {"card": card}, status=400)
    summary = learner.day if day_ in (None, learner.today) else learner.day_on(day_)
    refused = (day_, slot.number, form.errors) if slot is not None else None
    return _day_page(request, learner, summary, status=400, errors=form.errors, refused=refused)


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
    if day_ is None or number is None or not (learner.enrollment.start_date <= day_ <= learner.today):
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
        return redirect(next_url(request, reverse("progress:today")))
    services.set_topic_status(user=request.user, topic=topic, status=form.cleaned_data["status"], local_date=learner.today)
    if request.htmx:
        topic.status = form.cleaned_data["status"]
        response = render(request, "progress/_topic_row.html", {"topic": topic})
        response.write(tiles_oob(request, learner))
        return trigger_client_event(response, "topic-saved", {"key": topic.key})
    return redirect(next_url(request, reverse("progress:today")))


@require_http_methods(["GET", "POST"])
@with_learner
def shift(request, learner):
    """Shift the rest of the plan by the days behind: GET shows what changes, POST does it."""
    day = learner.day
    span = services.shift_span(day)
    if span is None:
        messages.info(request, _("You are not behind the plan: there is nothing to shift."))
        return redirect("progress:today")
    if request.method == "POST":
        made = services.shift_plan(user=request.user)
        if made is not None:
            text = _("Your plan now goes on from today, %(n)s days later than before. You can undo this until your next check-in.")
            messages.success(request, text % {"n": (made.end_date - made.start_date).days + 1})
        return redirect("progress:today")
    s = day.schedule
    after = Schedule(s.start, s.tz, [*s.pauses, PausedSpan(span[0], span[1], shift=True)], total_days=s.total_days)
    return render(request, "progress/shift.html", {
        "day": day, "days": day.behind_by, "number_after": after.day_number(day.date),
        "end_before": s.date_of(s.total_days), "end_after": after.date_of(s.total_days),
    })


@require_POST
@with_learner
def shift_undo(request, learner):
    if services.undo_shift(user=request.user):
        messages.success(request, _("The shift is undone: your plan's dates are as they were."))
    else:
        messages.info(request, _("There is no shift to undo (a check-in since then keeps it)."))
    return redirect("progress:today")


@require_POST
@with_learner
def skip_overdue(request, learner):
    """Mark the overdue topics the learner ticked as skipped; a key that is not overdue changes nothing."""
    overdue = {t.key: t for t in learner.day.overdue}
    keys = request.POST.getlist("topics")
    unknown = [k[:20] for k in keys if k not in overdue]
    if not keys or unknown:
        messages.error(request, _("Tick the overdue topics to skip first.") if not keys else
                       _("Not overdue in your plan: %(keys)s. Nothing was skipped.") % {"keys": ", ".join(unknown[:5])})
        return redirect(reverse("progress:today") + "#catchup-h")
    services.skip_topics(user=request.user, topics=[overdue[k] for k in dict.fromkeys(keys)], local_date=learner.today)
    messages.success(request, _("Skipped: %(keys)s.") % {"keys": ", ".join(dict.fromkeys(keys))})
    return redirect("progress:today")


@require_POST
@with_learner
def keep_going(request, learner):
    request.session[KEPT] = learner.today.isoformat()
    messages.info(request, _("Keep going: the overdue topics stay on Today until you close them."))
    return redirect("progress:today")


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
        return render(request, "progress/_project_row.html", {"item": item, "errors": form.errors, "saved": status == 200}, status=status)
    if status == 400:
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
    return redirect(next_url(request, reverse("progress:today")))


@require_GET
@with_learner
def block(request, learner, slug, number):
    """A block of a plan; for the learner's own plan, with their topic statuses and practice projects."""
    plan = learner.plan if slug == learner.plan.slug else get_object_or_404(Plan, slug=slug)
    parts = plan_parts(plan)
    block_ = parts.blocks.get(number)
    if block_ is None:
        raise Http404("No such block")
    mine = plan.pk == learner.plan.pk
    topics = parts.topics_of(block_.pk)
    panels = []
    if mine:
        rows = TopicProgress.objects.filter(user=request.user, topic__block=block_).values_list(
            "topic_id", "status", "stability", "last_review_at")
        statuses = {topic_id: (status, stability, last) for topic_id, status, stability, last in rows}
        texts = dict(TopicNote.objects.filter(user=request.user, topic__block=block_).values_list("topic_id", "text"))
        now = timezone.now()
        for topic in topics:
            topic.status, stability, last = statuses.get(topic.pk, (TopicProgress.Status.NOT_STARTED, None, None))
            recall = review.recall(stability, last, now) if topic.status == TopicProgress.Status.DONE else None
            topic.recall_percent = None if recall is None else round(100 * recall)
            topic.note_text = texts.get(topic.pk, "")
        items = projects_of(learner, block_)
        panels = render_panels("block", request, learner=learner, block=block_, topics=topics)
    else:
        items = parts.items_of(block_.pk)
    siblings = parts.blocks
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
        return redirect(next_url(request, reverse("progress:block", args=[learner.plan.slug, topic.block.number])))
    saved = services.save_note(user=request.user, topic=topic, text=form.cleaned_data["text"])
    if request.htmx:
        return render(request, "progress/_note_status.html", {"note": saved, "tz": learner.enrollment.tz})
    return redirect(next_url(request, reverse("progress:block", args=[learner.plan.slug, topic.block.number])))


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
def review_topic(request, learner, key):
    """Rate a done topic's review (again / hard / good / easy): FSRS schedules the next one."""
    topic = _topic_for(learner, key)
    rating = request.POST.get("rating", "")
    if rating not in review.RATINGS:
        if request.htmx:
            return HttpResponse(_("Rate it Again, Hard, Good or Easy."), status=400)
        messages.error(request, _("Rate it Again, Hard, Good or Easy."))
        return redirect(next_url(request, reverse("progress:today")))
    row = review.rate(user=request.user, topic=topic, rating=rating, retention=learner.enrollment.desired_retention)
    if row is None:
        raise Http404("Only a topic you have done is reviewed")
    next_on = row.due_at.astimezone(learner.enrollment.tz).date()
    if request.htmx:
        return render(request, "progress/_review_row.html", {"reviewed": True, "topic": topic, "next_on": next_on,
                                                              "days": (next_on - learner.today).days})
    messages.success(request, _("Reviewed %(key)s: next on %(day)s.") % {"key": topic.key, "day": next_on.isoformat()})
    return redirect(next_url(request, reverse("progress:today")))


@require_POST
@with_learner
def choose(request, learner, item_id):
    item = get_object_or_404(BlockItem, pk=item_id, block__plan=learner.plan, kind=BlockItem.Kind.CHOICE)
    services.choose_project(user=request.user, item=item, local_date=learner.today)
    messages.success(request, _("Your final project: %(title)s.") % {"title": item.text})
    return redirect(next_url(request, reverse("progress:block", args=[learner.plan.slug, item.block.number])))


def _month(value: str | None, today_: date) -> date:
    """The first of the month `?month=YYYY-MM` names, within FIRST_YEAR..LAST_YEAR; else this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if FIRST_YEAR <= year <= LAST_YEAR:
            return date(year, month, 1)
    except ValueError:
        pass
    return today_.replace(day=1)


@require_GET
@with_learner
def history(request, learner):
    """A month calendar of logged minutes and slots, the month's check-ins, and time against plan."""
    today_ = learner.today
    summary = learner.day
    first = _month(request.GET.get("month"), today_)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    checkins = [c for c in summary.checkins if first <= c.local_date <= last]
    notes = dict(
        CheckIn.objects.filter(user=request.user, local_date__gte=first, local_date__lte=last).exclude(note="").values_list("id", "note")
    )
    per_day, slot_minutes = {}, {}
    for c in checkins:
        entry = per_day.setdefault(c.local_date, {"minutes": 0, "done": 0, "skipped": 0})
        if c.done:
            entry["minutes"] += c.minutes
            entry["done"] += 1
            key = (c.local_date.weekday() >= 5, c.slot)
            slot_minutes[key] = slot_minutes.get(key, 0) + c.minutes
        else:
            entry["skipped"] += 1
    schedule = summary.schedule
    weeks = [
        [
            {
                "date": d, "in_month": d.month == first.month, "state": schedule.state(d), "future": d > today_,
                "shifted": schedule.shift_on(d) is not None,
                "slots": len(learner.slots_on(d)), **per_day.get(d, {"minutes": 0, "done": 0, "skipped": 0}),
            }
            for d in week
        ]
        for week in calendar.Calendar().monthdatescalendar(first.year, first.month)
    ]
    previous_month = (first - timedelta(days=1)).replace(day=1)
    next_month = last + timedelta(days=1)
    return render(
        request,
        "progress/history.html",
        {
            "learner": learner, "weeks": weeks, "month": first,
            "shifts": [
                {"made": p.made, "days": (p.end - p.start).days + 1} for p in schedule.pauses if p.shift and p.end is not None
            ],
            "checkins": [{"row": c, "note": notes.get(c.id, ""), "slot": summary.slot(c.local_date, c.slot)} for c in checkins],
            "previous_month": previous_month if previous_month >= schedule.start.replace(day=1) else None,
            "next_month": next_month if next_month <= today_ else None,
            "week_rows": _weekly_minutes(summary, today_),
            "slot_rows": [{"slot": s, "minutes": slot_minutes.get((s.days == "weekend", s.number), 0)} for s in learner.slots],
            "month_planned": stats.planned_minutes(learner.slots, schedule, first, min(last, today_)),
            "month_logged": sum(v["minutes"] for v in per_day.values()),
        },
    )


def _weekly_minutes(summary, today_, weeks: int = 8):
    """Logged and planned minutes for the last `weeks` weeks, newest first."""
    first = stats.week_start(today_) - timedelta(weeks=weeks - 1)
    logged = {}
    for c in summary.checkins:
        if c.done and first <= c.local_date <= today_:
            key = stats.week_start(c.local_date)
            logged[key] = logged.get(key, 0) + c.minutes
    out = []
    for i in range(weeks):
        start = first + timedelta(weeks=i)
        if start + timedelta(days=6) < summary.schedule.start:
            continue
        out.append({
            "start": start, "logged": logged.get(start, 0),
            "planned": stats.planned_minutes(summary.slots, summary.schedule, start, start + timedelta(days=6)),
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
    # The learner's own times for their plan's slots (none to set before they have a plan).
    slots = (
        SlotOverridesForm(bound, plan_slots=enrollment.plan.slots.all(), overrides=enrollment.slot_overrides, prefix="slots")
        if enrollment.pk else None
    )
    status = 200
    if bound is not None:
        if form.is_valid() and (slots is None or slots.is_valid()):
            with transaction.atomic():
                enrollment = form.save(commit=False)
                # Times set for another plan's slots mean nothing in this one.
                enrollment.slot_overrides = slots.overrides() if slots is not None and old_plan_id == enrollment.plan_id else {}
                enrollment.save()
            request.session[SESSION_LANGUAGE] = enrollment.language
            messages.success(request, _("Settings saved."))
            return redirect("progress:settings")
        status = 400
    if pause_form is not None and pause_form.errors or token_form is not None and token_form.errors:
        status = 400
    learner = Learner.load(request.user) if enrollment.pk else None
    return render(
        request,
        "progress/settings.html",
        {
            "form": form, "slots": slots,
            "learner": learner,
            "pauses": list(Pause.objects.filter(user=request.user)) if enrollment.pk else [],
            "pause_form": pause_form or (PauseForm(learner=learner, initial={"start_date": learner.today}) if learner else None),
            "tokens": ApiToken.objects.filter(user=request.user),
            "token_form": token_form or TokenForm(),
            "new_token": new_token,
        },
        status=status,
    )
