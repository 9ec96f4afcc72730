"""The charts drawn on the server (apps/dashboard/preview.py): each one is well-formed SVG drawn from the
same figure plotly.js draws later, shows the same series, escapes every text, and works for learners in
every state (before day 1, paused, late, finished, nothing done)."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from apps.curriculum.models import Milestone, Topic
from apps.dashboard import preview
from apps.progress.models import CheckIn, Pause, TopicProgress
from apps.progress.services import enroll
from tests.dashboard.test_dashboard_page import figures

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def drawings(html: str) -> dict[str, ET.Element]:
    """Each chart box's drawing, parsed as XML (so it is well-formed and every text escaped)."""
    found = re.finditer(r'<div class="plot" data-figure="(fig-[a-z]+)"[^>]*>(<div class="preview".*?</div>)</div>\n', html, re.S)
    parsed = {}
    for match in found:
        markup = match.group(2).replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
        parsed[match.group(1)] = ET.fromstring(markup.replace("&nbsp;", " "))
    return parsed


def titles(element) -> list[str]:
    return [t.text for t in element.iter() if t.tag.endswith("title") and t.text]


def a_busy_learner(alice):
    CheckIn.objects.bulk_create([
        CheckIn(user=alice, local_date=date(2026, 11, d), slot=s, status="done", minutes=30 * s) for d in range(1, 10) for s in (1, 2, 3)
    ])
    TopicProgress.objects.bulk_create([
        TopicProgress(user=alice, topic=t, status="done", closed_on=date(2026, 11, 6)) for t in Topic.objects.filter(end_day__lte=5)
    ])


def test_every_chart_is_drawn_with_the_page(alice_client, alice, frozen):
    a_busy_learner(alice)
    html = alice_client.get("/dashboard/").content.decode()
    drawn, figs = drawings(html), figures(html)
    assert set(drawn) == set(figs) == {"fig-burndown", "fig-hours", "fig-heatmap", "fig-phases", "fig-reviews"}

    burndown = drawn["fig-burndown"]
    paths = [p for p in burndown.iter(f"{SVG}path") if p.get("vector-effect")]
    names = [t.text for p in paths for t in p if t.tag.endswith("title")]
    assert names == ["Ideal (on plan or ahead below it)", "Remaining", "Forecast (pace of the last 10 active days)"]
    # The remaining line has one point per date up to today, and ends at what is left.
    remaining = figs["fig-burndown"]["data"][1]
    assert paths[1].get("d").count("L") == len(remaining["y"]) - 1
    assert paths[1].get("d").endswith(f" {drawing_y(burndown, remaining['y'][-1], figs['fig-burndown'])}")
    # Milestones carry their titles, as plotly's hover does.
    marks = [t for t in titles(burndown) if t.startswith("◆")]
    assert len(marks) == Milestone.objects.count() and any("Day 30" in m for m in marks)
    # The legend names the same traces.
    legend = [" ".join(li.itertext()).strip() for li in burndown.iter("li")]
    assert legend == [t["name"] for t in figs["fig-burndown"]["data"]]
    # Today's line sits where today falls on the x axis.
    lo, hi = (date.fromisoformat(d) for d in figs["fig-burndown"]["layout"]["xaxis"]["range"])
    today = (date(2026, 11, 10) - lo).days / (hi - lo).days
    assert any(abs(float(line.get("x1").rstrip("%")) - 100 * today) < 0.01 for line in burndown.iter(f"{SVG}line") if line.get("stroke") == "#b3261e")


def drawing_y(drawing, value, figure):
    """The y pixel the drawing gives a value on its first axis."""
    layout = figure["layout"]
    height = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    top = max(figure["data"][0]["y"]) * 1.05
    return round(height * (1 - value / top), 1)


def test_the_bars_stack_to_the_hours_of_each_week(alice_client, alice, frozen):
    a_busy_learner(alice)
    html = alice_client.get("/dashboard/").content.decode()
    hours, fig = drawings(html)["fig-hours"], figures(html)["fig-hours"]
    bars = [r for r in hours.iter(f"{SVG}rect") if r.get("fill", "").startswith("#") and r.find(f"{SVG}title") is not None]
    values = [v for t in fig["data"] if t["type"] == "bar" for v in t["y"] if v]
    assert len(bars) == len(values) > 0
    hover = sorted(t.text for b in bars for t in b if t.tag.endswith("title"))
    assert any(h.startswith("1.5 h · Weekdays 20:00") for h in hover), hover  # 90 minutes, as plotly's hover says


def test_the_heatmap_has_a_cell_per_studied_day_and_the_phases_their_percent(alice_client, alice, frozen):
    a_busy_learner(alice)
    html = alice_client.get("/dashboard/").content.decode()
    drawn = drawings(html)
    cells = [r for r in drawn["fig-heatmap"].iter(f"{SVG}rect") if r.get("class") == "cell"]
    studied = [t for t in titles(drawn["fig-heatmap"]) if "180 min" in t]
    assert len(studied) == 9  # 30 + 60 + 90 minutes on each of nine days
    assert len(cells) >= 9
    assert {c.get("fill") for c in cells if "180 min" in titles(c)[0]} == {"#2f6f4f"}  # the most, the darkest
    phases = [r for r in drawn["fig-phases"].iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    percent = figures(html)["fig-phases"]["data"][0]["x"]
    assert [float(r.get("width").rstrip("%")) for r in phases] == pytest.approx(percent, abs=0.01)


def test_every_text_is_escaped(alice_client, alice, frozen):
    Milestone.objects.filter(day=30).update(title='<script>alert("x")</script> & co')
    html = alice_client.get("/dashboard/").content.decode()
    assert "<script>alert" not in html
    marks = [t for t in titles(drawings(html)["fig-burndown"]) if "Day 30" in t]
    assert marks and '<script>alert("x")</script> & co' in marks[0]


@pytest.mark.parametrize("state", ["before", "paused", "late", "finished", "nothing"])
def test_every_state_draws(client, django_user_model, plan, frozen, state):
    user = django_user_model.objects.create_user(state, password="x")
    start = {"before": date(2026, 12, 1), "late": date(2026, 1, 1), "finished": date(2026, 4, 1)}.get(state, date(2026, 11, 1))
    enroll(user=user, plan=plan, start_date=start, timezone="UTC")
    if state == "paused":
        Pause.objects.create(user=user, start_date=date(2026, 11, 5), end_date=date(2026, 11, 20))
    if state == "finished":
        TopicProgress.objects.bulk_create([TopicProgress(user=user, topic=t, status="done", closed_on=start + timedelta(days=t.end_day))
                                           for t in plan.topics.all()])
    client.force_login(user)
    html = client.get("/dashboard/").content.decode()
    assert len(drawings(html)) == 5, state


def test_axis_ticks_are_few_and_numeric():
    for days in (1, 5, 20, 60, 200, 900, 5000):
        lo = date(2026, 11, 1).toordinal()
        ticks = preview._date_ticks(lo, lo + days, 6)
        assert 1 <= len(ticks) <= 6, (days, ticks)
        assert all(re.fullmatch(r"\d{2}-\d{2}|\d{4}-\d{2}", label) for _d, label in ticks)
    assert preview._nice_ticks(0, 189, 5) == [0, 50, 100, 150]
    assert preview._nice_ticks(0, 1.05, 5) == [0, 0.25, 0.5, 0.75, 1.0]
