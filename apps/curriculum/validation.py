"""Check plan data and lay out its days, whether it came from Markdown or from exported JSON.

Every problem is collected (not just the first) and named by its Markdown line, or by its JSON
path when the data came from JSON, so a person can fix a file in one pass.

The data shape (`export_plan` prints it; `import_plan` reads it back):
    {"slug","title","total_days","author","goal","period","updated","route":[…],"mindset":[…],
     "phases":[{"number","title","start_day","end_day","summary","output",
        "blocks":[{"number","title","start_day","end_day","goal",
           "topics":[{"key","title","start_day","end_day","days","points":[…]}],
           "projects":[…],"choices":[…],"deliverables":[…]}]}],
     "resources":[{"kind","title","note"}],
     "milestones":[{"day","title","items":[…]}],
     "rhythm":[{"days":"weekday|weekend","slot","start":"HH:MM","end":"HH:MM","activity"}],
     "advice":[…]}
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from apps.core.jsoninput import Field, Reader
from apps.curriculum import models
from apps.curriculum.parsing import MAX_LINE, PlanFileError, check_size, decode, parse_markdown

# A plan's limits, checked before anything is written: a plan past them is no study plan, and every
# page and feed that walks a plan's days or topics stays bounded by them.
MAX_PLAN_BYTES = 1_000_000
MAX_DAYS = 3_650
MAX_BLOCKS = 500
MAX_TOPICS = 2_000

MAX_TEXT = MAX_LINE  # a JSON plan's text fields, as a Markdown plan's lines; then each column's own limit

RESOURCE_KINDS = ("paper", "book", "project", "course")
SLOT_DAYS = ("weekday", "weekend")
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _where(part: dict, path: str) -> str:
    return f"line {part['_line']}" if "_line" in part else path


def _span(part: dict) -> str:
    return f"Day {part['start_day']}-{part['end_day']}"


def load_plan_file(path: str | Path) -> dict:
    """Plan data from a .md or .json file, checked and laid out; raises PlanFileError."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise PlanFileError([f"cannot read {path}: {error.strerror or error}"]) from None
    return load_plan_bytes(raw, is_json=str(path).lower().endswith(".json"))


def load_plan_bytes(raw: bytes, *, is_json: bool | None = None) -> dict:
    text = decode(raw)
    if not text.strip():
        raise PlanFileError(["line 1: the file is empty"])
    if len(raw) > MAX_PLAN_BYTES:
        raise PlanFileError([f"the file is {len(raw):,} bytes; a plan is at most {MAX_PLAN_BYTES:,}"])
    if is_json is None:
        is_json = text.lstrip().startswith("{")
    if not is_json:
        check_size(text)
    plan = from_json(text) if is_json else parse_markdown(text)
    return check_and_layout(plan)


def check_and_layout(plan: dict) -> dict:
    """Check day ranges, give every topic its days and key; return the plan without private keys."""
    problems: list[str] = plan.pop("_problems", [])
    phases = plan["phases"]
    blocks = [b for p in phases for b in p.get("blocks", [])]
    topics = sum(len(b.get("topics", [])) for b in blocks)
    last = max((p["end_day"] for p in phases if isinstance(p.get("end_day"), int)), default=0)
    if last > MAX_DAYS or len(blocks) > MAX_BLOCKS or topics > MAX_TOPICS:
        raise PlanFileError([
            f"the plan has {last:,} days, {len(blocks):,} blocks and {topics:,} topics; a plan has at most "
            f"{MAX_DAYS:,} days, {MAX_BLOCKS:,} blocks and {MAX_TOPICS:,} topics"
        ])
    if not phases:
        problems.append("phases: a plan needs at least one phase")
    expected = 1
    for p_index, phase in enumerate(phases):
        where = _where(phase, f"phases[{p_index}]")
        if phase["start_day"] is None:
            expected = None
            continue
        if phase["start_day"] < 1 or phase["end_day"] < phase["start_day"]:
            problems.append(f"{where}: phase {phase['number']} has an impossible day range {_span(phase)}")
            expected = None
            continue
        if expected is not None and phase["start_day"] > expected:
            problems.append(
                f"{where}: gap in days: days {expected}-{phase['start_day'] - 1} belong to no phase "
                f"(phase {phase['number']} starts at day {phase['start_day']})"
            )
        elif expected is not None and phase["start_day"] < expected:
            problems.append(
                f"{where}: phase {phase['number']} ({_span(phase)}) overlaps the phase before it, which ends at day {expected - 1}"
            )
        expected = phase["end_day"] + 1
        _check_blocks(phase, where, f"phases[{p_index}]", problems)
    total_days = max((p["end_day"] for p in phases if p["end_day"] is not None), default=0)

    seen_days = set()
    for index, milestone in enumerate(plan["milestones"]):
        where = _where(milestone, f"milestones[{index}]")
        if not 1 <= milestone["day"] <= max(total_days, 1):
            problems.append(f"{where}: milestone day {milestone['day']} is outside the plan (days 1-{total_days})")
        if milestone["day"] in seen_days:
            problems.append(f"{where}: a second milestone for day {milestone['day']}")
        seen_days.add(milestone["day"])
    seen_slots = set()
    for index, slot in enumerate(plan["rhythm"]):
        where = _where(slot, f"rhythm[{index}]")
        if slot["start"] == slot["end"]:
            problems.append(f"{where}: slot {slot['start']}-{slot['end']} has no length")
        if (slot["days"], slot["slot"]) in seen_slots:
            problems.append(f"{where}: a second {slot['days']} slot numbered {slot['slot']}")
        seen_slots.add((slot["days"], slot["slot"]))
    block_numbers = {b["number"] for p in phases for b in p["blocks"]}
    topic_keys = {t.get("key") for p in phases for b in p["blocks"] for t in b["topics"]}
    for index, resource in enumerate(plan["resources"]):
        where = _where(resource, f"resources[{index}]")
        if not resource["title"]:
            problems.append(f"{where}: a resource without a title")
        for number in resource.get("blocks", []):
            if number not in block_numbers:
                problems.append(f"{where}: links to block {number}, which the plan does not have")
        for key in resource.get("topics", []):
            if key not in topic_keys:
                problems.append(f"{where}: links to topic {key}, which the plan does not have")
    _check_lengths(plan, problems)
    if problems:
        raise PlanFileError(problems)

    plan["total_days"] = total_days
    return _without_private_keys(plan)


def _check_lengths(plan: dict, problems: list[str]) -> None:
    """Every text fits its column (the model's max_length), so saving never fails half-way."""

    def check(part: dict, path: str, model, names=(), lists=()):
        for name in names:
            limit = model._meta.get_field(name).max_length
            value = part.get(name)
            if isinstance(value, str) and len(value) > limit:
                problems.append(f"{_where(part, path)}: the {name} has {len(value):,} characters; at most {limit:,}")
        for name, item_model in lists:
            limit = item_model._meta.get_field("text").max_length
            for index, value in enumerate(part.get(name) or []):
                if isinstance(value, str) and len(value) > limit:
                    problems.append(f"{_where(part, path)}: {name}[{index}] has {len(value):,} characters; at most {limit:,}")

    check(plan, "plan", models.Plan, ("title", "author", "goal", "period", "updated"))
    item_lists = [(name, models.BlockItem) for name in ("projects", "choices", "deliverables")]
    for p_index, phase in enumerate(plan["phases"]):
        check(phase, f"phases[{p_index}]", models.Phase, ("title", "summary", "output"))
        for b_index, block in enumerate(phase.get("blocks", [])):
            b_path = f"phases[{p_index}].blocks[{b_index}]"
            check(block, b_path, models.Block, ("title", "goal"), item_lists)
            for t_index, topic in enumerate(block.get("topics", [])):
                check(topic, f"{b_path}.topics[{t_index}]", models.Topic, ("title",))
    for index, resource in enumerate(plan["resources"]):
        check(resource, f"resources[{index}]", models.Resource, ("title", "note"))
    for index, milestone in enumerate(plan["milestones"]):
        check(milestone, f"milestones[{index}]", models.Milestone, ("title",), [("items", models.MilestoneItem)])
    for index, slot in enumerate(plan["rhythm"]):
        check(slot, f"rhythm[{index}]", models.Slot, ("activity",))


def _check_blocks(phase: dict, where: str, path: str, problems: list[str]) -> None:
    blocks = phase["blocks"]
    if not blocks:
        problems.append(f"{where}: phase {phase['number']} ({_span(phase)}) has no week blocks")
        return
    expected = phase["start_day"]
    for b_index, block in enumerate(blocks):
        b_where = _where(block, f"{path}.blocks[{b_index}]")
        if block["start_day"] is None:
            expected = None
            continue
        if block["start_day"] < 1 or block["end_day"] < block["start_day"]:
            problems.append(f"{b_where}: block {block['number']} has an impossible day range {_span(block)}")
            expected = None
            continue
        if block["start_day"] < phase["start_day"] or block["end_day"] > phase["end_day"]:
            problems.append(
                f"{b_where}: block '{block['title']}' ({_span(block)}) is outside its phase "
                f"'{phase['title']}' ({_span(phase)})"
            )
        elif expected is not None and block["start_day"] > expected:
            problems.append(
                f"{b_where}: gap in days: days {expected}-{block['start_day'] - 1} belong to no block "
                f"(block '{block['title']}' starts at day {block['start_day']})"
            )
        elif expected is not None and block["start_day"] < expected:
            problems.append(
                f"{b_where}: block '{block['title']}' ({_span(block)}) overlaps the block before it, "
                f"which ends at day {expected - 1}"
            )
        expected = block["end_day"] + 1
        _layout_topics(block, b_where, f"{path}.blocks[{b_index}]", problems)
    if expected is not None and expected <= phase["end_day"] and blocks[-1]["end_day"] <= phase["end_day"]:
        problems.append(
            f"{_where(blocks[-1], f'{path}.blocks[{len(blocks) - 1}]')}: gap in days: days {expected}-{phase['end_day']} "
            f"of phase '{phase['title']}' belong to no block"
        )


def _layout_topics(block: dict, where: str, path: str, problems: list[str]) -> None:
    """Give each topic a start and end day: stated durations first, the rest share what is left,
    earlier topics taking the extra day. A block without topics gets one named after it."""
    days = block["end_day"] - block["start_day"] + 1
    topics = block["topics"]
    if not topics:
        topics.append({"title": block["title"], "days": None, "points": []})
    stated = sum(t["days"] for t in topics if t["days"] is not None)
    open_topics = [t for t in topics if t["days"] is None]
    left = days - stated
    if stated > days or (open_topics and left < len(open_topics)):
        first = next((t for t in topics if t["days"] is not None), topics[0])
        problems.append(
            f"{_where(first, path + '.topics[0]')}: topic durations in '{block['title']}' add up to {stated} days"
            + (f" with {len(open_topics)} more topics still to fit" if open_topics else "")
            + f", but the block has {days} days ({_span(block)})"
        )
        return
    if not open_topics and left > 0:
        problems.append(
            f"{where}: topic durations in '{block['title']}' add up to {stated} days, but the block has {days} days "
            f"({_span(block)}); days {block['end_day'] - left + 1}-{block['end_day']} would belong to no topic"
        )
        return
    share, extra = divmod(left, len(open_topics)) if open_topics else (0, 0)
    day = block["start_day"]
    for number, topic in enumerate(topics, start=1):
        if topic["days"] is None:
            topic["days"] = share + (1 if extra > 0 else 0)
            extra -= 1 if extra > 0 else 0
        given = (topic.get("start_day"), topic.get("end_day"))
        topic["start_day"], topic["end_day"] = day, day + topic["days"] - 1
        if given != (None, None) and given != (topic["start_day"], topic["end_day"]):
            problems.append(
                f"{_where(topic, f'{path}.topics[{number - 1}]')}: topic '{topic['title']}' says days {given[0]}-{given[1]} "
                f"but its place in the block gives {_span(topic)}"
            )
        topic["number"] = number
        topic["key"] = f"{block['number']}.{number}"
        day += topic["days"]


def _without_private_keys(value):
    if isinstance(value, dict):
        return {k: _without_private_keys(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [_without_private_keys(v) for v in value]
    return value


# --- JSON ------------------------------------------------------------------------------------


def _text(r: Reader, obj, key, path, *, required=True):
    return r.get(obj, key, path, Field("text", required=required, max_length=MAX_TEXT), default="")


def _int(r: Reader, obj, key, path, *, required=True, default=None):
    return r.get(obj, key, path, Field("int", required=required, low=0, high=MAX_DAYS), default=default)


def _strings(r: Reader, obj, key, path):
    return r.get(obj, key, path, Field("list", required=False, of=Field("text", max_length=MAX_TEXT)), default=[])


def from_json(text: str) -> dict:
    """Plan data from `export_plan` JSON; raises PlanFileError naming each bad field by its path."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as error:
        raise PlanFileError([f"line {error.lineno}: not valid JSON: {error.msg} (column {error.colno})"]) from None
    if not isinstance(doc, dict):
        raise PlanFileError(["line 1: a JSON plan must be an object with title and phases"])
    r = Reader()
    plan = {
        "slug": doc.get("slug") if isinstance(doc.get("slug"), str) else "",
        "title": _text(r, doc, "title", "plan"),
        "author": _text(r, doc, "author", "plan", required=False),
        "goal": _text(r, doc, "goal", "plan", required=False),
        "period": _text(r, doc, "period", "plan", required=False),
        "phases": [], "resources": [], "milestones": [], "rhythm": [],
        "advice": _strings(r, doc, "advice", "plan"),
        "updated": _text(r, doc, "updated", "plan", required=False),
        "route": _strings(r, doc, "route", "plan"),
        "mindset": _strings(r, doc, "mindset", "plan"),
    }
    block_number = 0
    for p_path, p in r.items(doc, "phases", "", required=True):
        phase = {
            "number": len(plan["phases"]) + 1,
            "title": _text(r, p, "title", p_path),
            "start_day": _int(r, p, "start_day", p_path),
            "end_day": _int(r, p, "end_day", p_path),
            "summary": _text(r, p, "summary", p_path, required=False),
            "output": _text(r, p, "output", p_path, required=False),
            "blocks": [],
        }
        for b_path, b in r.items(p, "blocks", p_path, required=True):
            block_number += 1
            block = {
                "number": block_number,
                "title": _text(r, b, "title", b_path),
                "start_day": _int(r, b, "start_day", b_path),
                "end_day": _int(r, b, "end_day", b_path),
                "goal": _text(r, b, "goal", b_path, required=False),
                "topics": [],
                "projects": _strings(r, b, "projects", b_path),
                "choices": _strings(r, b, "choices", b_path),
                "deliverables": _strings(r, b, "deliverables", b_path),
            }
            for t_path, t in r.items(b, "topics", b_path, required=False):
                days = r.get(t, "days", t_path, Field("int", low=1, high=MAX_DAYS))
                block["topics"].append({
                    "title": _text(r, t, "title", t_path),
                    "days": days,
                    "start_day": _int(r, t, "start_day", t_path, required=False),
                    "end_day": _int(r, t, "end_day", t_path, required=False),
                    "points": _strings(r, t, "points", t_path),
                })
            phase["blocks"].append(block)
        plan["phases"].append(phase)
    for path, item in r.items(doc, "resources", "", required=False):
        resource = {
            "kind": r.get(item, "kind", path, Field("text", choices=RESOURCE_KINDS), default=""), "title": _text(r, item, "title", path),
            "note": _text(r, item, "note", path, required=False),
        }
        if "blocks" in item:
            resource["blocks"] = r.get(item, "blocks", path, Field("list", of=Field("int", low=1, high=MAX_BLOCKS)), default=[])
        if "topics" in item:
            resource["topics"] = _strings(r, item, "topics", path)
        plan["resources"].append(resource)
    for path, item in r.items(doc, "milestones", "", required=False):
        plan["milestones"].append({
            "day": _int(r, item, "day", path, default=0),
            "title": _text(r, item, "title", path, required=False),
            "items": _strings(r, item, "items", path),
        })
    for path, item in r.items(doc, "rhythm", "", required=False):
        days = r.get(item, "days", path, Field("text", choices=SLOT_DAYS), default="weekday")
        slot = {
            "days": days, "slot": _int(r, item, "slot", path, default=0),
            "start": _text(r, item, "start", path) or "00:00",
            "end": _text(r, item, "end", path) or "00:00",
            "activity": _text(r, item, "activity", path, required=False),
        }
        for key in ("start", "end"):
            if not HHMM.match(slot[key]):
                r.problems.append(f"{path}.{key}: must be a time HH:MM, got {slot[key]!r}")
        plan["rhythm"].append(slot)
    if r.problems:
        raise PlanFileError(r.problems)
    return plan
