"""End to end in a real browser at phone size: log in, check in the evening slot, no reload, persisted."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.progress.models import CheckIn
from apps.progress.services import enroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_checking_in_the_evening_slot_on_a_phone(browser, live_server, plan, django_user_model, tmp_path):
    user = django_user_model.objects.create_user("phone", password="a-long-Passphrase-9")
    enroll(user=user, plan=plan, start_date=timezone.localdate() - timedelta(days=5), timezone="UTC")

    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "phone")
    page.fill("input[name=password]", "a-long-Passphrase-9")
    page.click("button.primary")
    expect(page.get_by_role("heading", name=re.compile(r"Day 6 of 180"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling

    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    card = page.locator("article.slot-card").filter(has_text="20:00").first  # today's, not yesterday's back-fill
    card_id = card.get_attribute("id")
    card.locator("summary").click()
    card.locator("input[name=minutes]").fill("120")
    card.get_by_role("button", name="Done").click()

    done = page.locator(f"#{card_id}")
    expect(done).to_have_class(re.compile(r"\bis-done\b"))
    expect(done).to_contain_text("Done · 120 min")
    assert page.evaluate("window.__sameDocument") is True
    page.screenshot(path=str(tmp_path / "today-after-checkin.png"), full_page=True)

    page.reload()
    expect(page.locator(f"#{card_id}")).to_contain_text("Done · 120 min")
    assert page.evaluate("window.__sameDocument === undefined")
    checkin = CheckIn.objects.get(user=user)
    assert (checkin.status, checkin.minutes, checkin.slot) == ("done", 120, 3)

    for button in page.locator("article.slot-card button").all():
        box = button.bounding_box()
        assert box["height"] >= 44, "touch targets are at least 44 px tall"
    assert problems == []
    context.close()
