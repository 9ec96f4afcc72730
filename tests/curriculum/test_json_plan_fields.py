"""A JSON plan (export_plan's shape) is read field by field: the optional ones may be left out, and each
field of the wrong kind is named by its path, all in one pass (apps/curriculum/validation.py from_json)."""

import json

import pytest
from django.utils import translation

from apps.curriculum.parsing import PlanFileError
from apps.curriculum.validation import from_json

MINIMAL = {"title": "T", "phases": [{"title": "P", "start_day": 1, "end_day": 2, "blocks": [
    {"title": "B", "start_day": 1, "end_day": 2, "topics": [{"title": "t", "days": 2}]}]}]}
BAD = {"title": 5, "author": 5, "goal": 5, "period": 5, "updated": 5, "advice": "x", "route": [1], "mindset": {},
       "phases": [{"title": 1, "start_day": "a", "end_day": None, "summary": 3, "output": 4, "blocks": [
           {"title": [], "start_day": "x", "end_day": "y", "goal": 1, "projects": 1, "choices": 2, "deliverables": 3,
            "topics": [{"title": 1, "days": 0, "start_day": "s", "end_day": "e", "points": 7}]}]}],
       "resources": [{"kind": "film", "title": 1, "note": 2, "blocks": ["a"], "topics": 3}],
       "milestones": [{"day": "d", "title": 1, "items": 2}],
       "rhythm": [{"days": "holiday", "slot": "s", "start": "25:00", "end": 1, "activity": 2}]}


@pytest.fixture(autouse=True)
def _english():
    """The messages are translated: read them in English whatever an earlier test left active."""
    with translation.override("en"):
        yield


def problems_of(doc) -> list[str]:
    with pytest.raises(PlanFileError) as caught:
        from_json(json.dumps(doc))
    return caught.value.problems if hasattr(caught.value, "problems") else caught.value.args[0]


def test_only_title_phases_blocks_and_topics_are_required():
    plan = from_json(json.dumps(MINIMAL))
    assert {k: plan[k] for k in ("slug", "author", "goal", "period", "updated", "advice", "route", "mindset")} == {
        "slug": "", "author": "", "goal": "", "period": "", "updated": "", "advice": [], "route": [], "mindset": [],
    }
    phase = plan["phases"][0]
    assert (phase["number"], phase["summary"], phase["output"]) == (1, "", "")
    block = phase["blocks"][0]
    assert (block["number"], block["goal"], block["projects"], block["choices"], block["deliverables"]) == (1, "", [], [], [])
    assert block["topics"] == [{"title": "t", "days": 2, "start_day": None, "end_day": None, "points": []}]
    assert (plan["resources"], plan["milestones"], plan["rhythm"]) == ([], [], [])


def test_blocks_are_numbered_across_phases_and_optional_parts_are_read():
    doc = json.loads(json.dumps(MINIMAL))
    doc["phases"].append({"title": "Q", "start_day": 3, "end_day": 4, "summary": "s", "output": "o", "blocks": [
        {"title": "C", "start_day": 3, "end_day": 4, "goal": "g", "projects": ["p"], "choices": ["c"], "deliverables": ["d"]}]})
    doc.update(slug="s", author="a", advice=["x"], route=["r"], mindset=["m"], updated="2026-01-01",
               resources=[{"kind": "paper", "title": "BERT", "note": "n", "blocks": [1], "topics": ["1.1"]}, {"kind": "book", "title": "B"}],
               milestones=[{"day": 2, "title": "M", "items": ["i"]}],
               rhythm=[{"days": "weekend", "slot": 1, "start": "09:00", "end": "12:00", "activity": "read"}])
    plan = from_json(json.dumps(doc))
    assert [b["number"] for p in plan["phases"] for b in p["blocks"]] == [1, 2]
    assert [p["number"] for p in plan["phases"]] == [1, 2]
    second = plan["phases"][1]
    assert (second["summary"], second["output"], second["blocks"][0]["goal"], second["blocks"][0]["topics"]) == ("s", "o", "g", [])
    assert (plan["slug"], plan["author"], plan["advice"], plan["route"], plan["mindset"]) == ("s", "a", ["x"], ["r"], ["m"])
    assert plan["resources"] == [{"kind": "paper", "title": "BERT", "note": "n", "blocks": [1], "topics": ["1.1"]},
                                 {"kind": "book", "title": "B", "note": ""}]
    assert plan["milestones"] == [{"day": 2, "title": "M", "items": ["i"]}]
    assert plan["rhythm"] == [{"days": "weekend", "slot": 1, "start": "09:00", "end": "12:00", "activity": "read"}]


def test_every_field_of_the_wrong_kind_is_named_by_its_path_in_one_pass():
    assert problems_of(BAD) == EXPECTED


@pytest.mark.parametrize("doc, expected", [
    ({"title": "T"}, ["phases: missing"]),
    ({"title": "T", "phases": [{"title": "P", "start_day": 1, "end_day": 2}]}, ["phases[0].blocks: missing"]),
    ({"phases": MINIMAL["phases"]}, ["plan.title: missing"]),
])
def test_the_required_parts_are_named_when_missing(doc, expected):
    assert problems_of(doc) == expected


@pytest.mark.parametrize("text, expected", [
    ("{\n  \"title\": ", "line 2: not valid JSON"),
    ("[1, 2]", "line 1: a JSON plan must be an object with title and phases"),
])
def test_text_that_is_not_a_json_object_is_refused_with_its_line(text, expected):
    with pytest.raises(PlanFileError) as caught:
        from_json(text)
    problems = caught.value.problems if hasattr(caught.value, "problems") else caught.value.args[0]
    assert len(problems) == 1 and problems[0].startswith(expected)


EXPECTED = [
    'plan.title: expected text, got 5',
    'plan.author: expected text, got 5',
    'plan.goal: expected text, got 5',
    'plan.period: expected text, got 5',
    'plan.advice: expected a list, got "x"',
    'plan.updated: expected text, got 5',
    'plan.route[0]: expected text, got 1',
    'plan.mindset: expected a list, got {}',
    'phases[0].title: expected text, got 1',
    'phases[0].start_day: expected a whole number, got "a"',
    'phases[0].end_day: expected a whole number, got null',
    'phases[0].summary: expected text, got 3',
    'phases[0].output: expected text, got 4',
    'phases[0].blocks[0].title: expected text, got []',
    'phases[0].blocks[0].start_day: expected a whole number, got "x"',
    'phases[0].blocks[0].end_day: expected a whole number, got "y"',
    'phases[0].blocks[0].goal: expected text, got 1',
    'phases[0].blocks[0].projects: expected a list, got 1',
    'phases[0].blocks[0].choices: expected a list, got 2',
    'phases[0].blocks[0].deliverables: expected a list, got 3',
    'phases[0].blocks[0].topics[0].days: a whole number from 1 to 3650',
    'phases[0].blocks[0].topics[0].title: expected text, got 1',
    'phases[0].blocks[0].topics[0].start_day: expected a whole number, got "s"',
    'phases[0].blocks[0].topics[0].end_day: expected a whole number, got "e"',
    'phases[0].blocks[0].topics[0].points: expected a list, got 7',
    'resources[0].kind: must be one of paper, book, project, course, got "film"',
    'resources[0].title: expected text, got 1',
    'resources[0].note: expected text, got 2',
    'resources[0].blocks[0]: expected a whole number, got "a"',
    'resources[0].topics: expected a list, got 3',
    'milestones[0].day: expected a whole number, got "d"',
    'milestones[0].title: expected text, got 1',
    'milestones[0].items: expected a list, got 2',
    'rhythm[0].days: must be one of weekday, weekend, got "holiday"',
    'rhythm[0].slot: expected a whole number, got "s"',
    'rhythm[0].end: expected text, got 1',
    'rhythm[0].activity: expected text, got 2',
    "rhythm[0].start: must be a time HH:MM, got '25:00'",
]
