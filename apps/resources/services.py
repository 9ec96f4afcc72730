"""Learners' resources: rows for the plan's resources are made on first listing, in one insert."""

from __future__ import annotations

from django.db.models import Prefetch, Q

from apps.curriculum.models import Block, Resource, Topic
from apps.resources.models import UserResource


def ensure_rows(user, plan) -> None:
    """Give the learner a row for every resource of their plan they do not have yet (two queries)."""
    have = set(UserResource.objects.filter(user=user, resource__plan=plan).values_list("resource_id", flat=True))
    missing = list(Resource.objects.filter(plan=plan).exclude(pk__in=have).values_list("pk", flat=True))
    if missing:
        UserResource.objects.bulk_create([UserResource(user=user, resource_id=pk) for pk in missing], ignore_conflicts=True)
        # No revision bump: a new "not started" row shows exactly as a missing one did.


def rows_for(user, plan):
    """The learner's plan resources (in plan order) then their own; one query plus two prefetches."""
    return (
        UserResource.objects.filter(Q(resource__plan=plan) | Q(resource__isnull=True), user=user)
        .select_related("resource__plan", "block__plan")
        .prefetch_related(
            Prefetch("resource__blocks", queryset=Block.objects.only("number", "title", "plan_id")),
            Prefetch("resource__topics", queryset=Topic.objects.only("key", "title", "plan_id")),
        )
        .order_by("resource__position", "created_at", "pk")
    )
