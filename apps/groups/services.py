"""Groups: membership and consent, the roster a lead reads, and nudges.

Every lookup goes through the person asking: `group_for_lead` answers 404 to anyone who is neither a
lead nor a member of the group and 403 to a member who is not a lead; a member only ever reaches their
own membership.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.groups import counts, roster, standings
from apps.groups.models import Group, Membership, Nudge, Standing
from apps.progress.models import Enrollment
from apps.progress.schedule import local_date

PAGE_SIZE = 50
# Out-of-date standings the roster recomputes before it reads (one batch of the summary); more than
# this are left to the worker, and the page says so.
REFRESH_INLINE = 200

# Sortable roster columns (the query string's names; apps.groups.roster orders by each).
SORTS = list(roster.ORDER_COLUMNS)
STATES = {
    "behind": _("Behind"),
    "on_plan": _("On plan"),
    "ahead": _("Ahead"),
    "inactive": _("Inactive 7+ days"),
    "invited": _("Invited (not sharing)"),
}


def group_for_lead(user, slug: str, *, now: datetime | None = None) -> Group:
    """The group, when `user` leads it: 403 for its members, 404 for everyone else. One query, which
    also brings the roster's counts (`group.sharing`, `group.invited`) and how many members' standings
    are out of date at `now`, up to REFRESH_INLINE + 1 (`group.stale`): see apps.groups.roster.lookup."""
    group = roster.lookup(user.pk, slug, now or timezone.now(), stale_limit=REFRESH_INLINE + 1)
    if group is None or not (group.is_lead or group.is_member):
        raise Http404
    if not group.is_lead:
        raise PermissionDenied
    return group


def membership_of(user, slug: str) -> Membership:
    found = Membership.objects.select_related("group__plan").filter(user=user, group__slug=slug).first()
    if found is None:
        raise Http404
    return found


# --- membership and consent -------------------------------------------------------------------------


def add_members(group: Group, users) -> tuple[list, list]:
    """Invite users (each enrolled in the group's plan; the caller checked). Returns (added, already)."""
    existing = set(Membership.objects.filter(group=group, user__in=users).values_list("user_id", flat=True))
    added = [u for u in users if u.pk not in existing]
    have = set(Standing.objects.filter(user_id__in=[u.pk for u in added]).values_list("user_id", flat=True))
    with transaction.atomic():  # bulk_create sends no post_save: the standings and sort keys are made here
        Membership.objects.bulk_create([Membership(group=group, user=u, username=u.username) for u in added], ignore_conflicts=True)
        standings.refresh([u.pk for u in added if u.pk not in have])
        standings.copy_keys(have)  # members of another group already: their figures, onto this membership
        counts.recount([group.pk])
    return added, [u for u in users if u.pk in existing]


def accept(membership: Membership, *, share_email: bool) -> None:
    membership.shares_since = membership.shares_since or timezone.now()
    membership.share_email = share_email
    membership.save(update_fields=["shares_since", "share_email"])
    standings.refresh([membership.user_id])


def withdraw(membership: Membership) -> None:
    membership.shares_since = None
    membership.share_email = False
    membership.save(update_fields=["shares_since", "share_email"])


def leave(membership: Membership) -> None:
    membership.delete()


# --- the roster -------------------------------------------------------------------------------------


@dataclass
class RosterQuery:
    sort: str = "buffer"
    descending: bool = False
    state: str = ""
    page: int = 1

    @classmethod
    def from_params(cls, params) -> tuple[RosterQuery, dict]:
        """The query from a request's GET parameters, and the problems with them (field → message)."""
        problems = {}
        raw_sort = params.get("sort", "buffer") or "buffer"
        descending = raw_sort.startswith("-")
        sort = raw_sort.lstrip("-")
        if sort not in SORTS:
            problems["sort"] = _("Sort by one of: %(names)s.") % {"names": ", ".join(SORTS)}
        state = params.get("state", "") or ""
        if state and state not in STATES:
            problems["state"] = _("State is one of: %(names)s.") % {"names": ", ".join(STATES)}
        try:
            page = int(params.get("page", "1") or "1")
            if page < 1 or page > 100_000:
                raise ValueError
        except ValueError:
            problems["page"] = _("Page is a whole number from 1.")
            page = 1
        return cls(sort if sort in SORTS else "buffer", descending, state if state in STATES else "", page), problems


def members(group: Group) -> QuerySet:
    return Membership.objects.filter(group=group)


def page(group: Group, query: RosterQuery, today: date) -> tuple[Page, list[roster.Row]]:
    """One roster page: the paginator's page (counted by the group's lookup, or by one COUNT when
    filtered) and its members with their figures (one query). A page past the last gives the last."""
    known = {"": group.sharing, "invited": group.invited}.get(query.state)
    total = known if known is not None else roster.count(group.pk, query.state, today)
    found = Paginator(range(total), PAGE_SIZE).get_page(query.page)
    if not total:
        return found, []
    rows = roster.rows(group.pk, sort=query.sort, descending=query.descending, state=query.state, today=today,
                       offset=found.start_index() - 1, limit=PAGE_SIZE)
    return found, rows


def every_row(group: Group, query: RosterQuery, today: date, *, chunk: int = 1000):
    """Every member matching the query, in the roster's order, `chunk` at a time (the CSV); with no
    state, those who share and then the invited."""
    states = [query.state] if query.state else ["", "invited"]
    for state in states:
        offset = 0
        while True:
            found = roster.rows(group.pk, sort=query.sort, descending=query.descending, state=state, today=today, offset=offset,
                                limit=chunk)
            yield from found
            if len(found) < chunk:
                break
            offset += chunk


band = roster.band


def bring_up_to_date(group: Group, now: datetime) -> int:
    """Recompute the group's out-of-date standings when there are few (one batch of the summary). When
    there are more than REFRESH_INLINE (a cohort's shared midnight, an evening's check-ins) they are
    left to the worker (groups.tick, every minute) and this returns how many at least are waiting; else
    0. Every member has a standing from the moment they join (apps.groups.signals). `group` comes from
    group_for_lead, which has counted them already (`group.stale`): no query when none is out of date,
    and none when too many are."""
    if group.stale == 0:
        return 0
    if group.stale > REFRESH_INLINE:
        return REFRESH_INLINE
    stale = standings.due_ids(now, among=members(group).values("user_id"), limit=REFRESH_INLINE + 1)
    if len(stale) > REFRESH_INLINE:
        return REFRESH_INLINE
    if stale:
        standings.refresh(stale, now=now)
    return 0


def today_for(user, now: datetime | None = None) -> date:
    enrollment = getattr(user, "enrollment", None)
    return local_date(enrollment.tz, now) if enrollment is not None else timezone.localdate(now)


# --- nudges -----------------------------------------------------------------------------------------


def nudge(group: Group, sender, user_ids, message: str, *, now: datetime | None = None, automatic: bool = False) -> dict:
    """Record a nudge for each member among `user_ids` who shares with the group and has had none today
    (their local date), and queue its sending. Returns {"sent": [...], "already": [...], "invited": [...]}."""
    now = now or timezone.now()
    rows = (Membership.objects.filter(group=group, user_id__in=list(user_ids))
            .select_related("user__enrollment").order_by("user__username"))
    outcome = {"sent": [], "already": [], "invited": []}
    made = []
    for membership in rows:
        user = membership.user
        if not membership.shares:
            outcome["invited"].append(user.username)
            continue
        enrollment = getattr(user, "enrollment", None)
        day = local_date(enrollment.tz, now) if enrollment is not None else now.date()
        try:
            with transaction.atomic():
                made.append(Nudge.objects.create(user=user, group=group, sender=sender, local_date=day, message=message,
                                                 automatic=automatic))
        except IntegrityError:
            outcome["already"].append(user.username)
            continue
        outcome["sent"].append(user.username)
    if made:
        from apps.groups.tasks import send_nudges

        by_date = {}
        for n in made:
            by_date.setdefault(n.local_date, []).append(n.user_id)
        sender_name = sender.get_username() if sender is not None else None
        for day, users in by_date.items():  # what Today shows, with the enrollment (see Enrollment.notice)
            notice = {"date": day.isoformat(), "message": message, "group": group.name, "from": sender_name}
            Enrollment.objects.filter(user_id__in=users).update(notice=notice)

        ids = [n.pk for n in made]
        transaction.on_commit(lambda: send_nudges.delay(ids))
    return outcome


def behind_ids(group: Group, more_than: int) -> list[int]:
    """Members who share and are behind by more than `more_than` days."""
    return list(members(group).filter(shares_since__isnull=False, buffer_days__lt=-more_than).values_list("user_id", flat=True))


def users_named(usernames) -> dict:
    return {u.username: u for u in get_user_model().objects.filter(username__in=list(usernames)).select_related("enrollment")}
