"""Study groups' pages: a member's groups and consent; a lead's roster, CSV, charts and nudges.

A lead's pages answer 403 to a member who is not a lead and 404 to everyone else
(services.group_for_lead); a member's pages reach only their own membership (404 otherwise).
"""

from __future__ import annotations

import csv
import functools
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.curriculum.cache import plan_parts
from apps.dashboard import preview
from apps.groups import charts, services, tables
from apps.groups.forms import ConsentForm, NudgeForm
from apps.groups.models import Group, Membership
from apps.groups.services import STATES, RosterQuery


@require_GET
def mine(request):
    """The groups the user belongs to (with what they share) and the ones they lead."""
    memberships = list(Membership.objects.filter(user=request.user).select_related("group__plan").order_by("group__name"))
    led = list(Group.objects.filter(leads=request.user).annotate(
        members=Count("memberships"), sharing=Count("memberships", filter=Q(memberships__shares_since__isnull=False))
    ).order_by("name"))
    return render(request, "groups/mine.html", {"memberships": memberships, "led": led})


@require_GET
def membership(request, slug):
    """What the leads of the group see, and the member's consent to it."""
    found = services.membership_of(request.user, slug)
    leads = list(found.group.leads.order_by("username").values_list("username", flat=True))
    return render(request, "groups/membership.html", {"membership": found, "group": found.group, "leads": leads,
                                                      "form": ConsentForm(initial={"share_email": found.share_email})})


@require_POST
def accept(request, slug):
    found = services.membership_of(request.user, slug)
    form = ConsentForm(request.POST)
    form.is_valid()  # a lone checkbox: always valid
    services.accept(found, share_email=form.cleaned_data.get("share_email", False))
    messages.success(request, _("You now share your progress with %(group)s.") % {"group": found.group.name})
    return redirect("groups:membership", slug=slug)


@require_POST
def withdraw(request, slug):
    found = services.membership_of(request.user, slug)
    services.withdraw(found)
    messages.success(request, _("%(group)s's leads no longer see your progress.") % {"group": found.group.name})
    return redirect("groups:membership", slug=slug)


@require_POST
def leave(request, slug):
    found = services.membership_of(request.user, slug)
    services.leave(found)
    messages.success(request, _("You left %(group)s.") % {"group": found.group.name})
    return redirect("groups:mine")


def _roster_context(request, group, query, problems):
    now = timezone.now()
    today = services.today_for(request.user, now)
    waiting = services.bring_up_to_date(group, now)
    page, shown = services.page(group, query, today)

    def link(**change):
        params = {"sort": ("-" if query.descending else "") + query.sort, "state": query.state, "page": query.page, **change}
        return "?" + urlencode({k: v for k, v in params.items() if v not in ("", None)})

    headers = []
    for name, label in (("username", _("Member")), ("day", _("Plan day")), ("done", _("Topic-days done")),
                        ("buffer", _("Ahead / behind")), ("streak", _("Streak")), ("last", _("Last check-in"))):
        current = query.sort == name
        headers.append({"name": name, "label": label, "current": current, "descending": query.descending,
                        "link": link(sort=("" if current and query.descending else "-") + name if current else name, page=1)})
    return {
        "group": group, "query": query, "problems": problems, "page": page, "entries": shown, "headers": headers,
        "sharing": group.sharing, "invited": group.invited,
        "states": STATES, "waiting": waiting, "today": today, "page_links": {
            "previous": link(page=page.previous_page_number()) if page.has_previous() else None,
            "next": link(page=page.next_page_number()) if page.has_next() else None,
        },
        "csv_link": reverse("groups:csv", args=[group.slug]) + link(page=None),
        "nudge_form": None, "blank_nudge_fields": _blank_nudge_fields(get_language()),
        "rows": tables.roster_rows(shown, today),
        "head": tables.roster_head(headers),
        "state_options": tables.state_options(STATES, query.state),
    }


@functools.lru_cache(maxsize=8)
def _blank_nudge_fields(language: str) -> str:
    """The empty nudge form's fields: the same for every lead, so made once per language (a bound form
    with errors is rendered with the page, by the same partial)."""
    return render_to_string("groups/roster.html#nudge_fields", {"nudge_form": NudgeForm()})


@require_GET
def roster(request, slug):
    group = services.group_for_lead(request.user, slug)
    query, problems = RosterQuery.from_params(request.GET)
    context = _roster_context(request, group, query, problems)
    return render(request, "groups/roster.html", context, status=400 if problems else 200)


class _Echo:
    def write(self, value):
        return value


@require_GET
def roster_csv(request, slug):
    """Every member matching the filter, in the roster's order (streamed, a thousand rows a query)."""
    group = services.group_for_lead(request.user, slug)
    query, problems = RosterQuery.from_params(request.GET)
    if problems:
        return HttpResponse("\n".join(str(m) for m in problems.values()), status=400, content_type="text/plain; charset=utf-8")
    now = timezone.now()
    today = services.today_for(request.user, now)
    services.bring_up_to_date(group, now)
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(["username", "email", "state", "day", "total_days", "topic_days_done", "buffer_days", "streak",
                               "last_checkin", "milestones"])
        for row in services.every_row(group, query, today):
            if not row.shares or not row.has_figures:
                yield writer.writerow([row.username, "", "invited" if not row.shares else "", "", "", "", "", "", "", ""])
                continue
            milestones = "; ".join(f"{x['day']}:{x['state']}" for x in row.milestones)
            yield writer.writerow([row.username, row.email, services.band(row, today), row.day, row.total_days, row.topic_days_done,
                                   row.buffer_days, row.streak, row.last_checkin or "", milestones])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{group.slug}-members.csv"'
    return response


@require_GET
def group_charts(request, slug):
    group = services.group_for_lead(request.user, slug)
    now = timezone.now()
    services.bring_up_to_date(group, now)
    today = services.today_for(request.user, now)
    standings = charts.sharing_standings(group)
    parts = plan_parts(group.plan)
    spread = charts.distribution(standings)
    active = charts.active_share(group, today, len(standings))
    burn = charts.median_burndown(standings, sum(t.days for t in parts.topics), group.plan.total_days)
    figures = {"spread": charts.distribution_figure(spread), "active": charts.active_figure(active),
               "burndown": charts.burndown_figure(burn)}
    return render(request, "groups/charts.html", {
        "group": group, "members": len(standings), "spread": spread, "active": active, "burn": burn, "figures": figures,
        "previews": {name: preview.render(figure) for name, figure in figures.items()} if standings else {},
    })


@require_POST
def nudge(request, slug):
    group = services.group_for_lead(request.user, slug)
    ids = list(Membership.objects.filter(group=group).values_list("user_id", flat=True))
    form = NudgeForm(request.POST, member_ids=ids)
    kept = QueryDict(request.POST.get("return", ""))
    query, problems = RosterQuery.from_params(kept)
    back = reverse("groups:roster", args=[slug]) + ("?" + kept.urlencode() if kept and not problems else "")
    if not form.is_valid():
        context = _roster_context(request, group, query, problems)
        context["nudge_form"] = form
        return render(request, "groups/roster.html", context, status=400)
    targets = set(form.cleaned_data["members"])
    if form.cleaned_data["behind"] is not None:
        targets |= set(services.behind_ids(group, form.cleaned_data["behind"]))
    outcome = services.nudge(group, request.user, targets, form.cleaned_data["message"])
    sent, already, invited = len(outcome["sent"]), len(outcome["already"]), len(outcome["invited"])
    text = ngettext("Nudged %(n)s member.", "Nudged %(n)s members.", sent) % {"n": sent}
    if already:
        text += " " + ngettext("%(n)s already had a nudge today.", "%(n)s already had a nudge today.", already) % {"n": already}
    if invited:
        text += " " + ngettext("%(n)s has not accepted the invitation.", "%(n)s have not accepted the invitation.", invited) % {"n": invited}
    if not targets:
        text = _("Nobody is behind by more than %(n)s days.") % {"n": form.cleaned_data["behind"]}
    messages.success(request, text)
    return redirect(back)


def today_panel(request, *, learner, day, **context):
    """Today: the latest nudge from a study group, on its day and the next (the learner's local dates),
    from the enrollment read with the user: no query."""
    notice = learner.enrollment.notice
    if not notice or notice.get("date", "") < (day.date - timedelta(days=1)).isoformat():
        return None
    return render_to_string("groups/_today_nudges.html", {"notice": notice}, request=request)
