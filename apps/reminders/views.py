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
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.progress import services as progress_services
from apps.progress.forms import CheckInForm
from apps.progress.http import with_learner
from apps.progress.learner import Learner
from apps.progress.models import CheckIn
from apps.reminders import calendar, services
from apps.reminders.forms import AppriseForm, ChannelSlotsForm, ReminderSettingsForm
from apps.reminders.mail import read_link
from apps.reminders.models import EMAIL, Channel, Reminder, ReminderSettings


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
    checkin_, _created, errors = _mark_done(learner, local_date, slot_number, request.POST.get("minutes", ""))
    if errors:
        return render(request, "reminders/checkin.html", context | {"errors": errors}, status=400)
    return render(request, "reminders/checkin.html", context | {"done": checkin_})


def _mark_done(learner, local_date, slot_number, minutes) -> tuple[CheckIn | None, bool, dict]:
    """The check-in a link's Done makes (the mail's page or a push notification's button): checked by the
    same form as every check-in, recorded once; (check-in, created, errors by field). The button only says
    "done": a note the check-in already had is kept."""
    form = CheckInForm({"date": local_date.isoformat(), "slot": slot_number, "status": "done", "minutes": minutes}, learner=learner)
    if not form.is_valid():
        return None, False, form.errors
    try:
        checkin_, created = progress_services.record_checkin(
            user=learner.user, local_date=local_date, slot=slot_number, status="done", minutes=form.cleaned_data["minutes"],
        )
    except ValidationError as full:
        return None, False, {"minutes": full.messages}
    return checkin_, created, {}


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
    created = services.snooze(user=user, local_date=local_date, slot=data["s"], channel=data.get("c", EMAIL))
    return render(request, "reminders/snooze.html", context | {"snoozed": True, "again": not created})


@login_not_required
@csrf_exempt  # the service worker POSTs from a notification's button: the signed link is the proof, as in one-click unsubscribe
@require_POST
def push_action(request, action, token):
    """Done or Snooze tapped on a push notification: the service worker POSTs the signed link here."""
    user, data, error = _link_user(request, token, action)
    if error:
        return JsonResponse({"error": "this link is damaged, expired or not yours"}, status=error.status_code)
    local_date = date.fromisoformat(data["d"])
    if action == "snooze":
        created = services.snooze(user=user, local_date=local_date, slot=data["s"], channel=data.get("c", EMAIL))
        return JsonResponse({"snoozed": True, "again": not created})
    learner = Learner.load(user)
    if learner is None:
        return JsonResponse({"error": "you are not enrolled in a plan"}, status=400)
    _checkin, created, errors = _mark_done(learner, local_date, data["s"], "")
    if errors:
        return JsonResponse({"error": "; ".join(str(m) for messages in errors.values() for m in messages)}, status=400)
    return JsonResponse({"done": True, "date": local_date.isoformat(), "slot": data["s"], "created": created})


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


def _settings_context(request, learner, prefs, **extra):
    feed = request.build_absolute_uri(f"/calendar/{prefs.calendar_token}.ics")
    choices = _slot_choices(learner)
    channels = list(Channel.objects.filter(user=request.user))
    for channel in channels:
        channel.on_slots = [key for key, _label in choices if key not in channel.disabled_slots]
    last_mail = (Reminder.objects.filter(user=request.user, channel=EMAIL).exclude(status=Reminder.Status.PENDING)
                 .order_by("-updated_at").only("status", "error", "updated_at").first())
    return {"prefs": prefs, "feed": feed, "has_email": bool(request.user.email), "channels": channels, "slot_choices": choices,
            "last_mail": last_mail, "apprise_form": AppriseForm(), **extra}


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
    return render(request, "reminders/settings.html", _settings_context(request, learner, prefs, form=form),
                  status=400 if form.errors else 200)


def _own_channel(request, channel_id) -> Channel:
    channel = Channel.objects.filter(pk=channel_id, user=request.user).first()
    if channel is None:
        raise Http404("No such channel")
    return channel


@require_POST
@with_learner
def channel_add(request, learner):
    prefs = services.settings_for(request.user)
    form = AppriseForm(request.POST)
    if not form.is_valid():
        context = _settings_context(request, learner, prefs, form=ReminderSettingsForm(instance=prefs, slot_choices=_slot_choices(learner)))
        return render(request, "reminders/settings.html", context | {"apprise_form": form}, status=400)
    from apps.reminders.channels import add_apprise

    _channel, created = add_apprise(request.user, form.cleaned_data["url"], form.cleaned_data["label"])
    messages.success(request, _("Channel added.") if created else _("You had this channel already; it is on."))
    return redirect("reminders:settings")


@require_POST
@with_learner
def channel_update(request, learner, channel_id):
    channel = _own_channel(request, channel_id)
    choices = _slot_choices(learner)
    form = ChannelSlotsForm(request.POST, slot_choices=choices)
    if not form.is_valid():
        messages.error(request, _("Those slots are not yours: nothing was changed."))
        return redirect("reminders:settings")
    enabled = set(form.cleaned_data["enabled_slots"])
    Channel.objects.filter(pk=channel.pk).update(
        enabled=form.cleaned_data["enabled"], disabled_slots=[key for key, _label in choices if key not in enabled])
    if request.htmx:
        return render(request, "_saved.html")
    messages.success(request, _("Channel saved."))
    return redirect("reminders:settings")


@require_POST
def channel_test(request, channel_id):
    """Send a test message by one channel now, and show what happened."""
    from apps.reminders.channels import ChannelError, Gone, deliver, test_message

    channel = _own_channel(request, channel_id)
    try:
        deliver(channel, test_message())
    except Gone as gone:
        channel.delete()
        messages.error(request, _("That subscription is gone (%(error)s); it was removed.") % {"error": gone})
    except ChannelError as failed:
        services.channel_result(channel, "failed", str(failed))
        messages.error(request, _("The test message was not delivered: %(error)s") % {"error": failed})
    else:
        services.channel_result(channel, "sent", "")
        messages.success(request, _("Test message sent to %(name)s.") % {"name": channel.label or channel.shown})
    return redirect("reminders:settings")


@require_POST
def channel_remove(request, channel_id):
    _own_channel(request, channel_id).delete()
    messages.success(request, _("Channel removed."))
    return redirect("reminders:settings")


SERVICE_WORKER = None


@login_not_required
@require_GET
def service_worker(request):
    """The service worker, served from the site's root so that it may control every page."""
    global SERVICE_WORKER
    if SERVICE_WORKER is None:
        from django.contrib.staticfiles import finders

        with open(finders.find("cadence/sw.js"), encoding="utf-8") as source:
            SERVICE_WORKER = source.read()
    response = HttpResponse(SERVICE_WORKER, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


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
