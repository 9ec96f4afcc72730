"""Any change to a plan's rows through the ORM (the admin, a shell) bumps the plan's revision, so
every process drops its cached copy (apps.curriculum.cache). The plan row bumps its own in
Plan.save. Imports use bulk writes, which send no signals: services.save_plan bumps the revision
itself. These are the only doors to the plan cache; tests/curriculum/test_cache.py tries each."""

from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from apps.curriculum.models import Block, BlockItem, Milestone, MilestoneItem, Phase, Plan, Resource, Slot, Topic


def bump(plan_id: int | None) -> None:
    if plan_id is not None:
        Plan.objects.filter(pk=plan_id).update(revision=F("revision") + 1)


@receiver([post_save, post_delete], sender=Phase)
@receiver([post_save, post_delete], sender=Block)
@receiver([post_save, post_delete], sender=Topic)
@receiver([post_save, post_delete], sender=Milestone)
@receiver([post_save, post_delete], sender=Slot)
@receiver([post_save, post_delete], sender=Resource)
def _plan_row_changed(sender, instance, **kwargs):
    bump(instance.plan_id)


@receiver([post_save, post_delete], sender=BlockItem)
def _block_item_changed(sender, instance, **kwargs):
    bump(Block.objects.filter(pk=instance.block_id).values_list("plan_id", flat=True).first())


@receiver([post_save, post_delete], sender=MilestoneItem)
def _milestone_item_changed(sender, instance, **kwargs):
    bump(Milestone.objects.filter(pk=instance.milestone_id).values_list("plan_id", flat=True).first())


@receiver(m2m_changed, sender=Resource.blocks.through)
@receiver(m2m_changed, sender=Resource.topics.through)
def _resource_links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        bump(instance.plan_id)  # a Resource, or (reverse) a Block or Topic: all carry plan_id
