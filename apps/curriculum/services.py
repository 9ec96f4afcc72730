"""Writing plans to the database and reading them back out as data.

`save_plan` stores checked plan data (see validation.py) in one transaction. With replace=True it
updates an existing plan in place, matching rows to what is already there (phases and blocks by
number, topics by key and then by title, resources by title, milestones by day), so that every
learner's progress on a topic that still exists survives; check-ins never point at plan rows by
foreign key that could cascade, so they always survive.
"""

from __future__ import annotations

import re
from datetime import time

from django.db import transaction
from django.db.models import F, Prefetch
from django.utils.text import slugify

from apps.curriculum.models import (
    Block,
    BlockItem,
    Milestone,
    MilestoneItem,
    Phase,
    Plan,
    Resource,
    Slot,
    Topic,
)
from apps.curriculum.parsing import PlanFileError

ITEM_KINDS = {"projects": BlockItem.Kind.PROJECT, "choices": BlockItem.Kind.CHOICE, "deliverables": BlockItem.Kind.DELIVERABLE}


def slug_for(data: dict, *, source_name: str = "") -> str:
    slug = data.get("slug") or slugify(source_name) or slugify(data["title"])
    if not slug:
        raise PlanFileError(["give the plan a --slug: none can be made from its file name or title"])
    return slug


@transaction.atomic
def save_plan(data: dict, *, slug: str, replace: bool = False) -> Plan:
    """Store a checked plan under `slug`; raise PlanFileError if it exists and replace is False."""
    plan = Plan.objects.select_for_update().filter(slug=slug).first()
    if plan is not None and not replace:
        raise PlanFileError([f"a plan with slug '{slug}' already exists: use --replace to update it, or --slug to import a copy"])
    fields = {
        "title": data["title"], "author": data.get("author", ""), "goal": data.get("goal", ""),
        "period": data.get("period", ""), "total_days": data["total_days"], "advice": data.get("advice", []),
        "updated": data.get("updated", ""), "route": data.get("route", []), "mindset": data.get("mindset", []),
    }
    if plan is None:
        plan = Plan.objects.create(slug=slug, **fields)
    else:
        for key, value in fields.items():
            setattr(plan, key, value)
        plan.save()
    # Phases and blocks that go away are deleted only after topics have moved to their new blocks,
    # since deleting a block cascades to its topics (and so to learners' progress on them).
    phase_rows, stale_phases = _save_phases(plan, data["phases"])
    block_rows, stale_blocks = _save_blocks(plan, data["phases"], phase_rows)
    _save_topics(plan, data["phases"], block_rows)
    Block.objects.filter(pk__in=stale_blocks).delete()
    Phase.objects.filter(pk__in=stale_phases).delete()
    _save_resources(plan, data["resources"], block_rows)
    _save_milestones(plan, data["milestones"])
    _save_rhythm(plan, data["rhythm"])
    # Bulk writes send no signals: say here that the plan changed, for every process's cache.
    Plan.objects.filter(pk=plan.pk).update(revision=F("revision") + 1)
    plan.refresh_from_db(fields=["revision"])
    return plan


def _sync(existing: dict, wanted: dict, model, *, fields: list[str], keep_stale: bool = False):
    """Update rows present in both (by key), create the new ones, delete the rest (or, with
    keep_stale, leave them for the caller to delete); return key → row, and the stale pks."""
    stale = [row.pk for key, row in existing.items() if key not in wanted]
    if stale and not keep_stale:
        model.objects.filter(pk__in=stale).delete()
    to_create, to_update = [], []
    for key, values in wanted.items():
        row = existing.get(key)
        if row is None:
            to_create.append(model(**values))
        else:
            for name in fields:
                setattr(row, name, values[name])
            to_update.append(row)
    if to_update:
        model.objects.bulk_update(to_update, fields)
    created = model.objects.bulk_create(to_create)
    rows = {key: existing[key] for key in wanted if key in existing}
    new = iter(created)
    for key in wanted:
        if key not in existing:
            rows[key] = next(new)
    return rows, stale


def _save_phases(plan: Plan, phases: list[dict]):
    return _sync(
        {p.number: p for p in plan.phases.all()},
        {
            p["number"]: {
                "plan": plan, "number": p["number"], "title": p["title"], "start_day": p["start_day"],
                "end_day": p["end_day"], "summary": p.get("summary", ""), "output": p.get("output", ""),
            }
            for p in phases
        },
        Phase,
        fields=["title", "start_day", "end_day", "summary", "output"],
        keep_stale=True,
    )


def _save_blocks(plan: Plan, phases: list[dict], phase_rows: dict):
    wanted_blocks = {
        b["number"]: {
            "plan": plan, "phase": phase_rows[p["number"]], "number": b["number"], "title": b["title"],
            "start_day": b["start_day"], "end_day": b["end_day"], "goal": b.get("goal", ""),
        }
        for p in phases
        for b in p["blocks"]
    }
    block_rows, stale_blocks = _sync(
        {b.number: b for b in Block.objects.filter(plan=plan)},
        wanted_blocks,
        Block,
        fields=["phase", "title", "start_day", "end_day", "goal"],
        keep_stale=True,
    )
    _sync(
        {(i.block_id, i.kind, i.position): i for i in BlockItem.objects.filter(block__plan=plan)},
        {
            (block_rows[b["number"]].pk, kind, position): {
                "block": block_rows[b["number"]], "kind": kind, "position": position, "text": text,
            }
            for p in phases
            for b in p["blocks"]
            for name, kind in ITEM_KINDS.items()
            for position, text in enumerate(b.get(name, []), start=1)
        },
        BlockItem,
        fields=["text"],
    )
    return block_rows, stale_blocks


def _save_topics(plan: Plan, phases: list[dict], block_rows: dict) -> None:
    """Match each new topic to an old one by key, else by title; learners' progress rides on the row."""
    old = list(Topic.objects.filter(plan=plan))
    by_key = {t.key: t for t in old}
    by_title = {}
    for t in old:
        by_title.setdefault(t.title, t)
    wanted = [(b["number"], t) for p in phases for b in p["blocks"] for t in b["topics"]]
    # Three passes, most certain first: same key and title; same title (the topic moved); same key
    # (the topic was renamed in place). A topic inserted before others thus never takes their progress.
    matched: dict[int, Topic] = {}
    taken: set[int] = set()
    passes = [
        lambda t: by_key.get(t["key"]) if by_key.get(t["key"]) and by_key[t["key"]].title == t["title"] else None,
        lambda t: by_title.get(t["title"]),
        lambda t: by_key.get(t["key"]),
    ]
    for find in passes:
        for index, (_, t) in enumerate(wanted):
            row = None if index in matched else find(t)
            if row is not None and row.pk not in taken:
                matched[index] = row
                taken.add(row.pk)
    Topic.objects.filter(plan=plan).exclude(pk__in=taken).delete()
    # Keys are unique per plan and may move between kept rows: park them first.
    for row in matched.values():
        row.key = f"~{row.pk}"
    Topic.objects.bulk_update(matched.values(), ["key"])
    to_update, to_create = [], []
    for index, (block_number, t) in enumerate(wanted):
        values = {
            "plan": plan, "block": block_rows[block_number], "number": t["number"], "key": t["key"], "title": t["title"],
            "start_day": t["start_day"], "end_day": t["end_day"], "points": t.get("points", []),
        }
        row = matched.get(index)
        if row is None:
            to_create.append(Topic(**values))
        else:
            for name, value in values.items():
                setattr(row, name, value)
            to_update.append(row)
    Topic.objects.bulk_update(to_update, ["block", "number", "key", "title", "start_day", "end_day", "points"])
    Topic.objects.bulk_create(to_create)


def _save_resources(plan: Plan, resources: list[dict], block_rows: dict) -> None:
    rows, _ = _sync(
        {(r.kind, r.title): r for r in plan.resources.all()},
        {
            (r["kind"], r["title"]): {"plan": plan, "kind": r["kind"], "title": r["title"], "note": r.get("note", ""), "position": i}
            for i, r in enumerate(resources, start=1)
        },
        Resource,
        fields=["note", "position"],
    )
    topics = {t.key: t for t in Topic.objects.filter(plan=plan)}
    linked = set(Resource.blocks.through.objects.filter(resource__plan=plan).values_list("resource_id", flat=True)) | set(
        Resource.topics.through.objects.filter(resource__plan=plan).values_list("resource_id", flat=True)
    )
    for r in resources:
        row = rows[(r["kind"], r["title"])]
        if "blocks" in r or "topics" in r:  # stated in the file (exported JSON): exactly those
            row.blocks.set([block_rows[n] for n in r.get("blocks", [])])
            row.topics.set([topics[k] for k in r.get("topics", [])])
        elif row.pk not in linked:  # a new resource from Markdown: sensible defaults, kept if edited later
            blocks, found = default_links(r, block_rows.values(), topics.values())
            row.blocks.set(blocks)
            row.topics.set(found)


STOP_WORDS = {"the", "and", "into", "with", "from", "deep", "learning", "language", "processing", "need", "your", "course",
              "stanford", "face", "hugging", "speech", "dive"}
# Words a plan's text may use for what a resource is about, in the other language or in its field's
# own terms: "Speech and Language Processing" is an NLP book, DeepSpeed is for distributed training.
ALIASES = {
    "language processing": ("NLP",), "deep learning": ("深度学习",), "深度学习": ("深度学习",),
    "deepspeed": ("分布式", "distributed"), "megatron": ("分布式", "distributed"), "vllm": ("部署", "serving", "vLLM"),
    "rlhf": ("RLHF",), "scaling": ("scaling",),
}


def default_links(resource: dict, blocks, topics) -> tuple[list[Block], list[Topic]]:
    """Where a plan's resource most likely belongs: a block whose title names it, else topics whose title
    names it, else a topic or block whose points or projects mention it. Names tried: the title (without
    《》 or a version suffix such as -3), the note, then their longer Latin words."""
    title = re.sub(r"[《》]|-\d+$", "", resource["title"]).strip()
    text = f"{resource['title']} {resource.get('note', '')}"
    needles = [n for n in (title, resource.get("note", "").strip()) if len(n) >= 2]
    # Latin words of 4 letters or more, and acronyms (NLP); a plural also as its singular (Transformers).
    words = re.findall(r"[A-Za-z][A-Za-z0-9]{3,}|(?<![A-Za-z])[A-Z]{3}(?![A-Za-z])", text)
    words += [w[:-1] for w in words if len(w) > 4 and w.endswith("s")]
    needles += [w for w in words if w.lower() not in STOP_WORDS and w not in needles]
    for phrase, also in ALIASES.items():
        if phrase in text.lower():
            needles += [a for a in also if a not in needles]
    # Runs of Chinese characters, and their 4-character pieces ("动手学深度学习" → "深度学习").
    for run in re.findall(r"[\u4e00-\u9fff]{4,30}", text):
        needles += [run[i:i + 4] for i in range(len(run) - 3) if run[i:i + 4] not in needles]
    blocks, topics = list(blocks), list(topics)
    for needle in needles:
        hit = [b for b in blocks if needle.lower() in b.title.lower()]
        if hit:
            return hit[:1], []
    for needle in needles:
        hit = [t for t in topics if needle.lower() in t.title.lower()]
        if hit:
            return [], hit[:2]
    for needle in needles:
        hit = [t for t in topics if any(needle.lower() in p.lower() for p in t.points)]
        if hit:
            return [], hit[:1]
        items = BlockItem.objects.filter(block__in=blocks, text__icontains=needle).select_related("block")
        for item in items[:1]:
            return [item.block], []
    return [], []


def _save_milestones(plan: Plan, milestones: list[dict]) -> None:
    rows, _ = _sync(
        {m.day: m for m in plan.milestones.all()},
        {m["day"]: {"plan": plan, "day": m["day"], "title": m.get("title", "")} for m in milestones},
        Milestone,
        fields=["title"],
    )
    _sync(
        {(i.milestone_id, i.position): i for i in MilestoneItem.objects.filter(milestone__plan=plan)},
        {
            (rows[m["day"]].pk, position): {"milestone": rows[m["day"]], "position": position, "text": text}
            for m in milestones
            for position, text in enumerate(m["items"], start=1)
        },
        MilestoneItem,
        fields=["text"],
    )


def _save_rhythm(plan: Plan, rhythm: list[dict]) -> None:
    _sync(
        {(s.days, s.number): s for s in plan.slots.all()},
        {
            (s["days"], s["slot"]): {
                "plan": plan, "days": s["days"], "number": s["slot"], "start": time.fromisoformat(s["start"]),
                "end": time.fromisoformat(s["end"]), "activity": s["activity"],
            }
            for s in rhythm
        },
        Slot,
        fields=["start", "end", "activity"],
    )


def plan_to_dict(plan: Plan) -> dict:
    """The plan as export_plan's JSON data, in a fixed number of queries."""
    phases = plan.phases.prefetch_related(
        Prefetch("blocks", queryset=Block.objects.prefetch_related("topics", "items"))
    )
    return {
        "slug": plan.slug,
        "title": plan.title,
        "author": plan.author,
        "goal": plan.goal,
        "period": plan.period,
        "total_days": plan.total_days,
        "phases": [
            {
                "number": phase.number, "title": phase.title, "start_day": phase.start_day, "end_day": phase.end_day,
                "summary": phase.summary, "output": phase.output,
                "blocks": [_block_to_dict(block) for block in phase.blocks.all()],
            }
            for phase in phases
        ],
        "resources": [
            {
                "kind": r.kind, "title": r.title, "note": r.note,
                "blocks": sorted(b.number for b in r.blocks.all()), "topics": sorted(t.key for t in r.topics.all()),
            }
            for r in plan.resources.prefetch_related("blocks", "topics")
        ],
        "milestones": [
            {"day": m.day, "title": m.title, "items": [i.text for i in m.items.all()]}
            for m in plan.milestones.prefetch_related("items")
        ],
        "rhythm": [
            {"days": s.days, "slot": s.number, "start": f"{s.start:%H:%M}", "end": f"{s.end:%H:%M}", "activity": s.activity}
            for s in plan.slots.all()
        ],
        "advice": list(plan.advice),
        "updated": plan.updated,
        "route": list(plan.route),
        "mindset": list(plan.mindset),
    }


def _block_to_dict(block: Block) -> dict:
    items = {name: [] for name in ITEM_KINDS}
    for item in block.items.all():
        items[{v: k for k, v in ITEM_KINDS.items()}[item.kind]].append(item.text)
    return {
        "number": block.number, "title": block.title, "start_day": block.start_day, "end_day": block.end_day,
        "goal": block.goal,
        "topics": [
            {"key": t.key, "title": t.title, "start_day": t.start_day, "end_day": t.end_day, "days": t.days, "points": t.points}
            for t in block.topics.all()
        ],
        **items,
    }
