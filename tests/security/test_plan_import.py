"""Items 4, 10 and 11 (the importer): no regex backtracks badly on a long line, lines and plans have
limits checked before parsing, a NUL byte is a 'line N:' problem, and the limits keep every feed and
page of a plan bounded."""

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.curriculum.parsing import MAX_LINE, PlanFileError
from apps.curriculum.validation import MAX_TOPICS, load_plan_bytes
from tests.conftest import SEED

SEED_BYTES = SEED.read_bytes()
PREFIXES = ["# ", "## ", "## Phase 1", "## 阶段一", "### Week 1", "### 第一周", "1. ", "- 06:00-07:00", "**Goal**", "### 30天里程碑", "> "]


def finishes(data: bytes, seconds: float = 60) -> str:
    """Import `data` in a thread; 'ok', 'refused' or 'hung' (a generous watchdog, not a timing)."""
    outcome = []

    def run():
        try:
            load_plan_bytes(data, is_json=False)
            outcome.append("ok")
        except PlanFileError:
            outcome.append("refused")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    return outcome[0] if outcome else "hung"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_long_line_of_spaces_imports_or_is_refused_at_once(prefix):
    line = (prefix + " " * (MAX_LINE - len(prefix) - 1) + "x").encode()
    assert finishes(SEED_BYTES + b"\n" + line + b"\n") in ("ok", "refused")


@settings(max_examples=60, deadline=None)
@given(prefix=st.sampled_from(PREFIXES), filler=st.sampled_from([" ", "\t", "#", "(", "（", "1", "天", ":", "-", " (Day 1"]),
       length=st.integers(1, MAX_LINE - 20), tail=st.sampled_from(["", "x", ")", "）", "#", "(Day 1-30)"]))
def test_generated_long_lines_always_finish(prefix, filler, length, tail):
    line = (prefix + filler * (length // len(filler)) + tail)[:MAX_LINE]
    assert finishes(SEED_BYTES + b"\n" + line.encode() + b"\n") in ("ok", "refused")


def test_a_line_over_the_limit_is_refused_by_number():
    with pytest.raises(PlanFileError) as refused:
        load_plan_bytes(SEED_BYTES + b"\n# " + b" " * 6000 + b"x\n", is_json=False)
    assert refused.value.problems[0].startswith("line 434: longer than 1,000 characters")


def test_a_nul_byte_is_a_line_problem():
    with pytest.raises(PlanFileError) as refused:
        load_plan_bytes(SEED_BYTES + "\n- 阶段\x00一\n".encode(), is_json=False)
    assert refused.value.problems == ["line 434: a NUL character; this is not a plain text plan"]


def test_a_plan_with_too_many_topics_is_refused_before_anything_is_written():
    topics = "\n".join(f"{i}. T{i} (1 day)" for i in range(1, MAX_TOPICS + 2))
    plan = f"# Huge\n## Phase 1: All (Day 1-{MAX_TOPICS + 1})\n### Week 1 (Day 1-{MAX_TOPICS + 1}): All\n**Topics**\n{topics}\n"
    with pytest.raises(PlanFileError) as refused:
        load_plan_bytes(plan.encode(), is_json=False)
    assert "at most 3,650 days, 500 blocks and 2,000 topics" in refused.value.problems[0]
