"""The dashboard's "view as table" alternatives to its charts, as HTML table bodies.

They are built here rather than with template loops because a plan's span is ~190 rows of four
cells plus ~27 weeks of eight: as `{% for %}` loops they cost more than the rest of the page
(bench/README.md). Every value is escaped; the markup is the same a template would make.
"""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from apps.core.templatetags.cadence import hours
from apps.dashboard.charts import Burndown, HeatDay, PhaseProgress, Week


def _rows(rows) -> SafeString:
    # The standard library's escape: Django's is the same on text but checks each call for lazy strings.
    return mark_safe("".join("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows))  # noqa: S308


def burndown_rows(burn: Burndown) -> SafeString:
    return _rows(
        (f"{d['date']:%Y-%m-%d}", d["day"], d["ideal"], "" if d["actual"] is None else d["actual"]) for d in burn.table
    )


def hours_rows(weeks: list[Week]) -> SafeString:
    return _rows((f"{w.start:%Y-%m-%d}", hours(w.logged_total), hours(w.planned_total)) for w in weeks)


def phase_rows(rows: list[PhaseProgress]) -> SafeString:
    return _rows((f"{p.number}. {p.title}", f"{p.closed} / {p.days}", p.percent) for p in rows)


def heatmap_rows(grid: list[list[HeatDay]]) -> SafeString:
    paused = _("paused")

    def cell(day: HeatDay):
        if day.state == "paused":
            return paused
        return day.minutes if day.state in ("active", "finished") else ""

    return _rows([f"{week[0].date:%Y-%m-%d}", *(cell(d) for d in week)] for week in grid)


def review_rows(days) -> SafeString:
    return _rows(
        (f"{d.date:%Y-%m-%d}", "" if d.due is None else d.due, "" if d.recall is None else f"{100 * d.recall:.0f}%") for d in days
    )
