"""Everything a learner has, as one versioned JSON document, and back.

Plan rows are referred to by what survives a re-import or another instance (the plan's slug, topic
keys, block numbers, milestone days and item positions, resource kind and title), never by database
ids, so a document moves between instances. Lists are sorted, so export → import → export gives the
same document. Importing checks everything first and writes in one transaction: a bad document, one
from a newer Cadence, or one for a plan this instance lacks changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.core.jsoninput import Field, Reader, every_field_required
from apps.curriculum.models import Block, BlockItem, MilestoneItem, Plan, Resource, Topic
from apps.groups.models import Membership, Nudge
from apps.milestones.forms import CHECK_JSON, OUTPUT_JSON
from apps.milestones.models import MilestoneCheck, Output
from apps.progress import review
from apps.progress.forms import CHECKIN_JSON, TOPIC_STATUS_JSON
from apps.progress.models import CheckIn, Enrollment, Pause, ProjectProgress, ReviewLog, TopicNote, TopicProgress
from apps.progress.summary import slot_key
from apps.reminders.models import ReminderSettings
from apps.resources.forms import USER_RESOURCE_JSON
from apps.resources.models import UserResource

# 2: enrollment slots hold only the learner's overrides (a moved slot, or one with "off": true) and
# reviews one entry per topic; version 1 documents (every slot's times, a review per stage) still import.
VERSION = 3


class ImportProblem(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def export_user(user) -> dict:
    enrollment = Enrollment.objects.select_related("plan").filter(user=user).first()
    prefs = ReminderSettings.objects.filter(user=user).first()
    checkins = CheckIn.objects.filter(user=user).prefetch_related("topics").order_by("local_date", "slot")
    return {
        "cadence_export": VERSION,
        "user": {"username": user.username, "email": user.email, "first_name": user.first_name, "last_name": user.last_name},
        "plan": enrollment.plan.slug if enrollment else None,
        "enrollment": None
        if enrollment is None
        else {
            "start_date": _d(enrollment.start_date),
            "timezone": enrollment.timezone,
            "language": enrollment.language,
            "slots": _override_list(enrollment.slot_overrides),
            "desired_retention": enrollment.desired_retention,
            "daily_reviews": enrollment.daily_reviews,
        },
        "pauses": [
            {"start": _d(p.start_date), "end": _d(p.end_date), **({"kind": p.kind} if p.kind != Pause.Kind.PAUSE else {})}
            for p in Pause.objects.filter(user=user).order_by("start_date")
        ],
        "checkins": [
            {
                "date": _d(c.local_date),
                "slot": c.slot,
                "status": c.status,
                "minutes": c.minutes,
                "note": c.note,
                "topics": sorted(t.key for t in c.topics.all()),
            }
            for c in checkins
        ],
        "topics": [
            {"key": p.topic.key, "status": p.status, "closed_on": _d(p.closed_on), **_card(p)}
            for p in TopicProgress.objects.filter(user=user).select_related("topic").order_by("topic__start_day", "topic__number")
        ],
        "review_logs": [
            {"topic": log.topic.key, "rating": log.rating, "reviewed_at": log.reviewed_at.isoformat(), "stability": log.stability,
             "difficulty": log.difficulty, "due": log.due_at.isoformat()}
            for log in ReviewLog.objects.filter(user=user).select_related("topic").order_by("reviewed_at", "topic__start_day", "pk")
        ],
        "notes": [
            {"topic": n.topic.key, "text": n.text}
            for n in TopicNote.objects.filter(user=user).select_related("topic").order_by("topic__start_day", "topic__number")
        ],
        "projects": [
            {
                "block": p.item.block.number,
                "kind": p.item.kind,
                "position": p.item.position,
                "done": p.done,
                "link": p.link,
                "done_on": _d(p.done_on),
            }
            for p in ProjectProgress.objects.filter(user=user)
            .select_related("item__block")
            .order_by("item__block__number", "item__kind", "item__position")
        ],
        "resources": [
            {
                "plan_resource": None if r.resource_id is None else {"kind": r.resource.kind, "title": r.resource.title},
                "kind": r.kind,
                "title": r.title,
                "url": r.url,
                "description": r.description,
                "status": r.status,
                "rating": r.rating,
                "notes": r.notes,
                **({"block": r.block.number} if r.block_id else {}),
            }
            for r in UserResource.objects.filter(user=user)
            .select_related("resource", "block")
            .order_by(F("resource__position").asc(nulls_last=True), "title", "pk")
        ],
        "milestones": [
            {"day": c.item.milestone.day, "position": c.item.position, "done": c.done, "evidence": c.evidence, "done_on": _d(c.done_on)}
            for c in MilestoneCheck.objects.filter(user=user)
            .select_related("item__milestone")
            .order_by("item__milestone__day", "item__position")
        ],
        "outputs": [
            {
                "kind": o.kind,
                "title": o.title,
                "url": o.url,
                "block": o.block.number if o.block else None,
                "topic": o.topic.key if o.topic else None,
                "project": {"block": o.project.block.number, "position": o.project.position} if o.project else None,
            }
            for o in Output.objects.filter(user=user).select_related("block", "topic", "project__block").order_by("created_at", "pk")
        ],
        "reminders": None
        if prefs is None
        else {
            "mode": prefs.mode,
            "weekends": prefs.weekends,
            "disabled_slots": sorted(prefs.disabled_slots),
        },
        # For the record: a group is this instance's, so importing the document elsewhere joins none.
        "groups": [
            {"group": m.group.slug, "name": m.group.name, "sharing_since": m.shares_since.isoformat() if m.shares_since else None,
             "share_email": m.share_email}
            for m in Membership.objects.filter(user=user).select_related("group").order_by("group__slug")
        ],
        "nudges": [
            {"group": n.group.slug, "date": _d(n.local_date), "from": n.sender.get_username() if n.sender else None, "message": n.message}
            for n in Nudge.objects.filter(user=user).select_related("group", "sender").order_by("local_date", "pk")
        ],
    }


def _override_list(overrides: dict) -> list[dict]:
    found = []
    for key, value in sorted((overrides or {}).items()):
        days, _, number = key.rpartition("-")
        entry = {"days": days, "slot": int(number)} if number.isdigit() else None
        if entry is None or not isinstance(value, dict):
            continue
        if value.get("off") is True:
            found.append(entry | {"off": True})
        elif "start" in value and "end" in value:
            found.append(entry | {"start": value["start"], "end": value["end"]})
    return found


def _card(p: TopicProgress) -> dict:
    if p.card_state is None:
        return {}
    return {"card": {
        "state": p.card_state, "step": p.card_step, "stability": p.stability, "difficulty": p.difficulty,
        "due": p.due_at.isoformat(), "last_review": p.last_review_at.isoformat() if p.last_review_at else None,
    }}


def checkins_csv(user) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "slot", "status", "minutes", "topics", "note"])
    for c in CheckIn.objects.filter(user=user).prefetch_related("topics").order_by("local_date", "slot"):
        writer.writerow([_d(c.local_date), c.slot, c.status, c.minutes, " ".join(sorted(t.key for t in c.topics.all())), c.note])
    return out.getvalue()


def import_user(doc, *, username: str | None = None, replace: bool = False) -> tuple[object, str | None]:
    """Restore a document; returns (user, new password or None). Raises ImportProblem, writing nothing."""
    if not isinstance(doc, dict) or "cadence_export" not in doc:
        raise ImportProblem(["not a Cadence export: the document has no cadence_export version"])
    version = doc["cadence_export"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportProblem(["cadence_export: expected a version number (1 or more)"])
    if version > VERSION:
        raise ImportProblem(
            [f"this document is from a newer Cadence (export version {version}; this one reads up to {VERSION}): upgrade first"]
        )
    r = Reader()
    user_doc = r.obj(doc.get("user"), "user") or {}
    name = username or r.get(user_doc, "username", "user", "text", max_length=150)
    if name is not None:
        try:
            get_user_model().username_validator(name)
            if not name:
                raise ValidationError("empty")
        except ValidationError:
            r.problems.append(f"user.username: '{name[:40]}' is not a username (letters, digits and @.+-_, 1 to 150)")
            name = None
    if r.problems:
        raise ImportProblem(r.problems)
    plan = Plan.objects.filter(slug=doc.get("plan")).first() if isinstance(doc.get("plan"), str) else None
    if doc.get("plan") is not None and plan is None:
        raise ImportProblem([f"plan '{doc.get('plan')}' is not on this instance: import it first with import_plan"])
    existing = get_user_model().objects.filter(username=name).first() if name else None
    if existing is not None and not replace:
        raise ImportProblem([f"user '{name}' exists already: use --replace to overwrite their data, or --as NEWNAME"])
    parsed = _parse(doc, r, plan)
    _check_whole(parsed, r)
    if r.problems:
        raise ImportProblem(r.problems)
    with transaction.atomic():
        return _write_rows(parsed, user_doc, name, existing, plan)


MAX_CHECKINS = 50_000  # ten years of five slots a day
# A document's records: the API's shapes, with every field required (an export writes them all).
CHECKIN_RECORD = every_field_required(CHECKIN_JSON)
TOPIC_RECORD = {"key": Field("text", max_length=20), **TOPIC_STATUS_JSON, "closed_on": Field("date", null=True)}
RETENTION = Field("number", required=False, low=0.8, high=0.97)
DAILY_REVIEWS = Field("int", required=False, low=1, high=200)
MAX_REVIEW_LOGS = 200_000
CARD_RECORD = {
    "state": Field("int", low=1, high=3), "step": Field("int", null=True, low=0, high=100),
    "stability": Field("number", low=0, high=1e6), "difficulty": Field("number", low=0, high=11),
    "due": Field("datetime"), "last_review": Field("datetime", null=True),
}
LOG_RECORD = {
    "rating": Field("int", low=1, high=4), "reviewed_at": Field("datetime"),
    "stability": Field("number", low=0, high=1e6), "difficulty": Field("number", low=0, high=11), "due": Field("datetime"),
}
MILESTONE_RECORD = {**every_field_required(CHECK_JSON), "done_on": Field("date", null=True)}


def _check_whole(parsed: dict, r: Reader) -> None:
    """What no single record shows: duplicates, check-ins before day 1 or over a day's minutes, pauses."""
    checkins = parsed["checkins"]
    for name, keys in (
        ("checkins", [(c["local_date"], c["slot"]) for c in checkins]),
        ("topics", [t["topic"] and t["topic"].pk for t in parsed["topics"]]),
        ("notes", [n["topic"] and n["topic"].pk for n in parsed["notes"]]),
        ("projects", [p["item"] and p["item"].pk for p in parsed["projects"]]),
        ("milestones", [m["item"] and m["item"].pk for m in parsed["milestones"]]),
        ("resources", [x["resource"].pk for x in parsed["resources"] if x["resource"] is not None]),
        ("enrollment.slots", [(s["days"], s["number"]) for s in (parsed["enrollment"] or {}).get("slots", [])]),
    ):
        seen = set()
        for index, key in enumerate(keys):
            if key in seen and key is not None:
                r.problems.append(f"{name}[{index}]: the same one twice")
            seen.add(key)
    start = (parsed["enrollment"] or {}).get("start_date")
    minutes = {}
    for index, c in enumerate(checkins):
        if start and c["local_date"] and c["local_date"] < start:
            r.problems.append(f"checkins[{index}].date: before day 1 ({start})")
        if c["local_date"] and c["minutes"] is not None:
            minutes[c["local_date"]] = minutes.get(c["local_date"], 0) + c["minutes"]
    for day, total in sorted(minutes.items()):
        if total > 24 * 60:
            r.problems.append(f"checkins: {total:,} minutes on {day}; a day has 1,440")
    pauses = parsed["pauses"]
    for index, p in enumerate(pauses):
        if p["start_date"] and p["end_date"] and p["end_date"] < p["start_date"]:
            r.problems.append(f"pauses[{index}]: ends before it starts")
    for index, p in enumerate(pauses):
        if p["kind"] == Pause.Kind.SHIFT and p["end_date"] is None:
            r.problems.append(f"pauses[{index}]: a shift has an end")
    if sum(1 for p in pauses if p["end_date"] is None) > 1:
        r.problems.append("pauses: at most one open pause (without an end)")


def _parse(doc, r: Reader, plan) -> dict:
    topics = {t.key: t for t in Topic.objects.filter(plan=plan)} if plan else {}
    blocks = {b.number: b for b in Block.objects.filter(plan=plan)} if plan else {}
    items = (
        {(i.block.number, i.kind, i.position): i for i in BlockItem.objects.filter(block__plan=plan).select_related("block")}
        if plan
        else {}
    )
    resources = {(x.kind, x.title): x for x in Resource.objects.filter(plan=plan)} if plan else {}
    milestone_items = (
        {(i.milestone.day, i.position): i for i in MilestoneItem.objects.filter(milestone__plan=plan).select_related("milestone")}
        if plan
        else {}
    )

    def topic(key, path):
        if key is None:
            return None
        if _text(key) not in topics:
            r.problems.append(f"{path}: topic '{str(key)[:20]}' is not in plan '{plan.slug if plan else '-'}'")
            return None
        return topics[key]

    parsed = {"enrollment": None}
    if doc.get("enrollment") is not None:
        e = r.obj(doc["enrollment"], "enrollment") or {}
        parsed["enrollment"] = {
            "start_date": r.get(e, "start_date", "enrollment", "date"),
            "timezone": r.get(e, "timezone", "enrollment", "text"),
            "language": r.get(e, "language", "enrollment", "text", choices=["en", "zh-hans"]),
            "desired_retention": r.get(e, "desired_retention", "enrollment", RETENTION, default=0.9),
            "daily_reviews": r.get(e, "daily_reviews", "enrollment", DAILY_REVIEWS, default=10),
            "slots": [
                {
                    "days": r.get(s, "days", p, "text", choices=["weekday", "weekend"]),
                    "number": r.get(s, "slot", p, "int"),
                    "off": r.get(s, "off", p, "bool") if "off" in s else False,
                    "start": None if s.get("off") is True else r.get(s, "start", p, "time"),
                    "end": None if s.get("off") is True else r.get(s, "end", p, "time"),
                }
                for p, s in r.items(e, "slots")
            ],
        }
        from apps.progress.models import validate_timezone

        try:
            validate_timezone(parsed["enrollment"]["timezone"] or "")
        except Exception:
            r.problems.append("enrollment.timezone: not an IANA timezone")
    parsed["pauses"] = [
        {
            "start_date": r.get(x, "start", p, "date"), "end_date": r.get(x, "end", p, "date", null=True),
            "kind": r.get(x, "kind", p, Field("text", required=False, choices=tuple(Pause.Kind.values)), default=Pause.Kind.PAUSE),
        }
        for p, x in r.items(doc, "pauses")
    ]
    parsed["checkins"] = []
    for p, x in r.items(doc, "checkins", max_items=MAX_CHECKINS):
        c = r.record(x, p, CHECKIN_RECORD)
        parsed["checkins"].append({
            "local_date": c["date"], "slot": c["slot"], "status": c["status"], "minutes": c["minutes"], "note": c["note"],
            "topics": [topic(k, f"{p}.topics") for k in c["topics"] or []],
        })
    parsed["topics"] = []
    for p, x in r.items(doc, "topics"):
        t = r.record(x, p, TOPIC_RECORD)
        card = None
        if x.get("card") is not None:
            found = r.obj(x["card"], f"{p}.card")
            card = r.record(found, f"{p}.card", CARD_RECORD) if found is not None else None
        parsed["topics"].append({"topic": topic(t["key"], f"{p}.key"), "status": t["status"], "closed_on": t["closed_on"], "card": card})
    parsed["review_logs"] = [
        {"topic": topic(x.get("topic"), f"{p}.topic"), **r.record(x, p, LOG_RECORD)}
        for p, x in r.items(doc, "review_logs", max_items=MAX_REVIEW_LOGS)
    ]
    parsed["notes"] = [
        {"topic": topic(x.get("topic"), f"{p}.topic"), "text": r.get(x, "text", p, "text", max_length=TopicNote.MAX_LENGTH)}
        for p, x in r.items(doc, "notes")
    ]
    parsed["reviews"] = [
        {
            "topic": topic(x.get("topic"), f"{p}.topic"),
            "stage": r.get(x, "stage", p, "int", choices=list(review.OLD_STAGES)),
        }
        for p, x in r.items(doc, "reviews")
    ]
    parsed["projects"] = []
    for p, x in r.items(doc, "projects"):
        item = items.get((_number(x.get("block")), _text(x.get("kind")), _number(x.get("position"))))
        if item is None:
            r.problems.append(f"{p}: no {x.get('kind')} {x.get('position')} in block {x.get('block')} of the plan")
        parsed["projects"].append(
            {
                "item": item,
                "done": r.get(x, "done", p, "bool"),
                "link": r.get(x, "link", p, "text", max_length=500, link=True),
                "done_on": r.get(x, "done_on", p, "date", null=True),
            }
        )
    parsed["resources"] = []
    for p, x in r.items(doc, "resources"):
        ref = x.get("plan_resource")
        resource = None
        if ref is not None:
            ref = r.obj(ref, f"{p}.plan_resource") or {}
            resource = resources.get((_text(ref.get("kind")), _text(ref.get("title"))))
            if resource is None:
                r.problems.append(f"{p}: the plan has no {ref.get('kind')} '{ref.get('title')}'")
        block = None
        if x.get("block") is not None:
            block = blocks.get(_number(x["block"]))
            if block is None:
                r.problems.append(f"{p}.block: no block {str(x['block'])[:20]} in the plan")
        parsed["resources"].append({"resource": resource, **r.record(x, p, USER_RESOURCE_JSON), "block": block})
    parsed["milestones"] = []
    for p, x in r.items(doc, "milestones"):
        item = milestone_items.get((_number(x.get("day")), _number(x.get("position"))))
        if item is None:
            r.problems.append(f"{p}: the plan has no milestone item {x.get('position')} on day {x.get('day')}")
        parsed["milestones"].append(
            {"item": item, **r.record(x, p, MILESTONE_RECORD)}
        )
    parsed["outputs"] = []
    for p, x in r.items(doc, "outputs"):
        block = blocks.get(_number(x.get("block"))) if x.get("block") is not None else None
        if x.get("block") is not None and block is None:
            r.problems.append(f"{p}.block: no block {x.get('block')} in the plan")
        project = None
        if x.get("project") is not None:
            ref = r.obj(x["project"], f"{p}.project") or {}
            project = items.get((_number(ref.get("block")), "project", _number(ref.get("position"))))
            if project is None:
                r.problems.append(f"{p}.project: no such practice project in the plan")
        parsed["outputs"].append(
            {
                **r.record(x, p, OUTPUT_JSON),
                "block": block,
                "topic": topic(x.get("topic"), f"{p}.topic"),
                "project": project,
            }
        )
    parsed["reminders"] = None
    if doc.get("reminders") is not None:
        x = r.obj(doc["reminders"], "reminders") or {}
        parsed["reminders"] = {
            "mode": r.get(x, "mode", "reminders", "text", choices=[m for m, _ in ReminderSettings.Mode.choices]),
            "weekends": r.get(x, "weekends", "reminders", "bool"),
            "disabled_slots": r.get(x, "disabled_slots", "reminders", "list"),
        }
        slots = parsed["reminders"]["disabled_slots"] or []
        if not all(isinstance(key, str) and re.fullmatch(r"(weekday|weekend)-[0-9]{1,3}", key) for key in slots) or len(slots) > 50:
            r.problems.append('reminders.disabled_slots: slot names such as "weekday-2"')
    return parsed


def _write_rows(parsed, user_doc, name, existing, plan):
    password = None
    if existing is None:
        password = secrets.token_urlsafe(12)
        user = get_user_model().objects.create_user(name, email=user_doc.get("email") or "", password=password)
    else:
        user = existing
        for model in (CheckIn, TopicProgress, TopicNote, ProjectProgress, Pause, UserResource, MilestoneCheck, Output):
            model.objects.filter(user=user).delete()
    user.first_name, user.last_name = user_doc.get("first_name") or "", user_doc.get("last_name") or ""
    user.email = user_doc.get("email") or user.email
    user.save()
    e = parsed["enrollment"]
    if e is not None and plan is not None:
        Enrollment.objects.update_or_create(
            user=user,
            defaults={
                "plan": plan, "start_date": e["start_date"], "timezone": e["timezone"], "language": e["language"],
                "desired_retention": e["desired_retention"], "daily_reviews": e["daily_reviews"],
                "slot_overrides": _overrides(plan, e["slots"]),
            },
        )
    Pause.objects.bulk_create([Pause(user=user, **p) for p in parsed["pauses"]])
    made = CheckIn.objects.bulk_create([CheckIn(user=user, **{k: v for k, v in c.items() if k != "topics"}) for c in parsed["checkins"]])
    CheckIn.topics.through.objects.bulk_create(
        [
            CheckIn.topics.through(checkin_id=row.pk, topic_id=t.pk)
            for row, c in zip(made, parsed["checkins"], strict=True)
            for t in c["topics"]
        ]
    )
    rows, made_logs = _progress_rows(user, parsed, e)
    TopicProgress.objects.bulk_create(rows)
    ReviewLog.objects.bulk_create(made_logs + [
        ReviewLog(user=user, topic=x["topic"], rating=x["rating"], reviewed_at=x["reviewed_at"], stability=x["stability"],
                  difficulty=x["difficulty"], due_at=x["due"])
        for x in parsed["review_logs"]
    ])
    TopicNote.objects.bulk_create([TopicNote(user=user, **n) for n in parsed["notes"]])
    ProjectProgress.objects.bulk_create([ProjectProgress(user=user, **p) for p in parsed["projects"]])
    UserResource.objects.bulk_create([UserResource(user=user, **x) for x in parsed["resources"]])
    MilestoneCheck.objects.bulk_create([MilestoneCheck(user=user, **m) for m in parsed["milestones"]])
    for o in parsed["outputs"]:
        Output.objects.create(user=user, **o)
    if parsed["reminders"] is not None:
        ReminderSettings.objects.update_or_create(user=user, defaults=parsed["reminders"])
    return user, password


def _number(value) -> int | None:
    """A whole number from a document, for a lookup (a list or an object there is no key, not a crash)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def _progress_rows(user, parsed, enrollment) -> list[TopicProgress]:
    """Topic progress with its review cards: as the document has them (version 3), or, for a done topic
    without one (versions 1 and 2), made from its closing and the old 1/7/30-day reviews (each Good)."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(enrollment["timezone"]) if enrollment else ZoneInfo("UTC")
    retention = (enrollment or {}).get("desired_retention") or 0.9
    reviewed = {}
    for v in parsed["reviews"]:
        reviewed[v["topic"].pk] = max(v["stage"], reviewed.get(v["topic"].pk, 0))
    rows, logs = [], []
    for t in parsed["topics"]:
        row = TopicProgress(user=user, topic=t["topic"], status=t["status"], closed_on=t["closed_on"])
        card = t["card"]
        if card is not None and t["status"] == TopicProgress.Status.DONE:
            row.card_state, row.card_step, row.stability = card["state"], card["step"], card["stability"]
            row.difficulty, row.due_at, row.last_review_at = card["difficulty"], card["due"], card["last_review"]
        elif t["status"] == TopicProgress.Status.DONE:
            closed = t["closed_on"] or timezone.localdate(timezone=tz)
            stage = reviewed.get(t["topic"].pk, 0)
            days = [closed] + [closed + timedelta(days=s) for s in review.OLD_STAGES if s <= stage]
            logs += review.replay_good(row, days, tz, retention)
        rows.append(row)
    return rows, logs


def _overrides(plan, slots: list[dict]) -> dict:
    """The learner's slot overrides from a document's slots: version 1 listed every slot's times, so
    a slot at the plan's times is no override; one the plan lacks is dropped."""
    plan_slots = {(s.days, s.number): s for s in plan.slots.all()}
    found = {}
    for s in slots:
        plan_slot = plan_slots.get((s["days"], s["number"]))
        if plan_slot is None:
            continue
        key = slot_key(s["days"], s["number"])
        if s["off"]:
            found[key] = {"off": True}
        elif (s["start"], s["end"]) != (plan_slot.start, plan_slot.end) and s["start"] != s["end"]:
            found[key] = {"start": f"{s['start']:%H:%M}", "end": f"{s['end']:%H:%M}"}
    return found
