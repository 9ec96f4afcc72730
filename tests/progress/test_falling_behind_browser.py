"""The three learners of the falling-behind issue (30 days in: nothing done, exactly on plan, 10 days
ahead) in a real browser, on a 390x844 phone and a 1440x900 desktop: Today's buffer and catch-up,
the tiles updating with a check-in, and the dashboard's burn-down on the plan's dates with no mode
bar over it on a phone. Screenshots are taken and checked for horizontal overflow."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.curriculum.models import Topic
from apps.progress.models import TopicProgress
from apps.progress.services import enroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-Passphrase-9"
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("main *")].filter(e => {
    const box = e.getBoundingClientRect();
    if (!box.width || e.closest("details:not([open])")) return false;
    return box.right > width + 1 || box.left < -1;
  }).map(e => e.tagName + "." + e.className).slice(0, 5);
}"""


def make(django_user_model, plan, name, through):
    user = django_user_model.objects.create_user(name, password=PASSWORD)
    today = timezone.localdate()
    enroll(user=user, plan=plan, start_date=today - timedelta(days=30), timezone="UTC")
    TopicProgress.objects.bulk_create([
        TopicProgress(user=user, topic=t, status="done", closed_on=today - timedelta(days=1))
        for t in Topic.objects.filter(plan=plan, end_day__lte=through)
    ])
    return user


def login(browser, live_server, name, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.problems = []
    page.on("console", lambda m: page.problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.goto(f"{live_server.url}/accounts/login/?next=/")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    return page


def no_overflow(page, width, path):
    page.screenshot(path=str(path), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    assert page.evaluate(OVERFLOW) == [], path


@pytest.mark.parametrize("width, height", [(390, 844), (1440, 900)])
@pytest.mark.parametrize("name, through, colour", [("idle", 0, "red"), ("steady", 30, "orange"), ("keen", 40, "green")])
def test_today_and_the_dashboard_for_each_learner(browser, live_server, plan, django_user_model, tmp_path, width, height,
                                                   name, through, colour):
    make(django_user_model, plan, name, through)
    page = login(browser, live_server, name, width, height)
    expect(page.locator(f".tiles .buffer-{colour}")).to_be_visible()
    if name == "idle":
        expect(page.locator("#catchup-h")).to_be_visible()
        expect(page.get_by_text("Shift the rest of my plan by 30 days")).to_be_visible()
    elif name == "keen":
        expect(page.get_by_text("All caught up: start early?")).to_be_visible()
    no_overflow(page, width, tmp_path / f"today-{name}-{width}.png")

    # A check-in updates Today's tiles in place (out of band), without a reload.
    page.evaluate("window.__sameDocument = true")
    tile = page.locator("#day-tiles > div").nth(2)
    before = tile.inner_text()
    page.locator("article.slot-card").first.get_by_role("button", name="Done").click()
    expect(tile).not_to_have_text(before)
    assert page.evaluate("window.__sameDocument") is True

    page.goto(f"{live_server.url}/dashboard/")
    burndown = page.locator("[data-figure='fig-burndown']")
    expect(burndown.locator(".preview path").first).to_be_visible()
    no_overflow(page, width, tmp_path / f"dashboard-drawn-{name}-{width}.png")
    burndown.hover()  # plotly.js is loaded when a chart is reached for
    expect(burndown).to_have_attribute("data-drawn", "true", timeout=20_000)
    if width < 700:
        burndown.hover()
        assert page.locator("[data-figure='fig-burndown'] .modebar-container .modebar").count() == 0
    no_overflow(page, width, tmp_path / f"dashboard-{name}-{width}.png")
    assert page.problems == []
    page.close()


def test_a_shift_from_today_in_the_browser(browser, live_server, plan, django_user_model):
    make(django_user_model, plan, "idle", 0)
    page = login(browser, live_server, "idle", 390, 844)
    page.get_by_text("Shift the rest of my plan by 30 days").click()
    expect(page.get_by_text("today becomes day 1 (instead of day 31)")).to_be_visible()
    page.get_by_role("button", name=re.compile("Shift by 30 days")).click()
    expect(page.locator("h1")).to_have_text("Day 1 of 180")
    expect(page.get_by_role("button", name="Undo the shift")).to_be_visible()
    page.get_by_role("button", name="Undo the shift").click()
    expect(page.locator("h1")).to_have_text("Day 31 of 180")
    assert page.problems == []
    page.close()
