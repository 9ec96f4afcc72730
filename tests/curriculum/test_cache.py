"""The per-process plan cache: read once per plan revision, dropped by any change to the plan."""

import copy

import pytest

from apps.curriculum import cache
from apps.curriculum.models import Milestone, Plan, Slot, Topic
from apps.curriculum.services import save_plan

pytestmark = pytest.mark.django_db


def fresh(plan):
    return Plan.objects.get(pk=plan.pk)  # as a request sees it: the row with its current revision


def test_it_reads_the_plan_once_per_revision(plan, django_assert_num_queries):
    cache.clear()
    row = fresh(plan)
    with django_assert_num_queries(7):  # phases, blocks, topics, projects, milestones, their items, slots
        parts = cache.plan_parts(row)
    assert len(parts.topics) == 55 and len(parts.slots) == 6 and len(parts.phases) == 5
    assert parts.topics[0].block.phase.number == 1  # blocks and phases come with their topics
    with django_assert_num_queries(0):
        assert cache.plan_parts(row) is parts


@pytest.mark.parametrize(
    "change",
    [
        lambda plan: Topic.objects.filter(plan=plan).first().save(),
        lambda plan: Slot.objects.filter(plan=plan).first().delete(),
        lambda plan: Milestone.objects.filter(plan=plan).first().items.first().save(),
    ],
    ids=["topic edited", "slot deleted", "milestone item edited"],
)
def test_a_change_in_the_admin_drops_every_process_copy(plan, change):
    before = cache.plan_parts(fresh(plan))
    change(plan)
    assert fresh(plan).revision > before.revision
    assert cache.plan_parts(fresh(plan)) is not before


def test_an_import_drops_it(plan, seed_data):
    before = cache.plan_parts(fresh(plan))
    data = copy.deepcopy(seed_data)
    data["phases"][0]["blocks"][0]["topics"][0]["title"] = "Renamed"
    save_plan(data, slug="llm", replace=True)
    after = cache.plan_parts(fresh(plan))
    assert after is not before and after.topics[0].title == "Renamed"


def test_topics_handed_out_are_copies(plan):
    parts = cache.plan_parts(fresh(plan))
    mine = parts.topics_on(1)
    mine[0].status = "done"
    assert not hasattr(parts.topics_on(1)[0], "status") and not hasattr(parts.topics[0], "status")
