"""The dashboard page: tiles, charts as JSON figures with table alternatives, HTMX refresh, queries, weight."""

import gzip
import json
import re
from datetime import date, timedelta

import pytest
from django.contrib.staticfiles import finders

from apps.curriculum.models import Topic
from apps.progress.models import CheckIn, TopicProgress

pytestmark = pytest.mark.django_db


def figures(html):
    found = re.finditer(r'<script id="(fig-[a-z]+)" type="application/json">(.*?)</script>', html, re.S)
    return {m.group(1): json.loads(m.group(2)) for m in found}


def test_it_shows_tiles_charts_and_tables(alice_client, alice, frozen):
    CheckIn.objects.create(user=alice, local_date=date(2026, 11, 9), slot=3, status="done", minutes=150)
    TopicProgress.objects.create(user=alice, topic=Topic.objects.get(key="1.1"), status="done", closed_on=date(2026, 11, 3))
    response = alice_client.get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Day 10 of 180" in html and "2%" in html  # 3 of 180 topic-days
    assert "behind by 6 days" in html and "buffer-red" in html and "day 30, in 20 days" in html
    figs = figures(html)
    assert set(figs) == {"fig-burndown", "fig-hours", "fig-heatmap", "fig-phases", "fig-reviews"}
    names = [trace.get("name") for trace in figs["fig-burndown"]["data"]]
    assert names[:2] == ["Ideal (on plan or ahead below it)", "Remaining"] and "Milestones" in names
    assert "Forecast (pace of the last 10 active days)" in names
    # 3 topic-days in the last 10 active days: 177 left take 590 days, far past the plan's end. The x axis
    # stays on the plan's dates (and a small margin); the forecast is cut there, with a label.
    layout = figs["fig-burndown"]["layout"]
    assert layout["xaxis"]["range"] == ["2026-10-31", "2027-05-03"]
    [late] = [a for a in layout["annotations"] if a["text"].startswith("at this pace")]
    assert late["text"] == "at this pace: 2028-06-22, 14 months late" and late["x"] == "2027-05-03"
    assert "At the pace of the last 10 active days you finish on 2028-06-22 (14 months late)." in html
    assert html.count("View as table") == 5
    assert "<td>2026-11-09</td><td>9</td><td>171</td><td>177</td>" in html  # the burn-down's table row for day 9
    assert "<script>" not in html.replace('<script id="', "")  # no inline script without a nonce


def test_every_figure_is_valid_plotly(alice_client, alice, frozen):
    """The figures are built as plain dicts for speed; plotly's own validator checks every property here."""
    import plotly.graph_objects as go

    from apps.progress.models import Pause

    CheckIn.objects.create(user=alice, local_date=date(2026, 11, 9), slot=3, status="done", minutes=150)
    TopicProgress.objects.create(user=alice, topic=Topic.objects.get(key="1.1"), status="done", closed_on=date(2026, 11, 9))
    Pause.objects.create(user=alice, start_date=date(2026, 11, 5), end_date=date(2026, 11, 6))
    figs = figures(alice_client.get("/dashboard/").content.decode())
    assert len(figs) == 5
    for name, fig in figs.items():
        validated = go.Figure(fig)  # raises ValueError on any property plotly does not know
        assert len(validated.data) == len(fig["data"]), name
    burndown = figs["fig-burndown"]
    assert [s["type"] for s in burndown["layout"]["shapes"]].count("rect") == 1  # the pause
    assert burndown["data"][0]["x"][0] == "2026-10-31"  # plan day 0, as an ISO date


def test_no_forecast_without_recent_work(alice_client, frozen):
    assert "No forecast: nothing was done in the last 14 active days." in alice_client.get("/dashboard/").content.decode()


def test_htmx_gets_only_the_live_part(alice_client, frozen):
    response = alice_client.get("/dashboard/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="live"') and "<html" not in html
    assert 'hx-trigger="checkin-saved from:body, topic-saved from:body"' in html


def test_a_check_in_from_the_dashboard_uses_the_compact_card_and_triggers_the_refresh(alice_client, alice, frozen):
    html = alice_client.get("/dashboard/").content.decode()
    assert 'name="compact" value="1"' in html and "Topics touched" not in html
    data = {"date": "2026-11-10", "slot": "1", "status": "done", "compact": "1"}
    response = alice_client.post("/checkins/", data, HTTP_HX_REQUEST="true")
    assert "checkin-saved" in response["HX-Trigger"] and "Topics touched" not in response.content.decode()


@pytest.mark.parametrize("history", [0, 1, 540])
def test_five_queries_whatever_the_history(alice_client, alice, plan, frozen, django_assert_max_num_queries, history):
    first = date(2026, 11, 10) - timedelta(days=179)
    CheckIn.objects.bulk_create([
        CheckIn(user=alice, local_date=first + timedelta(days=i // 3), slot=i % 3 + 1, status="done", minutes=60)
        for i in range(history)
    ][::-1][:history])
    if history == 540:
        TopicProgress.objects.bulk_create([
            TopicProgress(user=alice, topic=t, status="done", closed_on=date(2026, 11, 5)) for t in Topic.objects.filter(plan=plan)
        ])
    alice_client.get("/dashboard/")  # the first request in a process also reads the plan into the plan cache
    # the user with enrollment and plan; the learner's pauses, topic progress and check-ins; their review logs (the
    # session is in Redis)
    with django_assert_max_num_queries(5):
        assert alice_client.get("/dashboard/").status_code == 200


def test_the_burndown_series_needs_no_query_of_its_own(alice, frozen, django_assert_num_queries):
    from apps.dashboard import charts
    from apps.progress.learner import Learner

    day = Learner.load(alice).day  # the learner's day: pauses, topic progress, check-ins
    with django_assert_num_queries(0):
        charts.burndown(day, charts.history_of(day))


def test_the_first_load_stays_under_700_kb_gzipped(alice_client, frozen):
    html = alice_client.get("/dashboard/").content
    total = len(gzip.compress(html))
    for src in re.findall(rb'(?:src|href)="/static/([^"]+)"', html):
        path = finders.find(src.decode())
        assert path, src
        total += len(gzip.compress(open(path, "rb").read()))
    assert total < 700_000, total
    assert b"plotly-cadence.min.js" in html and b"cdn" not in html.lower()


def test_a_learner_with_nothing_yet_sees_an_empty_but_working_dashboard(client, django_user_model, plan, frozen):
    from apps.progress.services import enroll

    user = django_user_model.objects.create_user("new")
    enroll(user=user, plan=plan, start_date=date(2026, 12, 1), timezone="Asia/Shanghai")
    client.force_login(user)
    html = client.get("/dashboard/").content.decode()
    assert "not started" in html and "Forecast: not enough data yet (0 active days; it needs 7)." in html
