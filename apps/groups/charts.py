"""The group's charts (lead only): members by days ahead/behind, the share of members active each day,
and the group's median burn-down beside the ideal. Built from the members' standings and one query on
check-ins; figures are plotly JSON as the dashboard's are (apps.dashboard.figures)."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, timedelta

from django.db.models import Count
from django.utils.translation import gettext as _

from apps.dashboard.figures import ACCENT, DATE_AXIS, MUTED, _figure
from apps.groups.models import Group, Membership
from apps.progress.models import CheckIn

ACTIVE_WEEKS = 8


def sharing_standings(group: Group) -> list:
    rows = (Membership.objects.filter(group=group, shares_since__isnull=False, user__standing__isnull=False)
            .select_related("user__standing"))
    return [m.user.standing for m in rows]


def distribution(standings) -> list[tuple[int, int]]:
    """(days ahead (negative: behind), members), in order."""
    return sorted(Counter(s.buffer_days for s in standings).items())


def active_share(group: Group, today: date, members: int) -> list[tuple[date, int, float]]:
    """For each of the last ACTIVE_WEEKS weeks' dates: members with a done check-in, and their share."""
    first = today - timedelta(days=7 * ACTIVE_WEEKS - 1)
    counts = dict(
        CheckIn.objects.filter(user__group_memberships__group=group, user__group_memberships__shares_since__isnull=False,
                               status=CheckIn.Status.DONE, local_date__gte=first, local_date__lte=today)
        .values_list("local_date").annotate(n=Count("user_id", distinct=True)).values_list("local_date", "n")
    )
    days = [first + timedelta(days=i) for i in range((today - first).days + 1)]
    return [(d, counts.get(d, 0), counts.get(d, 0) / members if members else 0.0) for d in days]


def median_burndown(standings, total_topic_days: int, total_days: int) -> list[tuple[int, float, float, int]]:
    """(plan day, ideal remaining, median remaining, members counted) for each plan day some member has reached."""
    longest = max((len(s.done_by_day) for s in standings), default=0)
    rows = []
    for index in range(longest):
        values = [s.done_by_day[index] for s in standings if len(s.done_by_day) > index]
        ideal = total_topic_days * (1 - (index + 1) / total_days) if total_days else 0
        rows.append((index + 1, round(ideal, 1), total_topic_days - statistics.median(values), len(values)))
    return rows


def distribution_figure(rows) -> dict:
    return _figure(
        [{"type": "bar", "x": [d for d, _n in rows], "y": [n for _d, n in rows], "name": _("Members"),
          "marker": {"color": [("#b03a2e" if d < 0 else ACCENT) for d, _n in rows]},
          "hovertemplate": _("%{x} days: %{y} members") + "<extra></extra>"}],
        xaxis={"title": {"text": _("Days ahead (negative: behind)")}}, yaxis={"title": {"text": _("Members")}}, hovermode="closest",
    )


def active_figure(rows) -> dict:
    return _figure(
        [{"type": "bar", "x": [d.isoformat() for d, _n, _s in rows], "y": [round(100 * s, 1) for _d, _n, s in rows],
          "name": _("Active members"), "marker": {"color": ACCENT}, "hovertemplate": "%{y}%<extra></extra>"}],
        xaxis=DATE_AXIS, yaxis={"title": {"text": "%"}, "range": [0, 100]},
    )


def burndown_figure(rows) -> dict:
    return _figure(
        [
            {"type": "scatter", "mode": "lines", "name": _("Ideal"), "x": [r[0] for r in rows], "y": [r[1] for r in rows],
             "line": {"color": MUTED, "dash": "dash"}},
            {"type": "scatter", "mode": "lines", "name": _("Median member"), "x": [r[0] for r in rows], "y": [r[2] for r in rows],
             "line": {"color": ACCENT}},
        ],
        xaxis={"title": {"text": _("Plan day")}}, yaxis={"title": {"text": _("Topic-days remaining")}},
    )
