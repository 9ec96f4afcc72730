"""Check plan data and lay out its days, whether it came from Markdown or from exported JSON.

Every problem is collected (not just the first) and named by its Markdown line, or by its JSON
path when the data came from JSON, so a person can fix a file in one pass.

The data shape (`export_plan` prints it; `import_plan` reads it back):
    {"slug","title","total_days","author","goal","period",
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

from apps.curriculum.parsing import PlanFileError, check_size, decode, parse_markdown

# A plan's limits, checked before anything is written: a plan past them is no study plan, and every
# page and feed that walks a plan's days or topics stays bounded by them.
MAX_PLAN_BYTES = 1_000_000
MAX_DAYS = 3_650
MAX_BLOCKS = 500
MAX_TOPICS = 2_000

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
    if problems:
        raise PlanFileError(problems)

    plan["total_days"] = total_days
    return _without_private_keys(plan)


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


class _Reader:
    """Pulls typed fields out of parsed JSON, noting a problem (with its path) for each bad one."""

    def __init__(self):
        self.problems: list[str] = []

    def field(self, obj, key, path, kind, *, required=True, default=None):
        if not isinstance(obj, dict):
            self.problems.append(f"{path}: expected an object")
            return default
        if key not in obj or obj[key] is None:
            if required:
                self.problems.append(f"{path}.{key}: missing")
            return default
        value = obj[key]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            self.problems.append(f"{path}.{key}: expected a whole number, got {json.dumps(value, ensure_ascii=False)[:40]}")
            return default
        if kind is str and not isinstance(value, str):
            self.problems.append(f"{path}.{key}: expected text, got {json.dumps(value, ensure_ascii=False)[:40]}")
            return default
        if kind is list and not isinstance(value, list):
            self.problems.append(f"{path}.{key}: expected a list")
            return default
        return value

    def strings(self, obj, key, path):
        values = self.field(obj, key, path, list, required=False, default=[])
        out = []
        for index, value in enumerate(values):
            if isinstance(value, str):
                out.append(value)
            else:
                self.problems.append(f"{path}.{key}[{index}]: expected text")
        return out

    def objects(self, obj, key, path, *, required=True):
        values = self.field(obj, key, path, list, required=required, default=[])
        return [(f"{path}.{key}[{i}]" if path else f"{key}[{i}]", v) for i, v in enumerate(values)]


def from_json(text: str) -> dict:
    """Plan data from `export_plan` JSON; raises PlanFileError naming each bad field by its path."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as error:
        raise PlanFileError([f"line {error.lineno}: not valid JSON: {error.msg} (column {error.colno})"]) from None
    if not isinstance(doc, dict):
        raise PlanFileError(["line 1: a JSON plan must be an object with title and phases"])
    r = _Reader()
    plan = {
        "slug": doc.get("slug") if isinstance(doc.get("slug"), str) else "",
        "title": r.field(doc, "title", "plan", str, default=""),
        "author": r.field(doc, "author", "plan", str, required=False, default=""),
        "goal": r.field(doc, "goal", "plan", str, required=False, default=""),
        "period": r.field(doc, "period", "plan", str, required=False, default=""),
        "phases": [], "resources": [], "milestones": [], "rhythm": [],
        "advice": r.strings(doc, "advice", "plan"),
    }
    block_number = 0
    for p_path, p in r.objects(doc, "phases", ""):
        phase = {
            "number": len(plan["phases"]) + 1,
            "title": r.field(p, "title", p_path, str, default=""),
            "start_day": r.field(p, "start_day", p_path, int),
            "end_day": r.field(p, "end_day", p_path, int),
            "summary": r.field(p, "summary", p_path, str, required=False, default=""),
            "output": r.field(p, "output", p_path, str, required=False, default=""),
            "blocks": [],
        }
        for b_path, b in r.objects(p, "blocks", p_path):
            block_number += 1
            block = {
                "number": block_number,
                "title": r.field(b, "title", b_path, str, default=""),
                "start_day": r.field(b, "start_day", b_path, int),
                "end_day": r.field(b, "end_day", b_path, int),
                "goal": r.field(b, "goal", b_path, str, required=False, default=""),
                "topics": [],
                "projects": r.strings(b, "projects", b_path),
                "choices": r.strings(b, "choices", b_path),
                "deliverables": r.strings(b, "deliverables", b_path),
            }
            for t_path, t in r.objects(b, "topics", b_path, required=False):
                days = r.field(t, "days", t_path, int)
                if days is not None and days < 1:
                    r.problems.append(f"{t_path}.days: must be at least 1")
                    days = None
                block["topics"].append({
                    "title": r.field(t, "title", t_path, str, default=""),
                    "days": days,
                    "start_day": r.field(t, "start_day", t_path, int, required=False),
                    "end_day": r.field(t, "end_day", t_path, int, required=False),
                    "points": r.strings(t, "points", t_path),
                })
            phase["blocks"].append(block)
        plan["phases"].append(phase)
    for path, item in r.objects(doc, "resources", "", required=False):
        kind = r.field(item, "kind", path, str, default="")
        if kind and kind not in RESOURCE_KINDS:
            r.problems.append(f"{path}.kind: must be one of {', '.join(RESOURCE_KINDS)}, got {kind!r}")
        resource = {
            "kind": kind, "title": r.field(item, "title", path, str, default=""),
            "note": r.field(item, "note", path, str, required=False, default=""),
        }
        if isinstance(item, dict) and "blocks" in item:
            blocks = r.field(item, "blocks", path, list, default=[])
            if not all(isinstance(n, int) and not isinstance(n, bool) for n in blocks):
                r.problems.append(f"{path}.blocks: expected a list of block numbers")
                blocks = []
            resource["blocks"] = blocks
        if isinstance(item, dict) and "topics" in item:
            resource["topics"] = r.strings(item, "topics", path)
        plan["resources"].append(resource)
    for path, item in r.objects(doc, "milestones", "", required=False):
        plan["milestones"].append({
            "day": r.field(item, "day", path, int, default=0),
            "title": r.field(item, "title", path, str, required=False, default=""),
            "items": r.strings(item, "items", path),
        })
    for path, item in r.objects(doc, "rhythm", "", required=False):
        days = r.field(item, "days", path, str, default="weekday")
        if days not in SLOT_DAYS:
            r.problems.append(f"{path}.days: must be weekday or weekend, got {days!r}")
        slot = {
            "days": days, "slot": r.field(item, "slot", path, int, default=0),
            "start": r.field(item, "start", path, str, default="00:00"),
            "end": r.field(item, "end", path, str, default="00:00"),
            "activity": r.field(item, "activity", path, str, required=False, default=""),
        }
        for key in ("start", "end"):
            if not HHMM.match(slot[key]):
                r.problems.append(f"{path}.{key}: must be a time HH:MM, got {slot[key]!r}")
        plan["rhythm"].append(slot)
    if r.problems:
        raise PlanFileError(r.problems)
    return plan
