"""Each group's member counts (Group.sharing_count, Group.invited_count), kept beside the group.

They change only when a membership is made, accepted, withdrawn or removed. Every such write is
followed, in its transaction, by `recount` (apps.groups.signals for one membership at a time, the
callers of bulk writes themselves), which first locks the group's row: a second writer's recount
waits until the first has committed, then counts in a statement that sees both. The groups tick
(every minute) recounts every group too, so a write that slipped past both (a raw UPDATE) is mended
within a minute.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from apps.groups.models import Group, Membership


def _count(**condition) -> Coalesce:
    rows = Membership.objects.filter(group_id=OuterRef("pk"), **condition).order_by().values("group_id").annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n")[:1], output_field=IntegerField()), Value(0))


def recount(group_ids=None) -> None:
    """Count these groups' members again (every group's when None)."""
    groups = Group.objects.all() if group_ids is None else Group.objects.filter(pk__in=sorted(set(group_ids)))
    with transaction.atomic():
        locked = list(groups.order_by("pk").select_for_update().values_list("pk", flat=True))
        if locked:
            Group.objects.filter(pk__in=locked).update(
                sharing_count=_count(shares_since__isnull=False), invited_count=_count(shares_since__isnull=True)
            )
