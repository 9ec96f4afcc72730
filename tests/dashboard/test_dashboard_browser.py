"""A real browser draws the dashboard's burn-down (and the rest) with no errors, and it survives a check-in."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.progress.models import CheckIn, TopicProgress
from apps.progress.services import enroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def some_history(user, plan):
    """Two weeks of check-ins and the first week's topics done: every chart has something to draw."""
    today = timezone.localdate()
    CheckIn.objects.bulk_create([
        CheckIn(user=user, local_date=today - timedelta(days=d), slot=s, status="done", minutes=40 + 10 * s)
        for d in range(1, 15) for s in (1, 2, 3)
    ])
    TopicProgress.objects.bulk_create([
        TopicProgress(user=user, topic=t, status="done", closed_on=today - timedelta(days=20 - t.end_day))
        for t in plan.topics.filter(end_day__lte=9)
    ])


@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
def test_the_dashboard_draws(browser, live_server, plan, django_user_model, tmp_path, width, height):
    user = django_user_model.objects.create_user("desk", password="a-long-Passphrase-9")
    enroll(user=user, plan=plan, start_date=timezone.localdate() - timedelta(days=20), timezone="UTC")
    some_history(user, plan)
    page = browser.new_page(viewport={"width": width, "height": height})
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{live_server.url}/accounts/login/?next=/dashboard/")
    page.fill("input[name=username]", "desk")
    page.fill("input[name=password]", "a-long-Passphrase-9")
    page.click("button.primary")

    # Every chart is on the page at once, drawn on the server; plotly.js is not even fetched.
    for name in ("burndown", "hours", "heatmap", "phases", "reviews"):
        expect(page.locator(f"[data-figure='fig-{name}'] .preview svg").first).to_be_attached()
    expect(page.locator("[data-figure='fig-burndown'] .preview path").first).to_be_visible()
    assert page.evaluate("typeof window.Plotly") == "undefined"
    assert not [url for url in requests if "plotly" in url]
    page.screenshot(path=str(tmp_path / f"dashboard-drawn-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # Reaching for a chart (a hover, a tap) loads plotly.js once and draws that figure in its place.
    burndown = page.locator("[data-figure='fig-burndown']")
    burndown.hover()
    expect(burndown).to_have_attribute("data-drawn", "true", timeout=20_000)
    expect(burndown.locator("svg.main-svg").first).to_be_visible()
    assert burndown.locator(".preview").count() == 0
    assert page.locator("[data-figure='fig-reviews']").get_attribute("data-drawn") is None
    for name in ("hours", "heatmap", "phases", "reviews"):
        chart = page.locator(f"[data-figure='fig-{name}']")
        chart.scroll_into_view_if_needed()
        chart.hover()
        expect(chart).to_have_attribute("data-drawn", "true")
    assert len([url for url in requests if "plotly" in url]) == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(tmp_path / f"dashboard-{width}.png"), full_page=True)

    # A check-in from the dashboard refreshes the charts in place.
    page.evaluate("window.__sameDocument = true")
    card = page.locator(".checkin-panel article.slot-card").first
    card.get_by_role("button", name="Done").click()
    expect(card).to_have_class(re.compile(r"\bis-done\b"))
    expect(page.locator("[data-figure='fig-burndown']")).to_have_attribute("data-drawn", "true")
    expect(page.locator(".tiles")).to_contain_text("This week")
    assert page.evaluate("window.__sameDocument") is True
    assert problems == []
    page.close()
