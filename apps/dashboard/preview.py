"""Each dashboard figure drawn as plain SVG on the server, from the same figure dict that plotly.js draws,
so the charts paint with the page and no script runs before the learner reaches for one. Evaluating
plotly.js and drawing the burn-down was all of the dashboard's blocking time (bench/README.md); now
dashboard.js loads plotly.js only when a chart is hovered, tapped or focused, and plotly.js then draws
the same figure in its place, with hovers, zoom and the mode bar.

It knows what our figures use and nothing more: scatter traces (lines, dashes, markers, fill to zero,
gaps), bars (vertical, stacked or overlaid; horizontal with text), heatmaps with a colour scale; a date,
linear or category axis; a second y axis; line and rectangle shapes; text annotations; a legend.
Positions across are percentages of the width, so a chart fills a phone or a desktop without scaling its
text; lines sit in a box stretched to the width, with strokes that do not stretch (vector-effect).
Every point with a hover in plotly.js has the same text here as a <title> tooltip.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDE = 1000  # the stretched box's width in its own units
DASHES = {"dash": "6 4", "dot": "2 3", "dashdot": "6 3 2 3"}
DEFAULT_MARGIN = {"l": 48, "r": 12, "t": 12, "b": 40}
X_LABELS = 24  # px under the plot for the x axis' labels


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _pct(fraction: float) -> str:
    return f"{100 * fraction:.3f}".rstrip("0").rstrip(".") + "%"


@dataclass
class Axis:
    """Maps values to a fraction of the axis (0 at the start: left, or bottom)."""

    kind: str  # "date", "linear" or "category"
    lo: float
    hi: float
    reverse: bool = False
    categories: list[str] = field(default_factory=list)
    suffix: str = ""

    def value(self, v) -> float | None:
        if v is None:
            return None
        if self.kind == "date":
            return float(date.fromisoformat(str(v)[:10]).toordinal())
        if self.kind == "category":
            return float(self.categories.index(v))
        return float(v)

    def frac(self, v) -> float | None:
        x = self.value(v)
        if x is None:
            return None
        f = (x - self.lo) / ((self.hi - self.lo) or 1)
        return 1 - f if self.reverse else f

    def ticks(self, most: int = 6) -> list[tuple[float, str]]:
        if self.kind == "category":
            return [(self.frac(c), c) for c in self.categories]
        if self.kind == "date":
            return [(self.frac(d.isoformat()), label) for d, label in _date_ticks(self.lo, self.hi, most)]
        return [(self.frac(v), _num(v) + self.suffix) for v in _nice_ticks(self.lo, self.hi, most - 1)]


def _nice_ticks(lo: float, hi: float, count: int) -> list[float]:
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    return [first + i * step for i in range(int((hi - first) / step + 1e-9) + 1)]


def _date_ticks(lo: float, hi: float, most: int) -> list[tuple[date, str]]:
    """Ticks on whole days, weeks or months, at most `most` of them; labels as the figures' own
    tickformatstops have them (numbers, no month names): 01-15 below four weeks a tick, 2027-01 above."""
    start, end = date.fromordinal(math.ceil(lo)), date.fromordinal(math.floor(hi))
    span = (end - start).days
    for days in (1, 2, 7, 14):
        if span / days < most:
            return [(start + timedelta(days=i * days), f"{start + timedelta(days=i * days):%m-%d}")
                    for i in range(span // days + 1)]
    months = span / 30.4
    step = next((m for m in (1, 2, 3, 6, 12, 24, 60) if months / m < most), 120)
    first = date(start.year, start.month, 1)
    if first < start:
        first = date(first.year + (first.month // 12), first.month % 12 + 1, 1)
    ticks, current = [], first
    while current <= end:
        if (current.year * 12 + current.month - 1) % step == 0:
            ticks.append((current, f"{current:%Y-%m}"))
        current = date(current.year + (current.month // 12), current.month % 12 + 1, 1)
    return ticks


def _values_kind(values, declared: str | None) -> str:
    if declared in ("date", "linear", "category"):
        return declared
    sample = next((v for v in values if v is not None), 0)
    return "linear" if isinstance(sample, int | float) else "category"


def _hover(template: str, point: dict) -> str:
    """A plotly hovertemplate filled in for one point: %{x}, %{y:.0f}, %{x|%Y-%m-%d}, %{customdata}, and
    the <extra> part after a dot."""
    text = re.sub(r"<extra>(.*?)</extra>", lambda m: f" · {m.group(1)}" if m.group(1) else "", template)

    def one(match):
        value = point.get(match.group(1))
        form = match.group(2) or ""
        if value is None:
            return ""
        if form.startswith("|"):
            return str(value)[:10]
        if form.startswith(":") and isinstance(value, int | float):
            return format(value, form[1:])
        return _num(value) if isinstance(value, float) else str(value)

    return re.sub(r"%\{(\w+)([|:][^}]*)?\}", one, text)


def _title(trace: dict, point: dict) -> str:
    template = trace.get("hovertemplate")
    text = _hover(template, point) if template else f"{point.get('x')}: {point.get('y')}"
    return f"<title>{escape(text)}</title>"


def _colour_at(scale: list, t: float) -> str:
    t = min(max(t, 0.0), 1.0)
    for (a, ca), (b, cb) in zip(scale, scale[1:], strict=False):
        if a <= t <= b:
            k = (t - a) / ((b - a) or 1)
            left, right = (int(ca[i:i + 2], 16) for i in (1, 3, 5)), (int(cb[i:i + 2], 16) for i in (1, 3, 5))
            return "#" + "".join(f"{round(x + (y - x) * k):02x}" for x, y in zip(left, right, strict=True))
    return scale[-1][1]


class Drawing:
    """One figure's SVG; `html()` gives the finished markup."""

    def __init__(self, figure: dict):
        self.data = figure["data"]
        self.layout = layout = figure["layout"]
        self.margin = {**DEFAULT_MARGIN, **layout.get("margin", {})}
        self.has_y2 = "yaxis2" in layout
        if self.has_y2:
            self.margin["r"] = max(self.margin["r"], 44)
        self.horizontal = any(t.get("orientation") == "h" for t in self.data)
        if self.horizontal:
            self.margin["l"] = 12  # category labels go above their bars, not beside them
        self.height = layout.get("height", 300)
        self.plot_height = self.height - self.margin["t"] - self.margin["b"]
        self.x = self._x_axis()
        self.y = self._y_axis("yaxis", [t for t in self.data if t.get("yaxis", "y") == "y"])
        self.y2 = self._y_axis("yaxis2", [t for t in self.data if t.get("yaxis") == "y2"]) if self.has_y2 else None
        self.back: list[str] = []  # gridlines, shapes: under the traces
        self.lines: list[str] = []  # paths in the stretched box
        self.front: list[str] = []  # bars, cells, markers, text

    # Axes -----------------------------------------------------------------------------------------
    def _x_axis(self) -> Axis:
        spec = self.layout.get("xaxis", {})
        if self.horizontal:
            lo, hi = spec.get("range", [0, max((v for t in self.data for v in t["x"] if v is not None), default=1)])
            return Axis("linear", lo, hi, suffix=spec.get("ticksuffix", ""))
        values = [v for t in self.data for v in t.get("x", []) if v is not None]
        kind = _values_kind(values, spec.get("type"))
        if kind == "category":
            categories = list(dict.fromkeys(values))
            return Axis("category", -0.5, len(categories) - 0.5, categories=categories)
        probe = Axis(kind, 0, 1)
        numbers = sorted({probe.value(v) for v in values})
        if "range" in spec:
            lo, hi = (probe.value(v) for v in spec["range"])
        else:
            lo, hi = (numbers[0], numbers[-1]) if numbers else (0.0, 1.0)
            if any(t["type"] in ("bar", "heatmap") for t in self.data):  # room for the first and last bar
                gap = min((b - a for a, b in zip(numbers, numbers[1:], strict=False)), default=1)
                lo, hi = lo - gap / 2, hi + gap / 2
        return Axis(kind, lo, hi)

    def _y_axis(self, name: str, traces: list[dict]) -> Axis:
        spec = self.layout.get(name, {})
        reverse = spec.get("autorange") == "reversed"
        if self.horizontal or any(t["type"] == "heatmap" for t in traces):
            categories = list(dict.fromkeys(v for t in traces for v in t["y"]))
            return Axis("category", -0.5, len(categories) - 0.5, reverse=reverse, categories=categories)
        if "range" in spec:
            return Axis("linear", *spec["range"])
        tops = [v for t in traces if t["type"] != "bar" for v in t["y"] if v is not None]
        stacked: dict = {}
        for t in traces:
            if t["type"] == "bar":
                for x, v in zip(t["x"], t["y"], strict=True):
                    stacked[x] = (stacked.get(x, 0) if self.layout.get("barmode") == "stack" else 0) + (v or 0)
                    tops.append(stacked[x])
        hi = max(tops, default=1) or 1
        lo = 0 if spec.get("rangemode") == "tozero" or stacked else min(tops, default=0)
        return Axis("linear", min(lo, 0) if stacked else lo, hi * 1.05)

    def py(self, axis: Axis, v) -> float | None:
        f = axis.frac(v)
        return None if f is None else round(self.plot_height * (1 - f), 1)

    # Parts ----------------------------------------------------------------------------------------
    def grid(self) -> None:
        h = self.plot_height
        if not self.horizontal:
            for f, label in self.y.ticks():
                y = round(h * (1 - f), 1)
                if self.y.kind == "linear":
                    self.back.append(f'<line class="gridline" x1="0" x2="100%" y1="{y}" y2="{y}"/>')
                self.front.append(f'<text class="tick" x="-6" y="{y}" dy=".35em" text-anchor="end">{escape(label)}</text>')
            if self.y2:
                ticks = "".join(f'<text class="tick" x="6" y="{round(h * (1 - f), 1)}" dy=".35em">{escape(label)}</text>'
                                for f, label in self.y2.ticks())
                self.front.append(f'<svg x="100%" y="0" overflow="visible">{ticks}</svg>')
        for i, (f, label) in enumerate(self.x.ticks()):
            if self.x.kind == "linear":
                self.back.append(f'<line class="gridline" x1="{_pct(f)}" x2="{_pct(f)}" y1="0" y2="{h}"/>')
            self.front.append(f'<text class="tick{" odd" if i % 2 else ""}" x="{_pct(f)}" y="{h + 16}" text-anchor="middle">'
                              f"{escape(label)}</text>")
        self.back.append(f'<line class="axisline" x1="0" x2="100%" y1="{h}" y2="{h}"/>')
        for name, x in (("yaxis", -self.margin["l"] + 12), ("yaxis2", self.margin["r"] - 10)):
            title = self.layout.get(name, {}).get("title", {}).get("text")
            if title:
                where = ' x="100%"' if name == "yaxis2" else ""
                self.front.append(f'<svg{where} y="{h / 2}" overflow="visible"><text class="axis-title" x="0" y="{x}" '
                                  f'transform="rotate(-90)" text-anchor="middle">{escape(title)}</text></svg>')

    def scatter(self, t: dict) -> None:
        axis = self.y2 if t.get("yaxis") == "y2" else self.y
        mode = t.get("mode", "lines")
        line = t.get("line", {})
        colour = line.get("color") or t.get("marker", {}).get("color", "currentColor")
        points = [(self.x.frac(x), self.py(axis, y)) for x, y in zip(t["x"], t["y"], strict=True)]
        if "lines" in mode:
            segments, current = [], []
            for fx, y in points:
                if fx is None or y is None:
                    segments, current = segments + [current] if current else segments, []
                else:
                    current.append(f"{_num(fx * WIDE)} {y}")
            segments += [current] if current else []
            if t.get("fill") == "tozeroy" and segments:
                base = self.py(axis, 0)
                for seg in segments:
                    first, last = seg[0].split()[0], seg[-1].split()[0]
                    self.lines.append(f'<path d="M{first} {base}L{"L".join(seg)}L{last} {base}Z" fill="{t["fillcolor"]}" stroke="none"/>')
            dash = DASHES.get(line.get("dash"), "")
            for seg in segments:
                self.lines.append(
                    f'<path d="M{"L".join(seg)}" fill="none" stroke="{colour}" stroke-width="{line.get("width", 2)}"'
                    + (f' stroke-dasharray="{dash}"' if dash else "")
                    + f' vector-effect="non-scaling-stroke"><title>{escape(t.get("name", ""))}</title></path>'
                )
        if "markers" in mode:
            marker = t.get("marker", {})
            size = marker.get("size", 6) / 2
            shape = (f'<path d="M0 {-size - 1}L{size + 1} 0 0 {size + 1}{-size - 1} 0Z"' if marker.get("symbol") == "diamond"
                     else f'<circle r="{size}"')
            for i, (fx, y) in enumerate(points):
                if fx is None or y is None:
                    continue
                point = {"x": t["x"][i], "y": t["y"][i], "customdata": (t.get("customdata") or [None] * len(points))[i]}
                self.front.append(f'<svg x="{_pct(fx)}" y="{y}" overflow="visible">{shape} fill="{marker.get("color", colour)}">'
                                  f'{_title(t, point)}</{"path" if "path" in shape else "circle"}></svg>')

    def bars(self, traces: list[dict]) -> None:
        if self.horizontal:
            return self.horizontal_bars(traces)
        xs = sorted({self.x.value(x) for t in traces for x in t["x"]})
        gap = min((b - a for a, b in zip(xs, xs[1:], strict=False)), default=self.x.hi - self.x.lo)
        width = 0.8 * gap / ((self.x.hi - self.x.lo) or 1)
        base: dict = {}
        stack = self.layout.get("barmode") == "stack"
        for t in traces:
            colour = t.get("marker", {}).get("color", "currentColor")
            for x, v in zip(t["x"], t["y"], strict=True):
                if not v:
                    continue
                bottom = base.get(x, 0) if stack else 0
                top = bottom + v
                if stack:
                    base[x] = top
                y0, y1 = self.py(self.y, bottom), self.py(self.y, top)
                self.front.append(f'<rect x="{_pct(self.x.frac(x) - width / 2)}" width="{_pct(width)}" y="{y1}" '
                                  f'height="{round(y0 - y1, 1)}" fill="{colour}">{_title(t, {"x": x, "y": v})}</rect>')
        return None

    def horizontal_bars(self, traces: list[dict]) -> None:
        band = self.plot_height / max(len(self.y.categories), 1)
        for t in traces:
            colour = t.get("marker", {}).get("color", "currentColor")
            texts = t.get("text") or [""] * len(t["x"])
            for value, category, text in zip(t["x"], t["y"], texts, strict=True):
                top = round(self.plot_height * (1 - self.y.frac(category)) - band / 2, 1)
                point = {"x": value, "y": category}
                self.front.append(f'<text class="bar-label" x="0" y="{top + 13}">{escape(category)}</text>')
                self.front.append(f'<rect class="bar-track" x="0" width="100%" y="{top + 18}" height="{round(band - 24, 1)}"/>')
                self.front.append(f'<rect x="0" width="{_pct(self.x.frac(value) or 0)}" y="{top + 18}" height="{round(band - 24, 1)}" '
                                  f'fill="{colour}">{_title(t, point)}</rect>')
                if text:
                    self.front.append(f'<text class="bar-text" x="100%" y="{top + 13}" text-anchor="end">{escape(text)}</text>')

    def heatmap(self, t: dict) -> None:
        xs = [self.x.value(x) for x in t["x"]]
        step = min((b - a for a, b in zip(xs, xs[1:], strict=False)), default=7)
        width = step / ((self.x.hi - self.x.lo) or 1)
        band = self.plot_height / max(len(self.y.categories), 1)
        values = [v for row in t["z"] for v in row if v is not None]
        lo, hi = t.get("zmin", min(values, default=0)), t.get("zmax", max(values, default=1))
        for r, (category, row) in enumerate(zip(t["y"], t["z"], strict=True)):
            top = round(self.plot_height * (1 - self.y.frac(category)) - band / 2, 1)
            for c, (x, z) in enumerate(zip(t["x"], row, strict=True)):
                if z is None:
                    continue
                fill = _colour_at(t["colorscale"], (z - lo) / ((hi - lo) or 1))
                text = t["text"][r][c] if t.get("text") else f"{x} {category}: {z}"
                self.front.append(f'<rect class="cell" x="{_pct(self.x.frac(x) - width / 2)}" width="{_pct(width)}" y="{top}" '
                                  f'height="{round(band, 1)}" fill="{fill}">{_title(t, {"text": text, "x": x, "y": category, "z": z})}</rect>')

    def shapes(self) -> None:
        h = self.plot_height
        for s in self.layout.get("shapes", []):
            line = s.get("line", {})
            x0, x1 = self.x.frac(s["x0"]), self.x.frac(s["x1"])
            if s["type"] == "line":
                dash = DASHES.get(line.get("dash"), "")
                self.back.append(f'<line x1="{_pct(x0)}" x2="{_pct(x1)}" y1="0" y2="{h}" stroke="{line.get("color", "currentColor")}" '
                                 f'stroke-width="{line.get("width", 1)}"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
            elif s["type"] == "rect":
                self.back.append(f'<rect x="{_pct(x0)}" width="{_pct(max(x1 - x0, 0))}" y="0" height="{h}" '
                                 f'fill="{s.get("fillcolor", "currentColor")}" opacity="{s.get("opacity", 1)}"/>')

    def annotations(self) -> None:
        anchors = {"left": "start", "right": "end", "center": "middle"}
        for a in self.layout.get("annotations", []):
            fx = self.x.frac(a["x"])
            y = self.plot_height * (1 - a["y"]) if a.get("yref") == "paper" else self.py(self.y, a["y"])
            font = a.get("font", {})
            style = f'font-size="{font.get("size", 12)}" fill="{font.get("color", "currentColor")}"'
            anchor = anchors.get(a.get("xanchor", "center"), "middle")
            dx, dy = (a.get("ax", -10), a.get("ay", -30)) if a.get("showarrow") else (0, -3 if a.get("yanchor") == "bottom" else 0)
            arrow = f'<line x1="{dx}" y1="{dy}" x2="0" y2="0" stroke="{font.get("color", "currentColor")}"/>' if a.get("showarrow") else ""
            turn = f' transform="rotate({a["textangle"]} {dx} {dy})"' if a.get("textangle") else ""
            self.front.append(f'<svg x="{_pct(fx)}" y="{round(y, 1)}" overflow="visible">{arrow}<text x="{dx}" y="{dy}" '
                              f'text-anchor="{anchor}" {style}{turn}>{escape(a["text"])}</text></svg>')

    def legend(self) -> str:
        items = []
        for t in self.data:
            if t["type"] == "heatmap" and t.get("showscale", True):
                stops = ", ".join(f"{c} {_pct(p)}" for p, c in t["colorscale"])
                values = [v for row in t["z"] for v in row if v is not None]
                title = t.get("colorbar", {}).get("title", {}).get("text", "")
                items.append(f'<li>{escape(title)} {_num(t.get("zmin", 0))} <span class="scale" style="background:linear-gradient(90deg, {stops})">'
                             f'</span> {_num(max(values, default=0))}</li>')
        shown = [t for t in self.data if t["type"] != "heatmap" and t.get("name")]
        if len(shown) > 1:
            for t in shown:
                line = t.get("line", {})
                colour = line.get("color") or t.get("marker", {}).get("color", "currentColor")
                if t["type"] == "bar":
                    key = f'<rect x="4" y="0" width="16" height="10" fill="{colour}"/>'
                elif "lines" in t.get("mode", "lines"):
                    dash = DASHES.get(line.get("dash"), "")
                    key = f'<line x1="0" x2="24" y1="5" y2="5" stroke="{colour}" stroke-width="{min(line.get("width", 2), 3)}"' + (
                        f' stroke-dasharray="{dash}"' if dash else "") + "/>"
                else:
                    key = f'<path d="M12 0L17 5 12 10 7 5Z" fill="{t.get("marker", {}).get("color", colour)}"/>'
                items.append(f'<li><svg width="24" height="10" aria-hidden="true">{key}</svg>{escape(t["name"])}</li>')
        return f'<ul class="legend">{"".join(items)}</ul>' if items else ""

    def html(self) -> SafeString:
        self.grid()
        self.shapes()
        bars = [t for t in self.data if t["type"] == "bar"]
        if bars:
            self.bars(bars)
        for t in self.data:
            if t["type"] == "scatter":
                self.scatter(t)
            elif t["type"] == "heatmap":
                self.heatmap(t)
        self.annotations()
        m, h = self.margin, self.plot_height
        stretched = (f'<svg viewBox="0 0 {WIDE} {h}" preserveAspectRatio="none" width="100%" height="{h}">{"".join(self.lines)}</svg>'
                     if self.lines else "")
        return mark_safe(  # noqa: S308 - every text above went through escape(); the rest are numbers and our colours
            f'<div class="preview" aria-hidden="true"><div class="preview-area" style="margin:{m["t"]}px {m["r"]}px {X_LABELS}px {m["l"]}px">'
            f'<svg width="100%" height="{h}" overflow="visible" focusable="false">{"".join(self.back)}{stretched}{"".join(self.front)}</svg>'
            f"</div>{self.legend()}</div>"
        )


def render(figure: dict) -> SafeString:
    """The figure as an SVG drawing, for the page to show until plotly.js replaces it."""
    return Drawing(figure).html()
