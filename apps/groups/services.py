"""Groups: membership and consent, the roster a lead reads, and nudges.

Every lookup goes through the person asking: `group_for_lead` answers 404 to anyone who is neither a
lead nor a member of the group and 403 to a member who is not a lead; a member only ever reaches their
own membership.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.groups import standings
from apps.groups.models import Group, Membership, Nudge, Standing
from apps.progress.models import Enrollment
from apps.progress.schedule import local_date

PAGE_SIZE = 50
INACTIVE_DAYS = 7
# Out-of-date standings the roster recomputes before it reads (one batch of the summary); more than
# this are left to the worker, and the page says so.
REFRESH_INLINE = 200

# Sortable roster columns: the query string's name → the membership's sort key (a copy of the
# member's standing, read in order from a partial index of the group's sharing members).
SORTS = {
    "username": "user__username",
    "day": "day",
    "done": "topic_days_done",
    "buffer": "buffer_days",
    "streak": "streak",
    "last": "last_checkin",
}
STATES = {
    "behind": _("Behind"),
    "on_plan": _("On plan"),
    "ahead": _("Ahead"),
    "inactive": _("Inactive 7+ days"),
    "invited": _("Invited (not sharing)"),
}


def group_for_lead(user, slug: str) -> Group:
    """The group, when `user` leads it: 403 for its members, 404 for everyone else (one query: two
    indexed EXISTS beside the group's row)."""
    lead = Group.leads.through.objects.filter(group_id=OuterRef("pk"), user_id=user.pk)
    member = Membership.objects.filter(group_id=OuterRef("pk"), user_id=user.pk)
    group = (Group.objects.select_related("plan").filter(slug=slug)
             .annotate(is_lead=Exists(lead), is_member=Exists(member)).first())
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
        Membership.objects.bulk_create([Membership(group=group, user=u) for u in added], ignore_conflicts=True)
        standings.refresh([u.pk for u in added if u.pk not in have])
        standings.copy_keys(have)  # members of another group already: their figures, onto this membership
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


def counts(group: Group) -> dict:
    """{"sharing": n, "invited": n} in one query."""
    found = members(group).aggregate(sharing=Count("pk", filter=Q(shares_since__isnull=False)), everyone=Count("pk"))
    return {"sharing": found["sharing"], "invited": found["everyone"] - found["sharing"]}


def filtered(group: Group, query: RosterQuery, today: date) -> QuerySet:
    """The group's memberships for a roster page, filtered and sorted: the members who share (or, with
    state=invited, those who do not, by name). Ties go by user id, the index's last column."""
    if query.state == "invited":
        rows = members(group).filter(shares_since__isnull=True)
        return rows.order_by("-user__username" if query.descending else "user__username")
    rows = members(group).filter(shares_since__isnull=False)
    if query.state == "behind":
        rows = rows.filter(buffer_days__lt=0)
    elif query.state == "on_plan":
        rows = rows.filter(buffer_days=0)
    elif query.state == "ahead":
        rows = rows.filter(buffer_days__gt=0)
    elif query.state == "inactive":
        rows = rows.filter(inactive_q(today))
    field = F(SORTS[query.sort])
    if query.sort == "last":  # never checked in counts as the least recent, either way
        order = field.desc(nulls_last=True) if query.descending else field.asc(nulls_first=True)
    else:
        order = field.desc() if query.descending else field.asc()
    return rows.order_by(order, "-user_id" if query.descending else "user_id")


SHOWN = ["group_id", "user_id", "shares_since", "share_email", "user__username", "user__email",
         *(f"user__standing__{f}" for f in ("state", "day", "total_days", "topic_days_done", "buffer_days", "streak", "last_checkin",
                                             "milestones"))]


class _Counted(Paginator):
    """A paginator told its count (when the caller has it already: one COUNT fewer)."""

    def __init__(self, rows, per_page, count):
        super().__init__(rows, per_page)
        self.__dict__["count"] = count


def page_of(rows: QuerySet, number: int, *, count: int | None = None):
    """One page: the ids read in order from the index (a narrow query), then those fifty memberships
    with their user and standing. Returns (page, memberships in order)."""
    ids_in_order = rows.values_list("pk", flat=True)
    paginator = Paginator(ids_in_order, PAGE_SIZE) if count is None else _Counted(ids_in_order, PAGE_SIZE, count)
    page = paginator.get_page(number)
    ids = list(page.object_list)
    rows = (Membership.objects.filter(pk__in=ids).select_related("user__standing")
            .only(*SHOWN))  # not the charts' series (done_by_day)
    found = {m.pk: m for m in rows} if ids else {}
    return page, [found[pk] for pk in page.object_list if pk in found]


def inactive_q(today: date) -> Q:
    """Active in the plan, past its first week, and no check-in for INACTIVE_DAYS days."""
    cutoff = today - timedelta(days=INACTIVE_DAYS)
    quiet = Q(last_checkin__isnull=True) | Q(last_checkin__lt=cutoff)
    return Q(plan_state="active", day__gt=INACTIVE_DAYS) & quiet


def band(standing: Standing | None, today: date) -> str:
    if standing is None:
        return ""
    cutoff = today - timedelta(days=INACTIVE_DAYS)
    if standing.state == "active" and standing.day > INACTIVE_DAYS and (standing.last_checkin is None or standing.last_checkin < cutoff):
        return "inactive"
    return "behind" if standing.buffer_days < 0 else "ahead" if standing.buffer_days > 0 else "on_plan"


def bring_up_to_date(group: Group, now: datetime) -> int:
    """Recompute the group's out-of-date standings when there are few (one batch of the summary). When
    there are more than REFRESH_INLINE (a cohort's shared midnight) they are left to the worker
    (groups.tick, every minute) and this returns how many at least are waiting; else 0. Every member
    has a standing from the moment they join (apps.groups.signals)."""
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
