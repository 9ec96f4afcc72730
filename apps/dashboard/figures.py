"""Plotly figures, built on the server from charts.py's series and drawn by plotly.js in the page.

Each function returns the figure as plain data in plotly's JSON schema (`{"data": [...], "layout":
{...}}`) for a `json_script` element; the page's own script hands it to Plotly.react. They are built
as dicts, not with `plotly.graph_objects`: graph_objects validates every property and deep-copies the
figure on the way out, which cost most of the dashboard's time (bench/README.md). The tests validate
each figure with `go.Figure(figure)` instead, so a misspelt property still fails. Dates go out as
ISO strings. Colours follow the site's palette.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.core.templatetags.cadence import minutes_text
from apps.dashboard.charts import Burndown, HeatDay, PhaseProgress, ReviewDay, Week

ACCENT = "#2f6f4f"
MUTED = "#8a8a90"
SLOT_COLOURS = ["#2f6f4f", "#5fb98a", "#a7d8bd", "#3b6ea8", "#7aa6d6", "#b9d3ee", "#b07d2b", "#d9b26f"]
BASE_LAYOUT = {
    "margin": {"l": 48, "r": 12, "t": 12, "b": 40},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
    "font": {"family": "system-ui, sans-serif", "size": 12},
    "legend": {"orientation": "h", "y": -0.18},
    "hovermode": "x unified",
}


# Dates on axes and in hovers as numbers (2027-01, 01-15), not month names, so that no chart speaks
# English in the Chinese UI (plotly.js would need its locale bundles for that).
DAY = 86_400_000
DATE_AXIS = {
    "type": "date", "hoverformat": "%Y-%m-%d",
    "tickformatstops": [{"dtickrange": [None, 28 * DAY], "value": "%m-%d"}, {"dtickrange": [28 * DAY, None], "value": "%Y-%m"}],
}


def _dates(values) -> list[str]:
    return [d.isoformat() for d in values]


def _figure(data: list[dict], **layout) -> dict:
    return {"data": data, "layout": {**BASE_LAYOUT, **layout}}


def late_text(days: int) -> str:
    """'12 days late', '4 months late', '3.1 years late'."""
    if days < 60:
        return ngettext("%(n)s day late", "%(n)s days late", days) % {"n": days}
    if days < 730:
        months = round(days / 30.4)
        return ngettext("%(n)s month late", "%(n)s months late", months) % {"n": months}
    return _("%(n).1f years late") % {"n": days / 365.25}


def burndown_figure(b: Burndown, *, phase_ends: list, milestones: list[tuple[int, object]], today, milestone_titles=None) -> dict:
    """The burn-down over the plan's own dates (day 0 to the planned end, and a small margin): the ideal
    line with the band below it shaded (there the learner is on plan or ahead), the remaining line, the
    forecast (from the last 14 active days) cut at the right edge with a label when it ends past it,
    milestones as markers with their titles on hover (labels never overlap), shifts and pauses."""
    label = _("Day %(day)s")  # translated once, not per point: "第 5 天" in Chinese
    labels = [label % {"day": d} for d in b.days]
    dates = _dates(b.dates)
    done = len(b.actual)
    right = b.dates[-1] + timedelta(days=max(3, len(b.dates) // 40))  # the x axis: the plan's span and a margin
    data = [
        {"type": "scatter", "x": dates, "y": b.ideal, "name": _("Ideal (on plan or ahead below it)"), "mode": "lines",
         "line": {"color": MUTED, "width": 1.5}, "customdata": labels, "fill": "tozeroy", "fillcolor": "rgba(95,185,138,0.12)",
         "hovertemplate": "%{customdata}: %{y}<extra>" + _("Ideal") + "</extra>"},
        {"type": "scatter", "x": dates[:done], "y": b.actual, "name": _("Remaining"), "mode": "lines",
         "line": {"color": ACCENT, "width": 2.5}, "customdata": labels[:done],
         "hovertemplate": "%{customdata}: %{y}<extra>" + _("Remaining") + "</extra>"},
    ]
    annotations, shapes = [], []
    if b.finish_date is not None and b.remaining > 0:
        end, left = b.finish_date, 0.0
        if end > right:  # cut at the right edge, at the height the line has there
            span = (b.finish_date - today).days or 1
            left = b.remaining * (1 - (right - today).days / span)
            end = right
        data.append({
            "type": "scatter", "x": _dates([today, end]), "y": [b.remaining, round(left, 1)],
            "name": _("Forecast (pace of the last %(n)s active days)") % {"n": b.window_days},
            "mode": "lines", "line": {"color": ACCENT, "dash": "dash", "width": 1.5},
            "hovertemplate": "%{x|%Y-%m-%d}: %{y:.0f}<extra></extra>",
        })
        if b.finish_date > right:
            annotations.append({
                "x": right.isoformat(), "y": left, "xref": "x", "yref": "y", "showarrow": True, "arrowhead": 2,
                "ax": -40, "ay": -30, "xanchor": "right", "font": {"size": 11, "color": "#b3261e"},
                "text": _("at this pace: %(date)s, %(late)s") % {"date": b.finish_date.isoformat(), "late": late_text(b.days_late)},
            })
    for when in _dates(phase_ends):
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": when, "x1": when, "y0": 0, "y1": 1,
                       "line": {"color": MUTED, "width": 1, "dash": "dot"}})
    if milestones:
        total = b.ideal[0] if b.ideal else 0
        titles = milestone_titles or {}
        data.append({
            "type": "scatter", "mode": "markers", "name": _("Milestones"),
            "x": [when.isoformat() for _day, when in milestones], "y": [total] * len(milestones), "cliponaxis": False,
            "marker": {"symbol": "diamond", "size": 10, "color": "#b07d2b"},
            "customdata": [f"◆ {label % {'day': day}} {titles.get(day, '')}".strip() for day, _when in milestones],
            "hovertemplate": "%{customdata} · %{x|%Y-%m-%d}<extra></extra>",
        })
    now = today.isoformat()
    shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": now, "x1": now, "y0": 0, "y1": 1,
                   "line": {"color": "#b3261e", "width": 1.5}})
    annotations.append({"x": now, "y": 0, "xref": "x", "yref": "paper", "text": _("today"), "showarrow": False,
                        "yanchor": "bottom", "xanchor": "left", "font": {"size": 10, "color": "#b3261e"}})
    for start, end in _paused_spans(b):
        shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": start.isoformat(),
                       "x1": (end + timedelta(days=1)).isoformat(), "y0": 0, "y1": 1, "fillcolor": MUTED,
                       "opacity": 0.15, "line": {"width": 0}})
    for made, days in b.shifts:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": made.isoformat(), "x1": made.isoformat(),
                       "y0": 0, "y1": 1, "line": {"color": "#1e63b5", "width": 1.5, "dash": "dash"}})
        annotations.append({"x": made.isoformat(), "y": 0.5, "xref": "x", "yref": "paper", "showarrow": False, "xanchor": "right",
                            "text": _("shifted +%(n)s d") % {"n": days}, "font": {"size": 10, "color": "#1e63b5"}, "textangle": -90})
    return _figure(
        data, shapes=shapes, annotations=annotations, height=380,
        yaxis={"title": {"text": _("Topic-days remaining")}, "rangemode": "tozero"},
        xaxis={**DATE_AXIS, "range": [dates[0], right.isoformat()]},
    )


def _paused_spans(b: Burndown):
    start = None
    for d, paused in zip(b.dates, b.paused, strict=True):
        if paused and start is None:
            start = d
        if not paused and start is not None:
            yield start, d - timedelta(days=1)
            start = None
    if start is not None:
        yield start, b.dates[-1]


def hours_figure(weeks: list[Week], slot_labels: dict[str, str]) -> dict:
    hours_hover = _("%(value)s h") % {"value": "%{y}"}  # "%{y} 小时" in Chinese
    x = _dates(w.start for w in weeks)
    data = [
        {"type": "bar", "x": x, "y": [round(w.logged.get(key, 0) / 60, 2) for w in weeks], "name": label,
         "marker": {"color": SLOT_COLOURS[i % len(SLOT_COLOURS)]}, "hovertemplate": hours_hover + "<extra>" + label + "</extra>"}
        for i, (key, label) in enumerate(slot_labels.items())
    ]
    data.append({
        "type": "scatter", "x": x, "y": [round(w.planned_total / 60, 2) for w in weeks], "name": _("Planned"),
        "mode": "lines+markers", "line": {"color": MUTED, "dash": "dot"},
        "hovertemplate": hours_hover + "<extra>" + _("Planned") + "</extra>",
    })
    return _figure(data, barmode="stack", height=320, yaxis={"title": {"text": _("Hours per week")}},
                   xaxis=DATE_AXIS)


def heatmap_figure(grid: list[list[HeatDay]]) -> dict:
    weekdays = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    x = _dates(week[0].date for week in grid)
    minutes = [[(week[i].minutes if week[i].state in ("active", "finished") else None) for week in grid] for i in range(7)]
    paused = [[(1 if week[i].state == "paused" else None) for week in grid] for i in range(7)]
    text = [[_cell_text(week[i]) for week in grid] for i in range(7)]
    cell = {"type": "heatmap", "x": x, "y": weekdays, "text": text, "hovertemplate": "%{text}<extra></extra>",
            "xgap": 2, "ygap": 2}
    data = [
        {**cell, "z": minutes, "colorscale": [[0, "#e8efe9"], [0.25, "#a7d8bd"], [0.6, "#5fb98a"], [1, "#2f6f4f"]],
         "zmin": 0, "colorbar": {"title": {"text": _("min")}, "thickness": 10}},
        {**cell, "z": paused, "colorscale": [[0, "#c9c9cc"], [1, "#c9c9cc"]], "showscale": False, "name": _("Paused")},
    ]
    return _figure(data, hovermode="closest", height=230, yaxis={"autorange": "reversed"}, xaxis=DATE_AXIS)


def _cell_text(day: HeatDay) -> str:
    if day.state == "paused":
        return f"{day.date:%Y-%m-%d} · " + _("paused")
    if day.state in ("before", "future"):
        return f"{day.date:%Y-%m-%d}"
    return f"{day.date:%Y-%m-%d} · " + minutes_text(day.minutes)


def phase_figure(rows: list[PhaseProgress]) -> dict:
    data = [{
        "type": "bar", "x": [row.percent for row in rows], "y": [f"{row.number}. {row.title}" for row in rows],
        "orientation": "h", "marker": {"color": ACCENT}, "text": [f"{row.percent:.0f}%" for row in rows],
        "textposition": "auto", "hovertemplate": "%{y}: %{x}%<extra></extra>",
    }]
    return _figure(
        data, hovermode="closest", margin={"l": 12, "r": 12, "t": 12, "b": 30}, height=60 + 36 * len(rows),
        xaxis={"range": [0, 100], "ticksuffix": "%"}, yaxis={"autorange": "reversed", "automargin": True},
    )


def review_figure(days: list[ReviewDay]) -> dict:
    """Reviews due per day ahead (bars) and the average predicted recall of done topics (a line, past
    and, dashed, ahead if no more reviews were done)."""
    x = _dates(d.date for d in days)
    ahead = [d for d in days if d.due is not None]
    past = [d for d in days if d.due is None]
    recall = _("Average recall")
    data = [
        {"type": "bar", "x": _dates(d.date for d in ahead), "y": [d.due for d in ahead], "name": _("Reviews due"),
         "marker": {"color": "#7aa6d6"}, "hovertemplate": "%{x|%Y-%m-%d}: %{y}<extra>" + _("Reviews due") + "</extra>"},
        {"type": "scatter", "mode": "lines", "x": _dates(d.date for d in past) + [ahead[0].date.isoformat()] if ahead else [],
         "y": [None if d.recall is None else round(100 * d.recall, 1) for d in past + ahead[:1]], "yaxis": "y2", "name": recall,
         "line": {"color": ACCENT, "width": 2}, "hovertemplate": "%{x|%Y-%m-%d}: %{y}%<extra>" + recall + "</extra>"},
        {"type": "scatter", "mode": "lines", "x": _dates(d.date for d in ahead),
         "y": [None if d.recall is None else round(100 * d.recall, 1) for d in ahead], "yaxis": "y2",
         "name": _("Recall if no more reviews"), "line": {"color": ACCENT, "width": 1.5, "dash": "dash"},
         "hovertemplate": "%{x|%Y-%m-%d}: %{y}%<extra></extra>"},
    ]
    return _figure(
        data, height=300, barmode="overlay", xaxis={**DATE_AXIS, "range": [x[0], x[-1]]} if x else DATE_AXIS,
        yaxis={"title": {"text": _("Reviews due")}, "rangemode": "tozero"},
        yaxis2={"title": {"text": _("Recall (%)")}, "overlaying": "y", "side": "right", "range": [0, 100], "showgrid": False},
    )
