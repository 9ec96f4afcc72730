"""The per-process plan cache: read once per plan revision, dropped by any change to the plan.

The plan is the only thing Cadence caches, so every door through which a plan changes is tried
here: a save of the plan row itself, a save or delete of each of its models, a change of a
resource's links, the admin's change form, and import_plan --replace."""

import copy

import pytest

from apps.curriculum import cache
from apps.curriculum.models import Block, BlockItem, Milestone, MilestoneItem, Phase, Plan, Resource, Slot, Topic
from apps.curriculum.services import save_plan
from tests.conftest import form_values

pytestmark = pytest.mark.django_db


def fresh(plan):
    return Plan.objects.get(pk=plan.pk)  # as a request sees it: the row with its current revision


def test_it_reads_the_plan_once_per_revision(plan, django_assert_num_queries):
    cache.clear()
    row = fresh(plan)
    # phases, blocks, topics, projects, milestones, their items, papers with their blocks and topics, slots
    with django_assert_num_queries(10):
        parts = cache.plan_parts(row)
    assert len(parts.topics) == 55 and len(parts.slots) == 6 and len(parts.phases) == 5
    assert parts.topics[0].block.phase.number == 1  # blocks and phases come with their topics
    with django_assert_num_queries(0):
        assert cache.plan_parts(row) is parts


@pytest.mark.parametrize(
    "change",
    [
        lambda plan: Plan.objects.get(pk=plan.pk).save(),
        lambda plan: Phase.objects.filter(plan=plan).first().save(),
        lambda plan: Block.objects.filter(plan=plan).first().save(),
        lambda plan: Topic.objects.filter(plan=plan).first().save(),
        lambda plan: BlockItem.objects.filter(block__plan=plan).first().save(),
        lambda plan: BlockItem.objects.filter(block__plan=plan).first().delete(),
        lambda plan: Slot.objects.filter(plan=plan).first().delete(),
        lambda plan: Slot.objects.filter(plan=plan).first().save(),
        lambda plan: Milestone.objects.filter(plan=plan).first().save(),
        lambda plan: MilestoneItem.objects.filter(milestone__plan=plan).first().save(),
        lambda plan: Resource.objects.filter(plan=plan).first().save(),
        lambda plan: Resource.objects.filter(plan=plan).first().delete(),
        lambda plan: Resource.objects.filter(plan=plan).first().blocks.add(Block.objects.filter(plan=plan).last()),
        lambda plan: Resource.objects.filter(plan=plan, blocks__isnull=False).first().blocks.clear(),
        lambda plan: Block.objects.filter(plan=plan).last().resources.add(Resource.objects.filter(plan=plan).first()),
        lambda plan: Resource.objects.filter(plan=plan, topics__isnull=False).first().topics.clear(),
    ],
    ids=[
        "plan saved", "phase", "block", "topic", "block item", "block item deleted", "slot deleted", "slot", "milestone",
        "milestone item", "resource", "resource deleted", "resource linked to a block", "resource's blocks cleared",
        "block linked from its side", "resource's topics cleared",
    ],
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


def test_an_admin_edit_of_the_plan_row_is_seen_by_the_next_page(plan, alice, client, django_user_model, frozen):
    """The bug that retired the learner page cache: total_days changed in the admin (Plan.save) while a
    cached Today still said "of 180". Pages are rendered afresh now, and the plan row bumps its revision."""
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    learner = django_user_model.objects.get(pk=alice.pk)
    client.force_login(learner)
    assert "Day 10 of 180" in client.get("/").content.decode()
    before = fresh(plan).revision
    client.force_login(admin)
    url = f"/admin/curriculum/plan/{plan.pk}/change/"
    form = form_values(client.get(url).content.decode(), "plan_form") | {"total_days": "200"}
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert fresh(plan).total_days == 200 and fresh(plan).revision > before
    client.force_login(learner)
    assert "Day 10 of 200" in client.get("/").content.decode()
