"""A plan's fixed parts, read from the database once per process and plan revision.

Every learner page needs the plan's slots, phases, topics, practice projects and milestones; they
change only when the plan is imported again or edited in the admin, and both bump `Plan.revision`
(apps.curriculum.signals, services.save_plan). Each request already reads its plan row with the
learner's enrollment, so a stale copy is noticed at once, in every process, at no extra query.

The cached rows are shared between a worker's threads: treat them as read-only. `topics_on` and
`items_of` hand out copies, because the pages set per-learner attributes (status, done) on those.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from dataclasses import dataclass

from apps.curriculum.models import Block, BlockItem, Milestone, MilestoneItem, Phase, Plan, Resource, Slot, Topic

MAX_PLANS = 64


@dataclass(frozen=True)
class PlanParts:
    revision: int
    slots: tuple[Slot, ...]
    phases: tuple[Phase, ...]
    blocks: dict[int, Block]  # by number; each with .phase
    topics: tuple[Topic, ...]  # by start day; each with .block and .block.phase
    topic_by_id: dict[int, Topic]
    topic_by_key: dict[str, Topic]
    items: dict[int, tuple[BlockItem, ...]]  # block id → its practice projects, in order
    milestones: tuple[Milestone, ...]
    milestone_items: tuple[MilestoneItem, ...]  # by milestone day and position; each with .milestone
    resources: tuple[Resource, ...]  # in plan order; each with .block_ids and .topic_ids (frozensets)

    def topics_on(self, number: int) -> list[Topic]:
        """Copies of the topics on plan day `number` (usually one)."""
        return [copy.copy(t) for t in self.topics if t.start_day <= number <= t.end_day]

    @property
    def papers(self) -> tuple[Resource, ...]:
        return tuple(r for r in self.resources if r.kind == Resource.Kind.PAPER)

    def topics_of(self, block_id: int) -> list[Topic]:
        """Copies of a block's topics, in order."""
        return [copy.copy(t) for t in self.topics if t.block_id == block_id]

    def items_of(self, block_id: int) -> list[BlockItem]:
        return [copy.copy(i) for i in self.items.get(block_id, ())]


_cache: OrderedDict[int, PlanParts] = OrderedDict()
_lock = threading.Lock()


def plan_parts(plan: Plan) -> PlanParts:
    """The plan's parts at the revision of this `plan` row (ten queries when not cached)."""
    parts = _cache.get(plan.pk)
    if parts is not None and parts.revision == plan.revision:
        return parts
    parts = _load(plan)
    with _lock:
        _cache[plan.pk] = parts
        _cache.move_to_end(plan.pk)
        while len(_cache) > MAX_PLANS:
            _cache.popitem(last=False)
    return parts


def clear() -> None:
    with _lock:
        _cache.clear()


def _load(plan: Plan) -> PlanParts:
    phases = tuple(Phase.objects.filter(plan=plan))
    phase_by_id = {p.pk: p for p in phases}
    blocks = {b.pk: b for b in Block.objects.filter(plan=plan)}
    for block in blocks.values():
        block.phase = phase_by_id[block.phase_id]
    topics = tuple(Topic.objects.filter(plan=plan))
    for topic in topics:
        topic.block = blocks[topic.block_id]
    items: dict[int, list[BlockItem]] = {}
    for item in BlockItem.objects.filter(block__plan=plan):
        item.block = blocks[item.block_id]
        items.setdefault(item.block_id, []).append(item)
    milestones = tuple(Milestone.objects.filter(plan=plan))
    milestone_by_id = {m.pk: m for m in milestones}
    milestone_items = tuple(MilestoneItem.objects.filter(milestone__plan=plan).order_by("milestone__day", "position"))
    for item in milestone_items:
        item.milestone = milestone_by_id[item.milestone_id]
    resources = tuple(Resource.objects.filter(plan=plan).prefetch_related("blocks", "topics"))
    for resource in resources:
        resource.block_ids = frozenset(b.pk for b in resource.blocks.all())
        resource.topic_ids = frozenset(t.pk for t in resource.topics.all())
    return PlanParts(
        revision=plan.revision,
        slots=tuple(Slot.objects.filter(plan=plan)),
        phases=phases,
        blocks={b.number: b for b in sorted(blocks.values(), key=lambda b: b.number)},
        topics=topics,
        topic_by_id={t.pk: t for t in topics},
        topic_by_key={t.key: t for t in topics},
        items={block_id: tuple(rows) for block_id, rows in items.items()},
        milestones=milestones,
        milestone_items=milestone_items,
        resources=resources,
    )
