"""Under the strict Content-Security-Policy, Today, the dashboard and the admin work with no violation."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.progress.services import enroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


def test_no_csp_violations_on_today_dashboard_and_admin(browser, live_server, plan, django_user_model):
    staff = django_user_model.objects.create_superuser("boss", password="a-long-Passphrase-9", email="boss@example.com")
    enroll(user=staff, plan=plan, start_date=timezone.localdate() - timedelta(days=12), timezone="UTC")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", "a-long-Passphrase-9")
    page.click("button.primary")
    expect(page.locator("h1")).to_contain_text("Day 13 of 180")

    response = page.request.get(f"{live_server.url}/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "unsafe-eval" not in policy

    # Today: a check-in through htmx.
    page.locator("article.slot-card").first.get_by_role("button", name="Done").click()
    expect(page.locator("article.slot-card").first).to_have_class(__import__("re").compile("is-done"))
    assert page.evaluate("window.__csp") == []

    page.goto(f"{live_server.url}/dashboard/")
    page.locator("[data-figure='fig-burndown']").hover()  # plotly.js is loaded when a chart is reached for
    expect(page.locator("[data-figure='fig-burndown']")).to_have_attribute("data-drawn", "true", timeout=20_000)
    assert page.evaluate("window.__csp") == []

    for path in ("/admin/", "/admin/curriculum/topic/", "/admin/curriculum/block/1/change/", "/admin/progress/checkin/add/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("#content")).to_be_visible()
        assert page.evaluate("window.__csp") == [], path
    # The admin's own scripts run: the date widget's shortcuts appear.
    page.goto(f"{live_server.url}/admin/progress/checkin/add/")
    expect(page.locator(".datetimeshortcuts").first).to_be_visible()
    assert console == []
    context.close()
