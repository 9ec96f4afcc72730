"""Any change to a plan's rows through the ORM (the admin, a shell) bumps the plan's revision, so
every process drops its cached copy (apps.curriculum.cache). Imports use bulk writes, which send
no signals: services.save_plan bumps the revision itself."""

from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.curriculum.models import Block, BlockItem, Milestone, MilestoneItem, Phase, Plan, Slot, Topic


def bump(plan_id: int | None) -> None:
    if plan_id is not None:
        Plan.objects.filter(pk=plan_id).update(revision=F("revision") + 1)


@receiver([post_save, post_delete], sender=Phase)
@receiver([post_save, post_delete], sender=Block)
@receiver([post_save, post_delete], sender=Topic)
@receiver([post_save, post_delete], sender=Milestone)
@receiver([post_save, post_delete], sender=Slot)
def _plan_row_changed(sender, instance, **kwargs):
    bump(instance.plan_id)


@receiver([post_save, post_delete], sender=BlockItem)
def _block_item_changed(sender, instance, **kwargs):
    bump(Block.objects.filter(pk=instance.block_id).values_list("plan_id", flat=True).first())


@receiver([post_save, post_delete], sender=MilestoneItem)
def _milestone_item_changed(sender, instance, **kwargs):
    bump(Milestone.objects.filter(pk=instance.milestone_id).values_list("plan_id", flat=True).first())
