"""The reminder e-mail: one template trio (subject, text, html) rendered in the learner's language.

`build_messages` makes the messages for a batch of reminders from a fixed number of queries for the
whole batch (learners, pauses, slot times, topics, check-ins, progress, papers, projects), never one
set of queries per learner.
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

from apps.curriculum.models import BlockItem, Resource, Slot, Topic
from apps.progress.models import CheckIn, Enrollment, Pause, ProjectProgress, SlotTime, TopicProgress
from apps.progress.schedule import Schedule, day_kind
from apps.progress.stats import CLOSED, planned_to_date, streaks
from apps.reminders.models import Reminder, ReminderSettings
from apps.resources.models import UserResource

LINK_SALT = "cadence.reminders.link"
LINK_MAX_AGE = 60 * 60 * 48  # a mailed link works for two days
READING_WORDS = ("阅读", "论文", "read", "paper", "blog", "博客")
CODING_WORDS = ("编码", "编程", "代码", "实践", "code", "coding", "hands-on", "project", "build")


def sign_link(*, user_id: int, local_date, slot: int, action: str) -> str:
    return signing.dumps({"u": user_id, "d": local_date.isoformat(), "s": slot, "a": action}, salt=LINK_SALT, compress=True)


def read_link(token: str, action: str, max_age: int = LINK_MAX_AGE) -> dict:
    """The link's payload; raises signing.BadSignature (or SignatureExpired, a subclass)."""
    data = signing.loads(token, salt=LINK_SALT, max_age=max_age)
    if not isinstance(data, dict) or data.get("a") != action:
        raise signing.BadSignature("wrong kind of link")
    return data


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def slot_purpose(activity: str) -> str | None:
    lowered = activity.lower()
    if any(word in lowered for word in READING_WORDS):
        return "reading"
    if any(word in lowered for word in CODING_WORDS):
        return "coding"
    return None


class _Batch:
    """Everything the batch's messages need, loaded in one query per kind."""

    def __init__(self, reminders: list[Reminder]):
        users = {r.user_id for r in reminders}
        self.enrollments = {e.user_id: e for e in Enrollment.objects.filter(user_id__in=users).select_related("plan")}
        plans = {e.plan_id for e in self.enrollments.values()}
        pauses = defaultdict(list)
        for p in Pause.objects.filter(user_id__in=users):
            pauses[p.user_id].append(p)
        self.schedules = {uid: Schedule(e, pauses[uid]) for uid, e in self.enrollments.items()}
        self.settings = {s.user_id: s for s in ReminderSettings.objects.filter(user_id__in=users)}
        missing = [uid for uid in users if uid not in self.settings]
        if missing:
            ReminderSettings.objects.bulk_create([ReminderSettings(user_id=uid) for uid in missing], ignore_conflicts=True)
            self.settings.update({s.user_id: s for s in ReminderSettings.objects.filter(user_id__in=missing)})
        self.activities = {(s.plan_id, s.days, s.number): s.activity for s in Slot.objects.filter(plan_id__in=plans)}
        self.slot_times = defaultdict(dict)
        for s in SlotTime.objects.filter(enrollment__user_id__in=users).select_related("enrollment"):
            self.slot_times[s.enrollment.user_id][(s.days, s.number)] = s
        self.topics = defaultdict(list)
        for t in Topic.objects.filter(plan_id__in=plans).select_related("block").order_by("start_day", "number"):
            self.topics[t.plan_id].append(t)
        dates = {r.local_date for r in reminders} | {r.local_date - timedelta(days=1) for r in reminders}
        self.checkins = defaultdict(list)
        for c in CheckIn.objects.filter(user_id__in=users, local_date__in=dates).order_by("slot"):
            self.checkins[(c.user_id, c.local_date)].append(c)
        self.studied = defaultdict(set)
        studied = CheckIn.objects.filter(user_id__in=users, status=CheckIn.Status.DONE).values_list("user_id", "local_date")
        for uid, day in studied.distinct():
            self.studied[uid].add(day)
        self.closed = defaultdict(int)
        for uid, start, end in TopicProgress.objects.filter(user_id__in=users, status__in=CLOSED).values_list(
            "user_id", "topic__start_day", "topic__end_day"
        ):
            self.closed[uid] += end - start + 1
        self.papers = defaultdict(list)
        papers = Resource.objects.filter(plan_id__in=plans, kind=Resource.Kind.PAPER).prefetch_related("blocks", "topics")
        for r in papers.order_by("position"):
            self.papers[r.plan_id].append(r)
        self.papers_read = set(
            UserResource.objects.filter(user_id__in=users, status=UserResource.Status.DONE, resource__isnull=False)
            .values_list("user_id", "resource_id")
        )
        self.projects = defaultdict(list)
        for item in BlockItem.objects.filter(block__plan_id__in=plans, kind=BlockItem.Kind.PROJECT).order_by("position"):
            self.projects[item.block_id].append(item)
        self.projects_done = set(
            ProjectProgress.objects.filter(user_id__in=users, done=True).values_list("user_id", "item_id")
        )

    def next_paper(self, user_id, plan_id, block, topics):
        """The first paper not yet read that belongs with today's block or topics, else the first unread."""
        unread = [p for p in self.papers[plan_id] if (user_id, p.pk) not in self.papers_read]
        topic_ids = {t.pk for t in topics}
        here = [
            p for p in unread
            if (block is not None and any(b.pk == block.pk for b in p.blocks.all())) or any(t.pk in topic_ids for t in p.topics.all())
        ]
        return (here or unread or [None])[0]

    def slot_time(self, user_id, enrollment, local_date, number):
        kind = day_kind(local_date)
        mine = self.slot_times[user_id].get((kind, number))
        activity = self.activities.get((enrollment.plan_id, kind, number), "")
        return mine, activity


def build_messages(reminders: list[Reminder]) -> list[tuple[Reminder, EmailMultiAlternatives]]:
    batch = _Batch(reminders)
    out = []
    for reminder in reminders:
        enrollment = batch.enrollments.get(reminder.user_id)
        if enrollment is None or not reminder.user.email:
            continue
        context = _context(batch, reminder, enrollment)
        with translation.override(enrollment.language):
            out.append((reminder, _render(context, reminder.user.email, batch.settings[reminder.user_id])))
    return out


def _context(batch: _Batch, reminder: Reminder, enrollment: Enrollment) -> dict:
    uid, day = reminder.user_id, reminder.local_date
    schedule = batch.schedules[uid]
    total = enrollment.plan.total_days
    number = min(max(schedule.day_number(day), 1), total)
    topics = [t for t in batch.topics[enrollment.plan_id] if t.start_day <= number <= t.end_day]
    block = topics[0].block if topics else None
    slot, activity = batch.slot_time(uid, enrollment, day, reminder.slot)
    purpose = slot_purpose(activity)
    paper = batch.next_paper(uid, enrollment.plan_id, block, topics) if purpose == "reading" else None
    project = None
    if block is not None and purpose == "coding":
        project = next((p for p in batch.projects[block.pk] if (uid, p.pk) not in batch.projects_done), None)
    day_slots = []
    if reminder.kind == Reminder.Kind.DIGEST:
        for (kind, n), s in sorted(batch.slot_times[uid].items(), key=lambda kv: kv[1].start):
            if kind == day_kind(day):
                day_slots.append({"start": s.start, "end": s.end, "activity": batch.activities.get((enrollment.plan_id, kind, n), "")})
    yesterday = day - timedelta(days=1)
    yesterday_rows = []
    for c in batch.checkins[(uid, yesterday)]:
        _, yesterday_activity = batch.slot_time(uid, enrollment, yesterday, c.slot)
        yesterday_rows.append({"activity": yesterday_activity, "status": c.status, "minutes": c.minutes})
    ahead_by = batch.closed[uid] - planned_to_date(schedule, day)
    link = {"user_id": uid, "local_date": day, "slot": reminder.slot}
    return {
        "reminder": reminder,
        "user": reminder.user,
        "day": number,
        "total_days": total,
        "plan": enrollment.plan,
        "slot": slot,
        "activity": activity,
        "purpose": purpose,
        "topics": topics,
        "block": block,
        "paper": paper,
        "project": project,
        "day_slots": day_slots,
        "yesterday": yesterday_rows,
        "streak": streaks(schedule, batch.studied[uid], day).current,
        "ahead_by": ahead_by,
        "behind_by": -ahead_by,
        "checkin_url": absolute(reverse("reminders:checkin", args=[sign_link(**link, action="checkin")])),
        "snooze_url": absolute(reverse("reminders:snooze", args=[sign_link(**link, action="snooze")])),
        "today_url": absolute(reverse("progress:today")),
        "settings_url": absolute(reverse("reminders:settings")),
        "unsubscribe_url": absolute(reverse("reminders:unsubscribe", args=[batch.settings[uid].unsubscribe_token])),
    }


def _render(context: dict, to: str, prefs: ReminderSettings) -> EmailMultiAlternatives:
    subject = " ".join(render_to_string("reminders/email/reminder_subject.txt", context).split())
    text = render_to_string("reminders/email/reminder.txt", context)
    html = render_to_string("reminders/email/reminder.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
