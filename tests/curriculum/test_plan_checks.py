"""A plan's checks beyond the shape of its fields (apps/curriculum/validation.py check_and_layout): every
text fits its column, milestones fall inside the plan and once a day, slots have a length and a number
of their own, resources link to blocks and topics the plan has, phases have possible day ranges. Each
problem is named by its path, all in one pass; a one-day plan is fine."""

import copy
import json

import pytest
from django.utils import translation

from apps.curriculum import models
from apps.curriculum.parsing import PlanFileError
from apps.curriculum.validation import check_and_layout, from_json

BASE = {"title": "T", "phases": [{"title": "P", "start_day": 1, "end_day": 4, "blocks": [
    {"title": "B", "start_day": 1, "end_day": 4, "topics": [{"title": "t", "days": 4}]}]}]}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def too_long(model, name="text"):
    return "x" * (model._meta.get_field(name).max_length + 1)


def problems_of(doc):
    with pytest.raises(PlanFileError) as caught:
        check_and_layout(from_json(json.dumps(doc)))
    return caught.value.problems if hasattr(caught.value, "problems") else caught.value.args[0]


def test_every_text_past_its_column_is_named():
    doc = copy.deepcopy(BASE)
    doc.update({name: too_long(models.Plan, name) for name in ("title", "author", "goal", "period", "updated")})
    doc["phases"][0].update({name: too_long(models.Phase, name) for name in ("title", "summary", "output")})
    block = doc["phases"][0]["blocks"][0]
    block.update(title=too_long(models.Block, "title"), goal=too_long(models.Block, "goal"),
                 projects=["ok", too_long(models.BlockItem)], choices=[too_long(models.BlockItem)], deliverables=[too_long(models.BlockItem)])
    block["topics"][0]["title"] = too_long(models.Topic, "title")
    doc["resources"] = [{"kind": "paper", "title": too_long(models.Resource, "title"), "note": too_long(models.Resource, "note")}]
    doc["milestones"] = [{"day": 1, "title": too_long(models.Milestone, "title"), "items": [too_long(models.MilestoneItem)]}]
    doc["rhythm"] = [{"days": "weekday", "slot": 1, "start": "06:00", "end": "07:00", "activity": too_long(models.Slot, "activity")}]
    assert problems_of(doc) == LONG


def test_milestones_slots_and_resource_links_are_checked():
    doc = copy.deepcopy(BASE)
    doc["milestones"] = [{"day": 1, "title": "first"}, {"day": 4, "title": "last"}, {"day": 4, "title": "again"},
                         {"day": 0, "title": "zero"}, {"day": 5, "title": "after"}]
    doc["rhythm"] = [{"days": "weekday", "slot": 1, "start": "06:00", "end": "06:00"},
                     {"days": "weekday", "slot": 1, "start": "07:00", "end": "08:00"},
                     {"days": "weekend", "slot": 1, "start": "07:00", "end": "08:00"}]
    doc["resources"] = [{"kind": "paper", "title": "", "blocks": [1, 2], "topics": ["1.1", "9.9"]}]
    assert problems_of(doc) == OTHER


def test_a_phase_with_an_impossible_range_is_named_and_the_next_is_not_blamed_for_it():
    doc = copy.deepcopy(BASE)
    doc["phases"].append({"title": "Q", "start_day": 6, "end_day": 5, "blocks": [{"title": "C", "start_day": 6, "end_day": 5}]})
    doc["phases"].append({"title": "R", "start_day": 7, "end_day": 8, "blocks": [
        {"title": "D", "start_day": 7, "end_day": 8, "topics": [{"title": "u", "days": 2}]}]})
    assert problems_of(doc) == PHASES


def test_a_one_day_plan_with_a_milestone_on_day_one_is_fine():
    doc = copy.deepcopy(BASE)
    doc["phases"][0]["end_day"] = doc["phases"][0]["blocks"][0]["end_day"] = 1
    doc["phases"][0]["blocks"][0]["topics"][0]["days"] = 1
    doc["milestones"] = [{"day": 1, "title": "m"}]
    plan = check_and_layout(from_json(json.dumps(doc)))
    assert plan["total_days"] == 1 and plan["milestones"][0]["day"] == 1


LONG = [
    'plan: the title has 301 characters; at most 300',
    'plan: the author has 201 characters; at most 200',
    'plan: the goal has 501 characters; at most 500',
    'plan: the period has 201 characters; at most 200',
    'plan: the updated has 51 characters; at most 50',
    'phases[0]: the title has 301 characters; at most 300',
    'phases[0]: the summary has 501 characters; at most 500',
    'phases[0]: the output has 501 characters; at most 500',
    'phases[0].blocks[0]: the title has 301 characters; at most 300',
    'phases[0].blocks[0]: the goal has 501 characters; at most 500',
    'phases[0].blocks[0]: projects[1] has 501 characters; at most 500',
    'phases[0].blocks[0]: choices[0] has 501 characters; at most 500',
    'phases[0].blocks[0]: deliverables[0] has 501 characters; at most 500',
    'phases[0].blocks[0].topics[0]: the title has 301 characters; at most 300',
    'resources[0]: the title has 301 characters; at most 300',
    'resources[0]: the note has 501 characters; at most 500',
    'milestones[0]: the title has 301 characters; at most 300',
    'milestones[0]: items[0] has 501 characters; at most 500',
    'rhythm[0]: the activity has 301 characters; at most 300',
]
OTHER = [
    'milestones[2]: a second milestone for day 4',
    'milestones[3]: milestone day 0 is outside the plan (days 1-4)',
    'milestones[4]: milestone day 5 is outside the plan (days 1-4)',
    'rhythm[0]: slot 06:00-06:00 has no length',
    'rhythm[1]: a second weekday slot numbered 1',
    'resources[0]: a resource without a title',
    'resources[0]: links to block 2, which the plan does not have',
    'resources[0]: links to topic 9.9, which the plan does not have',
]
PHASES = [
    'phases[1]: phase 2 has an impossible day range Day 6-5',
]
