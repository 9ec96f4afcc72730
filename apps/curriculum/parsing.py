"""Read a study plan written in Markdown (Chinese or English) into plan data.

The output has the same shape as `export_plan`'s JSON (see `validation.py`), plus a private
"_line" on each part so that every later error can name the line it comes from. Nothing here
knows the seed's numbers: phases, blocks, topics, slots and milestones are whatever the file says.

The grammar, by example (each has an English twin):
    # Title                                   first level-1 heading
    > **作者：** …  / > **Author:** …          author, goal (目标), period (周期)
    | 阶段 | 时间 | 核心内容 | 产出 |            phase table: summary and output per phase
    ## 阶段一：基础打牢（Day 1-30）             Phase 1: Foundations (Day 1-30)
    ### 第九-十周（Day 61-74）：预训练语言模型    Weeks 9-10 (Day 61-74): Title
    **目标**：…  **学习内容**：  **实践项目**：  **项目选择**：  **产出要求**：
    1. Topic（3天）   - point                   1. Topic (3 days)
    ## 学习资源推荐 / ### 必读论文 …             ## Resources / ### Papers, Books, Open-source projects, Courses
    ## 每日学习节奏 / ### 工作日 / ### 周末       ## Daily rhythm / ### Weekdays / ### Weekend
    ### 学习建议                                ### Advice
    ## 阶段性里程碑 / ### 30天里程碑 / - [ ] …   ## Milestones / ### 30-day milestone
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100}
NUM = r"[0-9一二两三四五六七八九十百零〇]+"


def parse_number(text: str) -> int | None:
    """An Arabic or Chinese numeral (一, 十二, 二十六, 九十九, 一百零五) as an int, or None."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in CN_DIGITS and ch not in CN_UNITS for ch in text):
        return None
    total, digit = 0, None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


class PlanFileError(Exception):
    """The file cannot be used as a plan; `problems` holds one message per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def decode(raw: bytes) -> str:
    """UTF-8 text (a BOM is fine); anything else is refused with the line of the first bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise PlanFileError([f"line {line}: the file is not UTF-8 text (byte {error.start + 1}); save it as UTF-8"]) from None


# --- patterns -----------------------------------------------------------------------------

# No pattern here has two unbounded repeats that can match the same characters next to each other
# (as `\s*(.*?)\s*#*\s*$` had): each line is matched in time linear or at worst quadratic in its length,
# and lines are at most MAX_LINE characters (checked before parsing, with the plan's other limits).
MAX_LINE = 1000
HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
DECORATION = re.compile(r"^[\W_]+")  # emoji, symbols and punctuation before a heading's words
RANGE = r"(?:Days?|第)?\s*(\d+)\s*(?:天\s*)?(?:[-–—~～至到]\s*(?:Days?|第)?\s*(\d+)\s*(?:天\s*)?)?"
PAREN_RANGE = rf"[（(]\s*{RANGE}[）)]"
# A phase heading: its number here, then (in _phase_parts) an optional title and a day range at the end.
PHASE = re.compile(rf"^(?:阶段\s*({NUM})|第\s*({NUM})\s*阶段|(?:Phase|Stage)\s+(\d+))(?=\s|[:：（(]|$)(.*)$", re.I)
ENDING_RANGE = re.compile(rf"{PAREN_RANGE}$", re.I)
BLOCK = re.compile(
    rf"^(?:第\s*({NUM})\s*(?:[-–—~～至到]\s*第?\s*({NUM})\s*)?周|Weeks?\s+(\d+)(?:\s*[-–—]\s*(\d+))?)"
    rf"\s*(?:{PAREN_RANGE}\s*)?(?:[:：]\s*(.*))?$",
    re.I,
)
BOLD_LABEL = re.compile(r"^\*\*(.+?)\*\*\s*[:：]?\s*(.*)$")
NUMBERED = re.compile(r"^(\s*)(\d+)[.)、]\s+(.*)$")
BULLET = re.compile(r"^(\s*)[-*+]\s+(?:\[[ xX]\]\s+)?(.*)$")
CHECKBOX = re.compile(r"^\s*[-*+]\s+\[[ xX]\]\s+")
DURATION = re.compile(
    rf"\s*[（(]\s*({NUM})\s*(天|日|周|星期|days?|weeks?)\s*[）)]\s*$",
    re.I,
)
TIME_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–—~～至到]\s*(\d{1,2}):(\d{2})\s*[:：]?\s*(.*)$")
PART_OF_DAY = re.compile(r"^(上午|早上|早晨|中午|下午|晚上|傍晚|morning|afternoon|evening|night)\s*[:：]\s*(.*)$", re.I)
PART_TIMES = {
    "上午": ("09:00", "12:00"), "早上": ("09:00", "12:00"), "早晨": ("09:00", "12:00"), "morning": ("09:00", "12:00"),
    "中午": ("12:00", "13:00"),
    "下午": ("14:00", "17:00"), "afternoon": ("14:00", "17:00"),
    "晚上": ("20:00", "22:00"), "傍晚": ("20:00", "22:00"), "evening": ("20:00", "22:00"), "night": ("20:00", "22:00"),
}
MILESTONE = re.compile(
    r"^(?:(\d+)\s*天\s*里程碑|(\d+)[-\s]days?\s+milestones?|(?:Day|第)\s*(\d+)\s*天?\s*(?:milestones?|里程碑)"
    r"|里程碑\s*[（(]?\s*(?:Day|第)\s*(\d+)\s*天?\s*[）)]?)(.*)$",
    re.I,
)
META_LABELS = {
    "作者": "author", "author": "author", "目标": "goal", "goal": "goal",
    "周期": "period", "period": "period", "duration": "period",
    "最后更新": "updated", "更新": "updated", "更新日期": "updated", "last updated": "updated", "updated": "updated",
}
# A route overview's steps: the labelled nodes of a mermaid graph ("A[Python基础] --> B[机器学习基础]"), in order.
ROUTE_NODE = re.compile(r"\b\w{1,20}\s*[\[(]{1,2}([^\[\]()]{1,100})[\])]{1,2}")

SECTION_NAMES = {
    "resources": ("学习资源", "资源", "resources", "learning resources", "recommended resources"),
    "rhythm": ("每日学习节奏", "学习节奏", "daily rhythm", "daily schedule", "rhythm"),
    "milestones": ("阶段性里程碑", "里程碑", "milestones"),
    "advice": ("学习建议", "建议", "advice", "learning advice", "tips", "study tips"),
    "route": ("学习路线概览", "学习路线", "路线概览", "route overview", "learning route", "roadmap", "route"),
    "mindset": ("学习心态", "心态", "mindset", "learning mindset"),
}
RESOURCE_KINDS = {
    "paper": ("必读论文", "论文", "papers", "paper", "must-read papers"),
    "book": ("必读书籍", "书籍", "books", "book", "must-read books"),
    "project": ("开源项目", "open-source projects", "open source projects", "projects"),
    "course": ("在线课程", "课程", "courses", "online courses", "course"),
}
BLOCK_LABELS = {
    "goal": ("目标", "goal", "goals"),
    "topics": ("学习内容", "topics", "learning content", "content"),
    "projects": ("实践项目", "practice projects", "practice project", "projects"),
    "choices": ("项目选择", "project options", "project choices", "options"),
    "deliverables": ("产出要求", "deliverables", "required deliverables"),
}
TABLE_COLUMNS = {
    "phase": ("阶段", "phase", "stage"),
    "days": ("时间", "days", "time", "period"),
    "summary": ("核心内容", "core content", "focus", "content", "summary"),
    "output": ("产出", "output", "outputs", "deliverable"),
}


def _lookup(text: str, names: dict[str, tuple[str, ...]], *, prefix: bool = False) -> str | None:
    """Which of `names` the text is (a heading or a bold label), ignoring case, colons and a
    bracketed aside such as （周一至周五）, (10) or 【免费】; with prefix, '学习资源推荐' is '学习资源'."""
    key = text.strip().strip("*：:").strip().lower()
    key = re.sub(r"[（(【\[].*?[）)】\]]", "", key).strip()
    key = re.sub(r"^(?:[一二三四五六七八九十]{1,3}|\d{1,3})[、.．]\s*", "", key)  # "一、学习路线概览", "1. Route"
    for name, spellings in names.items():
        if key in spellings or (prefix and key.startswith(spellings)):
            return name
    return None


def _strip_markup(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), text).strip()


def _hhmm(hour: str, minute: str) -> str | None:
    h, m = int(hour), int(minute)
    if h == 24 and m == 0:
        return "00:00"
    if h > 23 or m > 59:
        return None
    return f"{h:02d}:{m:02d}"


# --- the reader -----------------------------------------------------------------------------


@dataclass
class _State:
    section: str | None = None  # None, "phases", "resources", "rhythm", "milestones", "advice", "other"
    phase: dict | None = None
    block: dict | None = None
    mode: str | None = None  # in a block: "topics", "projects", "choices", "deliverables", "bare"
    topic: dict | None = None
    topic_indent: int = 0
    resource_kind: str | None = None
    rhythm_days: str | None = None
    milestone: dict | None = None
    table: list[tuple[int, list[str]]] = field(default_factory=list)


def _phase_parts(rest: str) -> tuple[str, str | None, str | None] | None:
    """What follows a phase's number: an optional "：title" and an optional day range at the end; None
    when it is something else (then the heading is no phase)."""
    rest = rest.strip()
    start = end = None
    ending = ENDING_RANGE.search(rest)
    if ending:
        start, end = ending.group(1), ending.group(2)
        rest = rest[: ending.start()].rstrip()
    if rest[:1] in (":", "："):
        return rest[1:].strip(), start, end
    return ("", start, end) if not rest else None


def check_size(text: str) -> None:
    """Refuse, before any parsing, a plan text with a line longer than MAX_LINE characters or a NUL."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > MAX_LINE:
            problems.append(f"line {number}: longer than {MAX_LINE:,} characters ({len(line):,}); no plan line is that long")
        if "\x00" in line:
            problems.append(f"line {number}: a NUL character; this is not a plain text plan")
        if len(problems) >= 20:
            break
    if problems:
        raise PlanFileError(problems)


def parse_markdown(text: str) -> dict:
    """Plan data from Markdown text; raises PlanFileError listing every problem found."""
    plan = {
        "title": "", "author": "", "goal": "", "period": "",
        "updated": "", "route": [], "mindset": [],
        "phases": [], "resources": [], "milestones": [], "rhythm": [], "advice": [],
        "_phase_table": [], "_line": 1,
    }
    problems: list[str] = []
    st = _State()
    lines = text.splitlines()

    def flush_table():
        if st.table:
            _read_phase_table(st.table, plan, problems)
            st.table = []

    fence = None
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        stripped = line.strip()
        if fence is not None:  # inside a ``` block (a mermaid chart, code): only a route overview's graph is read
            if stripped.startswith(fence):
                fence = None
            elif st.section == "route":
                for label in ROUTE_NODE.findall(stripped):
                    label = label.strip()
                    if label and label not in plan["route"]:
                        plan["route"].append(label)
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        if stripped.startswith("|"):
            st.table.append((number, [cell.strip() for cell in stripped.strip("|").split("|")]))
            continue
        flush_table()
        if not stripped:
            continue

        heading = HEADING.match(line)
        if heading:
            # The title without a closing run of #s (CommonMark's "## Title ##"), as plain string work.
            title = heading.group(2).rstrip().rstrip("#").rstrip()
            level, words = len(heading.group(1)), DECORATION.sub("", _strip_markup(title))
            _heading(level, words, raw=title, number=number, plan=plan, st=st, problems=problems)
            continue

        if st.section is None and stripped.startswith(">"):
            _meta_line(stripped.lstrip(">").strip(), plan)
            continue
        if st.section == "mindset":
            text = stripped.lstrip(">").strip()
            item = _list_item(text)
            if (item is not None or text) and not re.fullmatch(r"[-*_]{3,}", text):
                plan["mindset"].append(_strip_markup(item if item is not None else text))
            continue
        if st.block is not None:
            _block_line(line, number, st, problems)
        elif st.section == "resources" and st.resource_kind:
            item = _list_item(line)
            if item is not None:
                plan["resources"].append(_resource(item, st.resource_kind, number))
        elif st.section == "rhythm" and st.rhythm_days:
            item = _list_item(line)
            if item is not None:
                _rhythm_line(item, number, st.rhythm_days, plan, problems)
        elif st.section == "advice":
            item = _list_item(line)
            if item is not None:
                plan["advice"].append(_strip_markup(item))
        elif st.section == "milestones" and st.milestone is not None:
            item = _list_item(line)
            if item is not None:
                st.milestone["items"].append(_strip_markup(item))
    flush_table()

    if not plan["title"]:
        problems.insert(0, "line 1: no title: a plan starts with a '# Title' heading")
    if not plan["phases"]:
        problems.append(
            "line 1: no phases found: a plan needs headings such as '## 阶段一：基础（Day 1-30）' or '## Phase 1: Basics (Day 1-30)'"
        )
        raise PlanFileError(problems)
    _attach_phase_table(plan)
    # Line-level problems travel with the data so the structural check can add its own to one report.
    plan["_problems"] = problems
    return plan


def _heading(level, words, *, raw, number, plan, st, problems):
    st.topic = None
    if level == 1 and not plan["title"]:
        plan["title"] = DECORATION.sub("", _strip_markup(raw)).strip()
        plan["_line"] = number
        return

    phase = PHASE.match(words)
    parts = _phase_parts(phase.group(4)) if phase else None
    if parts is not None and level <= 3:
        title, start, end = parts
        st.phase = {
            "number": len(plan["phases"]) + 1, "title": title or words, "start_day": None, "end_day": None,
            "summary": "", "output": "", "blocks": [], "_line": number,
            "_stated": parse_number(phase.group(1) or phase.group(2) or phase.group(3) or ""),
        }
        if start is None:
            problems.append(f"line {number}: phase '{words}' has no day range such as （Day 1-30） or (Day 1-30)")
        else:
            st.phase["start_day"], st.phase["end_day"] = int(start), int(end or start)
        plan["phases"].append(st.phase)
        st.section, st.block, st.mode = "phases", None, None
        return

    block = BLOCK.match(words)
    if block and st.section in (None, "phases"):
        start, end = block.group(5), block.group(6)
        title = (block.group(7) or "").strip() or words
        if st.phase is None:
            problems.append(f"line {number}: week block '{words}' comes before any phase heading")
            return
        blocks_so_far = sum(len(p["blocks"]) for p in plan["phases"])
        st.block = {
            "number": blocks_so_far + 1, "title": title, "start_day": None, "end_day": None, "goal": "",
            "topics": [], "projects": [], "choices": [], "deliverables": [], "_line": number,
        }
        if start is None:
            problems.append(f"line {number}: week block '{words}' has no day range such as （Day 1-7） or (Day 1-7)")
        else:
            st.block["start_day"], st.block["end_day"] = int(start), int(end or start)
        st.phase["blocks"].append(st.block)
        st.mode = None
        return

    if level <= 3 and st.block is not None and level >= 3:
        # Another level-3 heading inside a phase ends the block (e.g. a note), but stays in the phase.
        st.block = None
    section = _lookup(words, SECTION_NAMES, prefix=True)
    if section:
        st.section, st.block, st.mode = section, None, None
        st.resource_kind = st.rhythm_days = st.milestone = None
        if section != "phases":
            st.phase = None if level <= 2 else st.phase
        return
    if st.section == "resources" and level >= 3:
        st.resource_kind = _lookup(words, RESOURCE_KINDS)
        return
    if st.section == "rhythm" and level >= 3:
        lowered = words.lower()
        if lowered.startswith(("工作日", "weekday", "workday")):
            st.rhythm_days = "weekday"
        elif lowered.startswith(("周末", "weekend")):
            st.rhythm_days = "weekend"
        else:
            st.rhythm_days = None
        return
    milestone = MILESTONE.match(words)
    if milestone and (st.section == "milestones" or level >= 3):
        st.section = "milestones"
        day = next(int(g) for g in milestone.groups()[:4] if g)
        st.milestone = {"day": day, "title": words, "items": [], "_line": number}
        plan["milestones"].append(st.milestone)
        return
    if level <= 2:
        st.section, st.phase, st.block, st.mode = "other", None, None, None
    elif st.section == "milestones":
        st.milestone = None


def _meta_line(text: str, plan: dict) -> None:
    match = BOLD_LABEL.match(text)
    if match:
        label, value = match.group(1).strip().rstrip(":：").strip(), match.group(2)
    elif re.match(r"^[^:：]{1,12}[:：]", text):
        label, value = re.split(r"[:：]", text, maxsplit=1)
    else:
        return
    key = META_LABELS.get(label.strip().lower())
    if key and not plan[key]:
        plan[key] = _strip_markup(value).strip()


def _list_item(line: str) -> str | None:
    match = NUMBERED.match(line) or BULLET.match(line)
    if not match:
        return None
    return match.groups()[-1].strip()


def _split_duration(title: str) -> tuple[str, int | None, str | None]:
    """'Python核心语法（3天）' → ('Python核心语法', 3, None); a duration unit other than days or weeks is kept as text."""
    match = DURATION.search(title)
    if not match:
        return title.strip(), None, None
    count = parse_number(match.group(1))
    if count is None or count == 0:
        return title.strip(), None, f"duration '{match.group(0).strip()}' is not a positive number of days or weeks"
    unit = match.group(2).lower()
    days = count * 7 if unit in ("周", "星期", "week", "weeks") else count
    return title[: match.start()].strip(), days, None


def _block_line(line: str, number: int, st: _State, problems: list[str]) -> None:
    stripped = line.strip()
    label = BOLD_LABEL.match(stripped)
    if label:
        kind = _lookup(label.group(1), BLOCK_LABELS)
        if kind:
            rest = label.group(2).strip()
            st.topic = None
            if kind == "goal":
                st.block["goal"] = _strip_markup(rest)
                st.mode = None
            else:
                st.mode = kind
                if rest:  # "**实践项目**：搭建知识库" on one line
                    _block_entry(rest, 0, number, st, problems, numbered=False)
            return
    numbered, bullet = NUMBERED.match(line), BULLET.match(line)
    match = numbered or bullet
    if not match:
        return
    indent = len(match.group(1).expandtabs(4))
    text = match.groups()[-1].strip()
    _block_entry(text, indent, number, st, problems, numbered=bool(numbered))


def _block_entry(text, indent, number, st, problems, *, numbered):
    mode = st.mode
    if mode is None:
        # Bare bullets under a block with no "学习内容" header are its topics (see 第十七周 in the seed).
        mode = st.mode = "bare"
    if mode in ("topics", "bare"):
        if st.topic is not None and indent > st.topic_indent:
            st.topic["points"].append(_strip_markup(text))
            return
        title, days, problem = _split_duration(_strip_markup(text))
        if problem:
            problems.append(f"line {number}: {problem}")
        st.topic = {"title": title, "days": days, "points": [], "_line": number}
        st.topic_indent = indent
        st.block["topics"].append(st.topic)
        return
    if indent > 0 and st.block[mode]:
        # A sub-point under a project line belongs to that line.
        st.block[mode][-1] += "；" + _strip_markup(text)
        return
    st.block[mode].append(_strip_markup(text))


def _resource(item: str, kind: str, number: int) -> dict:
    bold = re.match(r"^\*\*(.+?)\*\*\s*(?:[-–—:：]\s*(.*))?$", item)
    if bold:
        title, note = bold.group(1), bold.group(2) or ""
    else:
        parts = re.split(r"\s+[-–—]\s+|(?<=》)\s*[-–—]\s*|(?<=\*\*)\s*[-–—]\s*", item, maxsplit=1)
        title, note = parts[0], parts[1] if len(parts) > 1 else ""
    return {"kind": kind, "title": _strip_markup(title).strip(), "note": _strip_markup(note).strip(), "_line": number}


def _rhythm_line(item: str, number: int, days: str, plan: dict, problems: list[str]) -> None:
    item = _strip_markup(item)
    slot_number = sum(1 for slot in plan["rhythm"] if slot["days"] == days) + 1
    timed = TIME_RANGE.match(item)
    if timed:
        start, end = _hhmm(timed.group(1), timed.group(2)), _hhmm(timed.group(3), timed.group(4))
        if start is None or end is None:
            problems.append(f"line {number}: '{item}' has a time that does not exist (use 00:00 to 23:59)")
            return
        activity = timed.group(5).strip()
    else:
        part = PART_OF_DAY.match(item)
        if not part:
            problems.append(
                f"line {number}: rhythm line '{item}' needs a time range such as '06:00-07:00：…' or a part of the day such as '上午：…'"
            )
            return
        start, end = PART_TIMES[part.group(1).lower()]
        activity = part.group(2).strip()
    plan["rhythm"].append({"days": days, "slot": slot_number, "start": start, "end": end, "activity": activity, "_line": number})


def _read_phase_table(rows: list[tuple[int, list[str]]], plan: dict, problems: list[str]) -> None:
    """Keep the phase table's summary and output columns; they are attached to phases at the end."""
    header_line, header = rows[0]
    columns = {}
    for index, cell in enumerate(header):
        name = _lookup(_strip_markup(cell), TABLE_COLUMNS)
        if name and name not in columns:
            columns[name] = index
    if "summary" not in columns and "output" not in columns:
        return  # some other table: not ours to read
    for number, cells in rows[1:]:
        if all(set(cell) <= set("-: ") for cell in cells):
            continue  # the |---| separator row
        def cell(name, cells=cells):
            index = columns.get(name)
            return _strip_markup(cells[index]) if index is not None and index < len(cells) else ""

        stated = re.search(rf"(?:阶段|Phase|Stage)\s*({NUM})|第\s*({NUM})\s*阶段", cell("phase"), re.I)
        days = re.search(r"(\d+)\s*[-–—~～至到]\s*(\d+)", cell("days"))
        plan["_phase_table"].append({
            "number": parse_number(next(g for g in stated.groups() if g)) if stated else None,
            "days": (int(days.group(1)), int(days.group(2))) if days else None,
            "summary": cell("summary"), "output": cell("output"), "_line": number,
        })


def _attach_phase_table(plan: dict) -> None:
    for row in plan.pop("_phase_table"):
        for phase in plan["phases"]:
            same_number = row["number"] is not None and row["number"] == phase["_stated"]
            same_days = row["days"] is not None and row["days"] == (phase["start_day"], phase["end_day"])
            if same_number or (row["number"] is None and same_days):
                phase["summary"], phase["output"] = row["summary"], row["output"]
                break
    for phase in plan["phases"]:
        phase.pop("_stated", None)
