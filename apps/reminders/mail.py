"""The reminder e-mail: one template trio (subject, text, html) rendered in the learner's language.

`build_messages` makes the messages for a batch of reminders from a fixed number of queries for the
whole batch (learners, pauses, slot times, topics, check-ins, progress, papers, projects), never one
set of queries per learner.
"""

from __future__ import annotations

import re
import secrets
from collections import defaultdict
from datetime import time, timedelta
from email import message_from_bytes, quoprimime
from email.header import Header
from email.policy import compat32
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from functools import cached_property
from typing import NamedTuple
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import RFC3986_SUBDELIMS

from apps.curriculum.cache import plan_parts
from apps.curriculum.models import BlockItem, Resource
from apps.progress.models import CheckIn, Enrollment, Pause, ProjectProgress, SlotTime, TopicProgress
from apps.progress.schedule import Schedule, day_kind
from apps.progress.stats import CLOSED, current_streak, planned_to_date
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


_ARG = "CADENCE-ARG"  # stands for a link's token in a URL reversed once per batch


def _quote(arg: str) -> str:
    """A path argument escaped as reverse() escapes it."""
    return quote(arg, safe=RFC3986_SUBDELIMS + "/~:@")


class _SlotTime(NamedTuple):
    start: time
    end: time


class _CheckIn(NamedTuple):
    slot: int
    status: str
    minutes: int


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
        # The plans' own rows (slots, topics, projects) come from the per-process plan cache.
        parts = {e.plan_id: plan_parts(e.plan) for e in self.enrollments.values()}
        self.activities = {(pid, s.days, s.number): s.activity for pid, p in parts.items() for s in p.slots}
        self.slot_times = defaultdict(dict)
        own = SlotTime.objects.filter(enrollment__user_id__in=users).values_list("enrollment__user_id", "days", "number", "start", "end")
        for uid, days, number, start, end in own:  # tuples, not models: a batch has hundreds
            self.slot_times[uid][(days, number)] = _SlotTime(start, end)
        self.topics = {pid: p.topics for pid, p in parts.items()}  # in plan order already
        dates = {r.local_date for r in reminders} | {r.local_date - timedelta(days=1) for r in reminders}
        self.checkins = defaultdict(list)
        rows = CheckIn.objects.filter(user_id__in=users, local_date__in=dates).order_by("slot")
        for uid, day, slot, status, minutes in rows.values_list("user_id", "local_date", "slot", "status", "minutes"):
            self.checkins[(uid, day)].append(_CheckIn(slot, status, minutes))
        self.studied = defaultdict(set)
        studied = CheckIn.objects.filter(user_id__in=users, status=CheckIn.Status.DONE).values_list("user_id", "local_date")
        for uid, day in studied.order_by().distinct():  # no default ordering: DISTINCT on (user, date) only
            self.studied[uid].add(day)
        self.closed = defaultdict(int)
        topic_days = {t.pk: t.end_day - t.start_day + 1 for p in parts.values() for t in p.topics}
        for uid, topic_id in TopicProgress.objects.filter(user_id__in=users, status__in=CLOSED).values_list("user_id", "topic_id"):
            self.closed[uid] += topic_days.get(topic_id, 0)
        self.papers = defaultdict(list)
        papers = Resource.objects.filter(plan_id__in=plans, kind=Resource.Kind.PAPER).prefetch_related("blocks", "topics")
        for r in papers.order_by("position"):
            self.papers[r.plan_id].append(r)
        self.papers_read = set(
            UserResource.objects.filter(user_id__in=users, status=UserResource.Status.DONE, resource__isnull=False)
            .values_list("user_id", "resource_id")
        )
        self.projects = {
            block_id: [i for i in items if i.kind == BlockItem.Kind.PROJECT]
            for p in parts.values()
            for block_id, items in p.items.items()
        }
        self.projects_done = set(
            ProjectProgress.objects.filter(user_id__in=users, done=True).values_list("user_id", "item_id")
        )

    @cached_property
    def urls(self) -> dict[str, str]:
        """Absolute URLs, reversed once per batch: the per-learner part is put in by str.replace."""
        return {
            "checkin": absolute(reverse("reminders:checkin", args=[_ARG])),
            "snooze": absolute(reverse("reminders:snooze", args=[_ARG])),
            "unsubscribe": absolute(reverse("reminders:unsubscribe", args=[_ARG])),
            "today": absolute(reverse("progress:today")),
            "settings": absolute(reverse("reminders:settings")),
        }

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
        project = next((p for p in batch.projects.get(block.pk, []) if (uid, p.pk) not in batch.projects_done), None)
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
    urls = batch.urls
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
        "streak": current_streak(schedule, batch.studied[uid], day),
        "ahead_by": ahead_by,
        "behind_by": -ahead_by,
        "checkin_url": urls["checkin"].replace(_ARG, _quote(sign_link(**link, action="checkin"))),
        "snooze_url": urls["snooze"].replace(_ARG, _quote(sign_link(**link, action="snooze"))),
        "today_url": urls["today"],
        "settings_url": urls["settings"],
        "unsubscribe_url": urls["unsubscribe"].replace(_ARG, _quote(batch.settings[uid].unsubscribe_token)),
    }


def _address(value: str) -> str:
    """An address header value with a non-ASCII display name RFC 2047-encoded and an IDNA domain."""
    name, addr = parseaddr(value)
    local, _, domain = addr.rpartition("@")
    if domain and not domain.isascii():
        addr = f"{local}@{domain.encode('idna').decode('ascii')}"
    return formataddr((name, addr), charset="utf-8")


_NEWLINES = re.compile(r"\r\n|\r|\n")


def _part(text: str, subtype: str) -> bytes:
    """One text/* part, headers and body, with CRLF line ends: 7bit when ASCII, 8bit UTF-8 otherwise,
    quoted-printable only when a line is longer than SMTP's 998 octets."""
    lines = _NEWLINES.split(text)
    data = "\r\n".join(lines).encode()
    if any(len(line.encode()) > 998 for line in lines):
        encoding = "quoted-printable"
        data = quoprimime.body_encode(data.decode("latin-1"), eol="\r\n").encode("ascii")
    else:
        encoding = "7bit" if data.isascii() else "8bit"
    head = f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n'
    return head.encode("ascii") + data


class _Mime:
    """A finished message as bytes: what the mail backends ask of `EmailMessage.message()` (`as_bytes`,
    `as_string`, `get_charset`, headers by name), without building the email package's object tree."""

    def __init__(self, data: bytes):
        self.data = data

    def as_bytes(self, *args, **kwargs) -> bytes:
        return self.data

    def as_string(self, *args, **kwargs) -> str:
        return self.data.decode("utf-8")

    def get_charset(self):
        return None

    def _parsed(self):
        return message_from_bytes(self.data, policy=compat32)

    def __getitem__(self, name):
        return self._parsed()[name]

    def get(self, name, default=None):
        return self._parsed().get(name, default)


class ReminderEmail(EmailMultiAlternatives):
    """A reminder, its MIME written out directly as bytes.

    Django's `message()` builds the MIME with the email package's modern policy, which parses and
    refolds every header through `email.headerregistry` (about 4 ms a message here), and even the
    classic `email.mime` classes spend ~3 ms a message generating the bytes: most of a reminder's cost
    at fan-out (bench/README.md). A reminder is always the same shape (multipart/alternative, a text
    and an HTML part), so it is written out here: headers RFC 2047-encoded and folded by
    `email.header.Header`, parts 7bit/8bit UTF-8 with CRLF line ends, quoted-printable only for a line
    over 998 octets. Every backend (SMTP, file, console, locmem) takes it; a test parses it back.
    """

    def message(self, *, policy=None):
        given = [str(self.subject), str(self.from_email), *map(str, self.to), *map(str, self.extra_headers.values())]
        if any("\r" in value or "\n" in value for value in given):
            raise ValueError("Header values can't contain newlines")
        boundary = f"=={secrets.token_hex(16)}=="
        headers = {
            "Content-Type": f'multipart/alternative;\r\n boundary="{boundary}"',
            "MIME-Version": "1.0",
            "Subject": Header(
                str(self.subject), "us-ascii" if str(self.subject).isascii() else "utf-8", header_name="Subject"
            ).encode(linesep="\r\n"),
            "From": _address(str(self.extra_headers.get("From", self.from_email))),
            "To": ", ".join(_address(a) for a in self.to),
            "Date": formatdate(localtime=settings.EMAIL_USE_LOCALTIME),
            "Message-ID": make_msgid(domain=DNS_NAME),
        }
        for name, value in self.extra_headers.items():
            if name.lower() not in {"from", "to", "date", "message-id"}:
                value = str(value)
                headers[name] = value if value.isascii() else Header(value, "utf-8", header_name=name).encode(linesep="\r\n")
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items()).encode("ascii")
        parts = [_part(self.body, "plain"), *(_part(content, mimetype.partition("/")[2]) for content, mimetype in self.alternatives)]
        marker = f"--{boundary}".encode("ascii")
        body = b"".join(b"\r\n" + marker + b"\r\n" + part for part in parts) + b"\r\n" + marker + b"--\r\n"
        return _Mime(head + body)


def _render(context: dict, to: str, prefs: ReminderSettings) -> EmailMultiAlternatives:
    subject = " ".join(render_to_string("reminders/email/reminder_subject.txt", context).split())
    text = render_to_string("reminders/email/reminder.txt", context)
    html = render_to_string("reminders/email/reminder.html", context)
    message = ReminderEmail(
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
