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
    page, shown = services.page(group, query, today)
    if query.page > page.paginator.num_pages:
        return error(400, {"page": [_("There are %(n)s pages.") % {"n": page.paginator.num_pages}]})
    return JsonResponse({
        "group": group.slug, "page": page.number, "pages": page.paginator.num_pages, "count": page.paginator.count,
        "invited": group.invited,
        "results": [member_json(row, today) for row in shown if row.has_figures],
    })


def member_json(row, today) -> dict:
    found = {
        "username": row.username, "day": row.day, "buffer_days": row.buffer_days, "topic_days_done": row.topic_days_done,
        "streak": row.streak, "last_checkin": row.last_checkin.isoformat() if row.last_checkin else None,
        "state": services.band(row, today), "milestones": row.milestones,
    }
    if row.email:
        found["email"] = row.email
    return found
