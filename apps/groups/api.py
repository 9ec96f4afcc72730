"""GET /api/v1/groups/<slug>/members?state=behind&sort=buffer&page=1: a lead's roster as JSON (members
who share; the invited are counted, never listed with figures). 403 for a member who is not a lead,
404 for everyone else."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.groups import services
from apps.groups.services import RosterQuery
from apps.progress.http import api_view, error


@api_view("GET", enrolled=False)
def members(request, learner, slug):
    try:
        group = services.group_for_lead(request.user, slug)
    except Http404:
        return error(404, {"group": [_("No group %(slug)s of yours.") % {"slug": slug}]})
    except PermissionDenied:
        return error(403, {"group": [_("Only the group's leads see its members.")]})
    query, problems = RosterQuery.from_params(request.GET)
    if problems:
        return error(400, {k: [str(v)] for k, v in problems.items()})
    now = timezone.now()
    today = services.today_for(request.user, now)
    services.bring_up_to_date(group, now)
    if query.state == "invited":
        return error(400, {"state": [_("The API lists members who share; the invited are counted in \"invited\".")]})
    counts = services.counts(group)
    page, shown = services.page_of(services.filtered(group, query, today), query.page, count=None if query.state else counts["sharing"])
    if query.page > page.paginator.num_pages:
        return error(400, {"page": [_("There are %(n)s pages.") % {"n": page.paginator.num_pages}]})
    return JsonResponse({
        "group": group.slug, "page": page.number, "pages": page.paginator.num_pages, "count": page.paginator.count,
        "invited": counts["invited"],
        "results": [member_json(m, today) for m in shown if hasattr(m.user, "standing")],
    })


def member_json(membership, today) -> dict:
    standing = membership.user.standing
    row = {
        "username": membership.user.username, "day": standing.day, "buffer_days": standing.buffer_days,
        "topic_days_done": standing.topic_days_done, "streak": standing.streak,
        "last_checkin": standing.last_checkin.isoformat() if standing.last_checkin else None,
        "state": services.band(standing, today), "milestones": standing.milestones,
    }
    if membership.share_email:
        row["email"] = membership.user.email
    return row
