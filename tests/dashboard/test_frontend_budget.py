"""Byte budgets on first load (bytes are stable, unlike timings: Lighthouse's scores are `make bench`'s):
Today at most 40 KiB and the dashboard at most 450 KiB transferred, gzip, counted from the page and the
static files it loads as the suite builds them. The dashboard's charts arrive drawn as SVG and plotly.js
(named in `data-plotly-src`) is fetched only when a chart is reached for: the dashboard's budget counts it
anyway, and what loads before that is held to Today's 40 KiB too. Every chart's trace type is one our
plotly.js partial bundle holds (static/vendor/plotly/build/entry.js)."""

import gzip
import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from apps.curriculum.models import Topic
from apps.progress.models import CheckIn, TopicProgress

pytestmark = pytest.mark.django_db
KIB = 1024


def first_load(client, path) -> dict[str, int]:
    """Gzipped bytes of the page and of every static file it loads (scripts, stylesheets, icon, manifest)."""
    html = client.get(path).content
    sizes = {path: len(gzip.compress(html, 6))}
    for url in re.findall(rb'(?:src|href)="(/static/[^"]+)"', html):
        url = url.decode()
        name = re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", url.removeprefix(settings.STATIC_URL))
        found = finders.find(name)
        assert found, url
        data = Path(found).read_bytes()
        sizes[url] = len(data) if name.endswith(".png") else len(gzip.compress(data, 6))
    return sizes


def a_month_in(alice):
    """Ten days of check-ins and the first week's topics done: the charts have something to draw."""
    CheckIn.objects.bulk_create([
        CheckIn(user=alice, local_date=date(2026, 11, d), slot=s, status="done", minutes=60) for d in range(1, 11) for s in (1, 2, 3)
    ])
    TopicProgress.objects.bulk_create([
        TopicProgress(user=alice, topic=t, status="done", closed_on=date(2026, 11, 7))
        for t in Topic.objects.filter(plan__slug="llm", end_day__lte=7)
    ])


def test_today_and_the_dashboard_stay_within_their_bytes(alice_client, alice, frozen):
    a_month_in(alice)
    today = first_load(alice_client, "/")
    assert sum(today.values()) <= 40 * KIB, today
    dashboard = first_load(alice_client, "/dashboard/")
    assert sum(dashboard.values()) <= 450 * KIB, dashboard
    before_plotly = {url: size for url, size in dashboard.items() if "/vendor/plotly/" not in url}
    assert len(before_plotly) == len(dashboard) - 1
    assert sum(before_plotly.values()) <= 40 * KIB, before_plotly


def test_every_chart_uses_a_trace_type_the_bundle_holds(alice_client, alice, frozen):
    a_month_in(alice)
    entry = (Path(settings.BASE_DIR) / "static/vendor/plotly/build/entry.js").read_text()
    bundled = set(re.findall(r"plotly\.js/lib/(\w+)'", entry)) - {"core"}
    html = alice_client.get("/dashboard/").content.decode()
    for figure in re.findall(r'<script id="fig-[a-z]+" type="application/json">(.*?)</script>', html, re.S):
        for trace in json.loads(figure)["data"]:
            assert trace["type"] in bundled, trace["type"]
