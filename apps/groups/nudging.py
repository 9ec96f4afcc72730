"""Sending nudges through each member's reminder channels, and the weekly automatic nudge.

A nudge is claimed (pending → sending, a conditional UPDATE) before anything is sent, so two workers
never send the same one. It goes by e-mail when the member gets e-mail reminders, and to each of their
enabled push and chat channels; channels that fail are recorded and not retried (a nudge is a word
from a lead, not a study slot: it is on Today either way). Members who turned reminders off get it
on Today only.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.groups import services
from apps.groups.models import Group, Membership, Nudge
from apps.progress.schedule import local_date
from apps.progress.summary import slot_instants, summarize
from apps.reminders.models import EMAIL, Channel, ReminderSettings

log = logging.getLogger(__name__)
MONDAY = 0


def short(nudge: Nudge) -> dict:
    from apps.reminders.mail import absolute

    return {
        "title": _("%(group)s: a word from your group") % {"group": nudge.group.name},
        "body": nudge.message, "url": absolute(reverse("progress:today")), "done_url": None, "snooze_url": None,
        "tag": f"cadence-nudge-{nudge.pk}",
    }


def send(ids) -> dict:
    """Claim and send the given nudges; returns counts by outcome."""
    from apps.reminders.channels import ChannelError, deliver

    outcome = {"sent": 0, "failed": 0}
    claimed = []
    for pk in ids:
        if Nudge.objects.filter(pk=pk, status=Nudge.Status.PENDING).update(status=Nudge.Status.SENDING):
            claimed.append(pk)
    nudges = list(Nudge.objects.filter(pk__in=claimed).select_related("user__enrollment", "group"))
    users = [n.user_id for n in nudges]
    prefs = {p.user_id: p for p in ReminderSettings.objects.filter(user_id__in=users)}
    channels = {}
    for channel in Channel.objects.filter(user_id__in=users, enabled=True):
        channels.setdefault(channel.user_id, []).append(channel)
    for nudge in nudges:
        pref = prefs.get(nudge.user_id)
        language = getattr(getattr(nudge.user, "enrollment", None), "language", None) or "en"
        delivered, errors = [], []
        with translation.override(language):
            message = short(nudge)
            if pref is None or pref.mode != ReminderSettings.Mode.OFF:
                if nudge.user.email and (pref is None or pref.email):
                    try:
                        _mail(nudge, message)
                        delivered.append(EMAIL)
                    except Exception as error:  # noqa: BLE001 - a mail server's refusal is recorded, not raised
                        errors.append(f"email: {type(error).__name__}")
                for channel in channels.get(nudge.user_id, []):
                    try:
                        deliver(channel, message)
                        delivered.append(channel.code)
                    except ChannelError as error:
                        errors.append(f"{channel.code}: {error}")
        status = Nudge.Status.SENT if delivered or not errors else Nudge.Status.FAILED
        Nudge.objects.filter(pk=nudge.pk).update(status=status, delivered=delivered, error="; ".join(errors)[:2000])
        outcome["sent" if status == Nudge.Status.SENT else "failed"] += 1
    return outcome


def _mail(nudge: Nudge, message: dict) -> None:
    body = render_to_string("groups/email/nudge.txt", {"nudge": nudge, "url": message["url"]})
    mail = EmailMultiAlternatives(message["title"], body, to=[nudge.user.email])
    mailers.default.send_messages([mail])


def weekly(now: datetime | None = None) -> int:
    """The weekly automatic nudges due now: for each group that has one, each member who shares and is
    behind by more than its threshold, on their local Monday, once their first study slot has begun
    (and before it ends). Returns how many were recorded."""
    now = now or timezone.now()
    made = 0
    for group in Group.objects.filter(auto_nudge_behind__isnull=False).select_related("plan"):
        ids = services.behind_ids(group, group.auto_nudge_behind)
        if not ids:
            continue
        rows = Membership.objects.filter(group=group, user_id__in=ids).select_related("user__enrollment__plan")
        already = set(Nudge.objects.filter(user_id__in=ids, local_date__gte=(now - timedelta(days=1)).date())
                      .values_list("user_id", "local_date"))
        # Only members whose own date is a Monday without a nudge yet are asked for their day, from the
        # one learner-day summary (their state and today's slots), all at once.
        mondays = [m.user.enrollment for m in rows
                   if (d := local_date(m.user.enrollment.tz, now)).weekday() == MONDAY and (m.user_id, d) not in already]
        due = []
        for day in summarize(mondays, now=now).values():
            first = day.today_slots[0].slot if day.state == "active" and day.today_slots else None
            if first is None:
                continue
            starts, ends = slot_instants(day.date, first.start, first.end, day.enrollment.tz)
            if starts <= now < ends:
                due.append(day.user_id)
        if due:
            message = group.auto_nudge_message or _default_message(group)
            made += len(services.nudge(group, None, due, message, now=now, automatic=True)["sent"])
    return made


def _default_message(group: Group) -> str:
    return _("You are a few days behind in %(group)s. One slot today is enough to start catching up.") % {"group": group.name}
