"""A plan's day ranges and limits at their edges (found by `make mutate validation`): each problem of
blocks and topics named with its place and figures, the next part still checked after a broken one,
the limits of 500 blocks, a one-day plan's milestones, a plan with no phases, resource block numbers,
and a JSON plan told apart from Markdown by its content or its file name."""

import json

import pytest
from django.utils import translation

from apps.curriculum.parsing import PlanFileError
from apps.curriculum.validation import check_and_layout, from_json, load_plan_bytes, load_plan_file


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def block(start, end, topics=None, title="B"):
    return {"title": title, "start_day": start, "end_day": end,
            "topics": [{"title": "t", "days": max(1, end - start + 1)}] if topics is None else topics}


def plan(blocks, start=1, end=4, **extra):
    return {"title": "T", "phases": [{"title": "P", "start_day": start, "end_day": end, "blocks": blocks}], **extra}


def problems(doc) -> list[str]:
    with pytest.raises(PlanFileError) as caught:
        check_and_layout(from_json(json.dumps(doc)))
    return caught.value.args[0].splitlines() if caught.value.args else []


def laid_out(doc) -> dict:
    return check_and_layout(from_json(json.dumps(doc)))


def test_a_phase_without_blocks_is_named_with_its_days():
    assert problems(plan([])) == ["phases[0]: phase 1 (Day 1-4) has no week blocks"]


def test_an_impossible_block_is_named_and_the_next_block_is_still_checked_on_its_own():
    assert problems(plan([block(3, 2), block(3, 4, [{"title": "a", "days": 9}])])) == [
        "phases[0].blocks[0]: block 1 has an impossible day range Day 3-2",
        "phases[0].blocks[1].topics[0]: topic durations in 'B' add up to 9 days, but the block has 2 days (Day 3-4)",
    ]


def test_overlapping_blocks_and_a_gap_at_the_end_of_a_phase_say_which_days():
    assert problems(plan([block(1, 2), block(2, 4)])) == [
        "phases[0].blocks[1]: block 'B' (Day 2-4) overlaps the block before it, which ends at day 2"
    ]
    assert problems(plan([block(1, 1), block(2, 2)])) == [
        "phases[0].blocks[1]: gap in days: days 3-4 of phase 'P' belong to no block"
    ]


def test_a_block_without_topics_gets_one_named_after_it():
    topics = laid_out(plan([block(1, 4, [])]))["phases"][0]["blocks"][0]["topics"]
    assert topics == [{"title": "B", "days": 4, "points": [], "start_day": 1, "end_day": 4, "number": 1, "key": "1.1"}]


def test_topic_durations_that_do_not_fill_or_overfill_a_block_are_named():
    assert problems(plan([block(1, 4, [{"title": "a", "days": 5}])])) == [
        "phases[0].blocks[0].topics[0]: topic durations in 'B' add up to 5 days, but the block has 4 days (Day 1-4)"
    ]
    assert problems(plan([block(1, 4, [{"title": "a", "days": 3}])])) == [
        "phases[0].blocks[0]: topic durations in 'B' add up to 3 days, but the block has 4 days (Day 1-4); "
        "days 4-4 would belong to no topic"
    ]
    assert problems(plan([block(1, 4, [{"title": "a", "days": 2, "start_day": 1, "end_day": 2},
                                       {"title": "bb", "days": 2, "start_day": 2, "end_day": 3}])])) == [
        "phases[0].blocks[0].topics[1]: topic 'bb' says days 2-3 but its place in the block gives Day 3-4"
    ]


MARKDOWN = """# T

## Phase 1: A

### Week 1 (Day 1-7): W

**Topics**:
1. a

## Phase 2: B (Day 8-14)

### Week 2 (Day 8-14): X

**Topics**:
1. b
2. c (9 days)
"""


def test_markdown_problems_name_their_line_and_a_phase_without_days_does_not_stop_the_check():
    with pytest.raises(PlanFileError) as caught:
        load_plan_bytes(MARKDOWN.encode())
    assert caught.value.args[0].splitlines() == [
        "line 3: phase 'Phase 1: A' has no day range such as （Day 1-30） or (Day 1-30)",
        # Named at the first topic with a stated duration (line 16), not the first topic.
        "line 16: topic durations in 'X' add up to 9 days with 1 more topics still to fit, but the block has 7 days (Day 8-14)",
    ]


def test_five_hundred_blocks_are_a_plan_and_five_hundred_and_one_are_not():
    def of(count):
        return {"title": "T", "phases": [{"title": "P", "start_day": 1, "end_day": count,
                                          "blocks": [block(day, day) for day in range(1, count + 1)]}]}

    assert len(laid_out(of(500))["phases"][0]["blocks"]) == 500
    assert problems(of(501)) == [
        "the plan has 501 days, 501 blocks and 501 topics; a plan has at most 3,650 days, 500 blocks and 2,000 topics"
    ]


def test_a_one_day_plan_has_no_day_two_and_a_plan_without_phases_is_named():
    assert problems(plan([block(1, 1)], end=1, milestones=[{"day": 2, "title": "m"}])) == [
        "milestones[0]: milestone day 2 is outside the plan (days 1-1)"
    ]
    assert problems({"title": "T", "phases": [], "milestones": [{"day": 1, "title": "m"}]}) == ["phases: a plan needs at least one phase"]


def test_day_and_block_numbers_out_of_range_are_named_by_the_field():
    assert problems(plan([block(1, 4)], milestones=[{"day": -1, "title": "m"}])) == ["milestones[0].day: a whole number from 0 to 3650"]
    for number in (0, 501):
        assert problems(plan([block(1, 4)], resources=[{"title": "r", "kind": "paper", "blocks": [number]}])) == [
            "resources[0].blocks[0]: a whole number from 1 to 500"
        ]


def test_json_is_told_from_markdown_by_its_first_character_or_by_the_file_name(tmp_path):
    assert load_plan_bytes(b"  " + json.dumps(plan([block(1, 4)])).encode())["title"] == "T"
    listed = tmp_path / "plan.json"
    listed.write_text("  [1, 2]")
    with pytest.raises(PlanFileError) as caught:
        load_plan_file(listed)
    assert caught.value.args[0] == "line 1: a JSON plan must be an object with title and phases"
