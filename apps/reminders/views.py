"""Pages reached from a reminder e-mail, the unsubscribe endpoint, reminder settings and the calendar feed.

Links in mail are signed (bound to learner, date and slot) and expire after two days. Following one
never changes anything by itself, since mail scanners follow links: it shows a page whose button POSTs.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from apps.progress import services as progress_services
from apps.progress.forms import CheckInForm
from apps.progress.http import with_learner
from apps.progress.learner import Learner
from apps.progress.models import CheckIn
from apps.reminders import calendar, services
from apps.reminders.forms import ReminderSettingsForm
from apps.reminders.mail import read_link
from apps.reminders.models import ReminderSettings


def _link_user(request, token: str, action: str):
    """(user, payload) for a signed link, or an error response: 400 damaged or expired, 403 not yours."""
    try:
        data = read_link(token, action)
    except signing.SignatureExpired:
        return None, None, render(request, "reminders/link_error.html", {"reason": "expired"}, status=400)
    except signing.BadSignature:
        return None, None, render(request, "reminders/link_error.html", {"reason": "damaged"}, status=400)
    user = get_user_model().objects.filter(pk=data["u"], is_active=True).first()
    if user is None:
        return None, None, render(request, "reminders/link_error.html", {"reason": "damaged"}, status=400)
    if request.user.is_authenticated and request.user.pk != user.pk:
        return None, None, render(request, "reminders/link_error.html", {"reason": "not_yours"}, status=403)
    return user, data, None


@login_not_required
@require_http_methods(["GET", "POST"])
def checkin(request, token):
    user, data, error = _link_user(request, token, "checkin")
    if error:
        return error
    learner = Learner.load(user)
    if learner is None:
        return render(request, "reminders/link_error.html", {"reason": "damaged"}, status=400)
    local_date, slot_number = date.fromisoformat(data["d"]), data["s"]
    slot = learner.slot_on(local_date, slot_number)
    context = {"learner": learner, "local_date": local_date, "slot": slot, "token": token}
    if request.method == "GET":
        existing = CheckIn.objects.filter(user=user, local_date=local_date, slot=slot_number).first()
        return render(request, "reminders/checkin.html", context | {"existing": existing})
    form = CheckInForm(
        {"date": local_date.isoformat(), "slot": slot_number, "status": "done", "minutes": request.POST.get("minutes", "")},
        learner=learner,
    )
    if not form.is_valid():
        return render(request, "reminders/checkin.html", context | {"errors": form.errors}, status=400)
    # The button only says "done": a note the check-in already had is kept.
    try:
        checkin_, _created = progress_services.record_checkin(
            user=user, local_date=local_date, slot=slot_number, status="done", minutes=form.cleaned_data["minutes"],
        )
    except ValidationError as full:
        return render(request, "reminders/checkin.html", context | {"errors": {"minutes": full.messages}}, status=400)
    return render(request, "reminders/checkin.html", context | {"done": checkin_})


@login_not_required
@require_http_methods(["GET", "POST"])
def snooze(request, token):
    user, data, error = _link_user(request, token, "snooze")
    if error:
        return error
    local_date = date.fromisoformat(data["d"])
    context = {"local_date": local_date, "slot": data["s"], "token": token}
    if request.method == "GET":
        return render(request, "reminders/snooze.html", context)
    created = services.snooze(user=user, local_date=local_date, slot=data["s"])
    return render(request, "reminders/snooze.html", context | {"snoozed": True, "again": not created})


@login_not_required
@csrf_exempt  # RFC 8058 one-click: the mail client POSTs with no session and no CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    prefs = ReminderSettings.objects.filter(unsubscribe_token=token).first()
    if prefs is None:
        raise Http404("Unknown unsubscribe link")
    if request.method == "POST":
        ReminderSettings.objects.filter(pk=prefs.pk).update(mode=ReminderSettings.Mode.OFF)
        return render(request, "reminders/unsubscribe.html", {"done": True})
    return render(request, "reminders/unsubscribe.html", {"token": token})


def _slot_choices(learner):
    names = {"weekday": _("Weekdays"), "weekend": _("Weekend")}
    return [(s.key, f"{names[s.days]} {s.start:%H:%M} {s.activity}") for s in learner.slots]


@require_http_methods(["GET", "POST"])
@with_learner
def settings_page(request, learner):
    prefs = services.settings_for(request.user)
    form = ReminderSettingsForm(request.POST or None, instance=prefs, slot_choices=_slot_choices(learner))
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Reminder settings saved."))
            return redirect("reminders:settings")
    feed = request.build_absolute_uri(f"/calendar/{prefs.calendar_token}.ics")
    return render(
        request, "reminders/settings.html",
        {"form": form, "prefs": prefs, "feed": feed, "has_email": bool(request.user.email)},
        status=400 if form.errors else 200,
    )


@require_POST
def new_calendar_token(request):
    prefs = services.settings_for(request.user)
    prefs.calendar_token = ReminderSettings._meta.get_field("calendar_token").default()
    prefs.save(update_fields=["calendar_token"])
    messages.success(request, _("A new calendar address was made; the old one no longer works."))
    return redirect("reminders:settings")


@login_not_required
def calendar_feed(request, token):
    prefs = ReminderSettings.objects.select_related("user").filter(calendar_token=token, user__is_active=True).first()
    learner = Learner.load(prefs.user) if prefs else None
    if learner is None:
        raise Http404("Unknown calendar")
    response = HttpResponse(calendar.feed(learner), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cadence.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
