"""The reminder e-mail: Django's EmailMultiAlternatives from a template trio (subject, text, HTML),
rendered in the learner's language from the learner's day (apps.progress.summary), with signed
links for Check in and Snooze and RFC 8058 one-click unsubscribe.

`build_messages` makes the messages for a batch of reminders from a fixed number of queries for the
whole batch (the enrollments, the summary's three, the reminder settings, and the papers read or
projects done when a slot asks for them), never one set of queries per learner.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from apps.progress.models import Enrollment
from apps.progress.summary import LearnerDay, summarize
from apps.reminders.models import Reminder, ReminderSettings

LINK_SALT = "cadence.reminders.link"
LINK_MAX_AGE = 60 * 60 * 48  # a mailed link works for two days


def sign_link(*, user_id: int, local_date, slot: int, action: str, channel: str | None = None) -> str:
    data = {"u": user_id, "d": local_date.isoformat(), "s": slot, "a": action}
    if channel and channel != "email":
        data["c"] = channel  # a snooze from a push notification comes back by the same channel
    return signing.dumps(data, salt=LINK_SALT, compress=True)


def read_link(token: str, action: str, max_age: int = LINK_MAX_AGE) -> dict:
    """The link's payload; raises signing.BadSignature (or SignatureExpired, a subclass)."""
    data = signing.loads(token, salt=LINK_SALT, max_age=max_age)
    if not isinstance(data, dict) or data.get("a") != action:
        raise signing.BadSignature("wrong kind of link")
    return data


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def learner_days(reminders: list[Reminder]) -> list[tuple[Reminder, LearnerDay, ReminderSettings]]:
    """Each reminder with its learner's day (on the reminder's local date) and settings, in batch
    order, skipping learners without a plan: from a fixed number of queries for the whole batch."""
    users = {r.user_id for r in reminders}
    enrollments = {e.user_id: e for e in Enrollment.objects.filter(user_id__in=users).select_related("plan")}
    prefs = {s.user_id: s for s in ReminderSettings.objects.filter(user_id__in=users)}
    missing = [uid for uid in users if uid not in prefs]
    if missing:
        ReminderSettings.objects.bulk_create([ReminderSettings(user_id=uid) for uid in missing], ignore_conflicts=True)
        prefs.update({s.user_id: s for s in ReminderSettings.objects.filter(user_id__in=missing)})
    # Each reminder is about its own local date (nearly always the learner's today): summarise the
    # learners once per date the batch holds.
    by_date = defaultdict(set)
    for r in reminders:
        if r.user_id in enrollments:
            by_date[r.local_date].add(r.user_id)
    days = {}
    for local_date, user_ids in by_date.items():
        found = summarize([enrollments[uid] for uid in user_ids], dates=dict.fromkeys(user_ids, local_date))
        days.update({(uid, local_date): day for uid, day in found.items()})
    return [(r, days[(r.user_id, r.local_date)], prefs[r.user_id]) for r in reminders if (r.user_id, r.local_date) in days]


def build_messages(reminders: list[Reminder]) -> list[tuple[Reminder, EmailMultiAlternatives]]:
    """A message for each reminder whose learner has an e-mail address and a plan, in batch order."""
    out = []
    for reminder, day, prefs in learner_days(reminders):
        if not reminder.user.email:
            continue
        with translation.override(day.enrollment.language):
            out.append((reminder, render_message(reminder, day, prefs)))
    return out


def render_short(reminder: Reminder, day: LearnerDay, prefs: ReminderSettings, *, push: bool = False) -> dict:
    """The reminder for a push notification or a chat app, in the active language: a title, a few
    lines of text (the same facts as the e-mail, shorter), Today's address, and the signed links a
    push notification's Done and Snooze buttons POST to."""
    values = context(reminder, day, prefs) | {"push": push}
    link = {"user_id": reminder.user_id, "local_date": reminder.local_date, "slot": reminder.slot}
    return {
        "title": " ".join(render_to_string("reminders/email/reminder_subject.txt", values).split()),
        "body": render_to_string("reminders/channel/reminder.txt", values).strip(),
        "url": values["today_url"],
        "done_url": absolute(reverse("reminders:push-action", args=["checkin", sign_link(**link, action="checkin")])),
        "snooze_url": absolute(reverse("reminders:push-action", args=["snooze", sign_link(**link, action="snooze", channel=reminder.channel)])),
        "tag": f"cadence-{reminder.local_date.isoformat()}-{reminder.slot}",
        "done_title": _("Done"),
        "snooze_title": _("Snooze 30 minutes"),
    }


OVERDUE_LISTED = 5


def _morning(reminder: Reminder, day: LearnerDay) -> bool:
    first = min((s.slot.number for s in day.today_slots), default=None)
    return reminder.kind == Reminder.Kind.DIGEST or reminder.slot == first


def context(reminder: Reminder, day: LearnerDay, prefs: ReminderSettings) -> dict:
    slot = day.slot(reminder.local_date, reminder.slot)
    yesterday = reminder.local_date - timedelta(days=1)
    yesterday_rows = []
    for c in day.checkins:
        if c.local_date == yesterday:
            then = day.slot(yesterday, c.slot)
            yesterday_rows.append({"activity": then.activity if then else "", "status": c.status, "minutes": c.minutes})
    link = {"user_id": reminder.user_id, "local_date": reminder.local_date, "slot": reminder.slot}
    suggestion = day.suggestion(slot) if slot is not None else None
    morning = _morning(reminder, day)
    return {
        "reminder": reminder,
        "user": reminder.user,
        "day": day.number,
        "total_days": day.total_days,
        "plan": day.plan,
        "slot": slot,
        "activity": slot.activity if slot else "",
        "purpose": slot.purpose if slot else None,
        "topics": day.open_topics,  # today's topics still open: a closed one is not today's work any more
        "overdue": day.overdue[:OVERDUE_LISTED],
        "overdue_more": max(0, len(day.overdue) - OVERDUE_LISTED),
        # The morning reminder (the day's first slot, or the digest) lists the reviews due and the first three.
        "reviews_due": day.reviews_waiting if morning else 0,
        "first_reviews": day.reviews[:3] if morning else [],
        "buffer": day,
        "block": day.block,
        "paper": suggestion if slot is not None and slot.purpose == "reading" else None,
        "course": suggestion if slot is not None and slot.purpose == "course" else None,
        "project": suggestion if slot is not None and slot.purpose == "coding" else None,
        "day_slots": [s.slot for s in day.today_slots] if reminder.kind == Reminder.Kind.DIGEST else [],
        "yesterday": yesterday_rows,
        "streak": day.streak.current,
        "checkin_url": absolute(reverse("reminders:checkin", args=[sign_link(**link, action="checkin")])),
        "snooze_url": absolute(reverse("reminders:snooze", args=[sign_link(**link, action="snooze")])),
        "today_url": absolute(reverse("progress:today")),
        "settings_url": absolute(reverse("reminders:settings")),
        "unsubscribe_url": absolute(reverse("reminders:unsubscribe", args=[prefs.unsubscribe_token])),
    }


def render_message(reminder: Reminder, day: LearnerDay, prefs: ReminderSettings) -> EmailMultiAlternatives:
    """The reminder as a multipart (text and HTML) message, in the active language."""
    values = context(reminder, day, prefs)
    subject = " ".join(render_to_string("reminders/email/reminder_subject.txt", values).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("reminders/email/reminder.txt", values),
        to=[reminder.user.email],
        headers={
            "List-Unsubscribe": f"<{values['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string("reminders/email/reminder.html", values), "text/html")
    return message
