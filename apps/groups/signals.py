"""Every write that changes a learner's figures marks their standing out of date (one UPDATE, which
touches nothing for a learner in no group); a new member gets theirs. Bulk writes that send no signals (the data import's
bulk_create) are covered by the enrollment's own save in the same import."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from apps.groups.counts import recount
from apps.groups.models import Group, Membership, Standing
from apps.milestones.models import MilestoneCheck
from apps.progress.models import CheckIn, Enrollment, Pause, TopicProgress


def mark_changed(sender, instance, **kwargs):
    Standing.objects.filter(user_id=instance.user_id).update(changed_at=timezone.now())


for model in (CheckIn, TopicProgress, Pause, Enrollment, MilestoneCheck):
    post_save.connect(mark_changed, sender=model, dispatch_uid=f"standing-{model.__name__}-save")
    post_delete.connect(mark_changed, sender=model, dispatch_uid=f"standing-{model.__name__}-delete")


def give_standing(sender, instance, created, **kwargs):
    """A new member (from the admin, or anywhere else) has their standing and the roster's keys at
    once, so the roster never looks for members without them."""
    if created:
        from apps.groups.standings import refresh

        refresh([instance.user_id])


post_save.connect(give_standing, sender=Membership, dispatch_uid="standing-membership")


def count_members(sender, instance, origin=None, **kwargs):
    """The group's counts follow each membership made, changed or removed (apps.groups.counts); not
    while the group itself is being deleted."""
    if isinstance(origin, Group) or getattr(origin, "model", None) is Group:
        return
    recount([instance.group_id])


post_save.connect(count_members, sender=Membership, dispatch_uid="count-membership-save")
post_delete.connect(count_members, sender=Membership, dispatch_uid="count-membership-delete")


def follow_rename(sender, instance, created=False, update_fields=None, **kwargs):
    """A renamed user keeps their place in the rosters' name order (the membership's copy)."""
    if created or (update_fields is not None and "username" not in update_fields):
        return  # a new account is in no group yet; a login's last_login and the like change no name
    Membership.objects.filter(user_id=instance.pk).exclude(username=instance.username).update(username=instance.username)


post_save.connect(follow_rename, sender=settings.AUTH_USER_MODEL, dispatch_uid="membership-username")
