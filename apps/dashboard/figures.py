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

from apps.dashboard.charts import Burndown, HeatDay, PhaseProgress, Week

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


def _dates(values) -> list[str]:
    return [d.isoformat() for d in values]


def _figure(data: list[dict], **layout) -> dict:
    return {"data": data, "layout": {**BASE_LAYOUT, **layout}}


def burndown_figure(b: Burndown, *, phase_ends: list, milestones: list[tuple[int, object]], today) -> dict:
    label = _("Day %(day)s")  # translated once, not per point: "第 5 天" in Chinese
    labels = [label % {"day": d} for d in b.days]
    dates = _dates(b.dates)
    done = len(b.actual)
    data = [
        {"type": "scatter", "x": dates, "y": b.ideal, "name": _("Ideal"), "mode": "lines",
         "line": {"color": MUTED, "width": 1.5}, "customdata": labels,
         "hovertemplate": "%{customdata}: %{y}<extra>" + _("Ideal") + "</extra>"},
        {"type": "scatter", "x": dates[:done], "y": b.actual, "name": _("Remaining"), "mode": "lines",
         "line": {"color": ACCENT, "width": 2.5}, "customdata": labels[:done],
         "hovertemplate": "%{customdata}: %{y}<extra>" + _("Remaining") + "</extra>"},
    ]
    if b.finish_date is not None and b.remaining > 0:
        data.append({
            "type": "scatter", "x": _dates([today, b.finish_date]), "y": [b.remaining, 0], "name": _("Forecast"),
            "mode": "lines", "line": {"color": ACCENT, "dash": "dash", "width": 1.5},
            "hovertemplate": "%{x|%Y-%m-%d}: %{y:.0f}<extra></extra>",
        })
    shapes, annotations = [], []
    for when in _dates(phase_ends):
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": when, "x1": when, "y0": 0, "y1": 1,
                       "line": {"color": MUTED, "width": 1, "dash": "dot"}})
    for day, when in milestones:
        when = when.isoformat()
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": when, "x1": when, "y0": 0, "y1": 1,
                       "line": {"color": "#b07d2b", "width": 1}})
        annotations.append({"x": when, "y": 1, "xref": "x", "yref": "paper", "text": f"◆ {day}", "showarrow": False,
                            "yanchor": "bottom", "font": {"size": 10, "color": "#b07d2b"}})
    now = today.isoformat()
    shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": now, "x1": now, "y0": 0, "y1": 1,
                   "line": {"color": "#b3261e", "width": 1.5}})
    annotations.append({"x": now, "y": 0, "xref": "x", "yref": "paper", "text": _("today"), "showarrow": False,
                        "yanchor": "bottom", "xanchor": "left", "font": {"size": 10, "color": "#b3261e"}})
    for start, end in _paused_spans(b):
        shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": start.isoformat(),
                       "x1": (end + timedelta(days=1)).isoformat(), "y0": 0, "y1": 1, "fillcolor": MUTED,
                       "opacity": 0.15, "line": {"width": 0}})
    return _figure(
        data, shapes=shapes, annotations=annotations, height=380,
        yaxis={"title": {"text": _("Topic-days remaining")}, "rangemode": "tozero"}, xaxis={"type": "date"},
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
    x = _dates(w.start for w in weeks)
    data = [
        {"type": "bar", "x": x, "y": [round(w.logged.get(key, 0) / 60, 2) for w in weeks], "name": label,
         "marker": {"color": SLOT_COLOURS[i % len(SLOT_COLOURS)]}, "hovertemplate": "%{y} h<extra>" + label + "</extra>"}
        for i, (key, label) in enumerate(slot_labels.items())
    ]
    data.append({
        "type": "scatter", "x": x, "y": [round(w.planned_total / 60, 2) for w in weeks], "name": _("Planned"),
        "mode": "lines+markers", "line": {"color": MUTED, "dash": "dot"},
        "hovertemplate": "%{y} h<extra>" + _("Planned") + "</extra>",
    })
    return _figure(data, barmode="stack", height=320, yaxis={"title": {"text": _("Hours per week")}},
                   xaxis={"type": "date"})


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
         "zmin": 0, "colorbar": {"title": {"text": "min"}, "thickness": 10}},
        {**cell, "z": paused, "colorscale": [[0, "#c9c9cc"], [1, "#c9c9cc"]], "showscale": False, "name": _("Paused")},
    ]
    return _figure(data, hovermode="closest", height=230, yaxis={"autorange": "reversed"}, xaxis={"type": "date"})


def _cell_text(day: HeatDay) -> str:
    if day.state == "paused":
        return f"{day.date:%Y-%m-%d} · " + _("paused")
    if day.state in ("before", "future"):
        return f"{day.date:%Y-%m-%d}"
    return f"{day.date:%Y-%m-%d} · {day.minutes} min"


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
