"""A check-in tapped on a train: Debian's Chromium installs the service worker, goes offline, taps Done,
sees it kept on the phone, opens Today from the service worker's copy, goes online, and the check-in is
stored once."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.progress.models import CheckIn
from apps.progress.services import enroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_check_in_made_offline_is_kept_and_synced_once(browser, live_server, plan, django_user_model):
    user = django_user_model.objects.create_user("train", password="a-long-Passphrase-9")
    enroll(user=user, plan=plan, start_date=timezone.localdate() - timedelta(days=4), timezone="UTC")
    context = browser.new_context(viewport={"width": 390, "height": 844}, service_workers="allow")
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "train")
    page.fill("input[name=password]", "a-long-Passphrase-9")
    page.click("button.primary")
    expect(page.locator("h1")).to_contain_text("Day 5 of 180")
    # Polled from here: wait_for_function compiles its predicate inside the page, which the site's CSP
    # (no 'unsafe-eval') refuses in newer Chromium builds; page.evaluate goes through the debugger.
    for _ in range(100):
        if page.evaluate("navigator.serviceWorker && navigator.serviceWorker.controller !== null"):
            break
        page.wait_for_timeout(200)
    else:
        raise AssertionError("the service worker never took control of the page")
    page.reload()  # Today, through the service worker, which keeps a copy
    expect(page.locator("h1")).to_contain_text("Day 5 of 180")

    context.set_offline(True)
    card = page.locator("article.slot-card").first
    card.get_by_role("button", name="Done").click()
    expect(card.locator(".queued-note")).to_contain_text("Saved on this phone, will sync")
    assert not CheckIn.objects.filter(user=user).exists()

    page.reload()  # offline: Today from the service worker's copy, saying when it was saved
    expect(page.locator(".offline-banner")).to_contain_text("Offline: this is Today as of")
    expect(page.locator("h1")).to_contain_text("Day 5 of 180")

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    deadline = time.monotonic() + 20
    while not CheckIn.objects.filter(user=user).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    page.wait_for_timeout(500)
    assert CheckIn.objects.filter(user=user).count() == 1
    checkin = CheckIn.objects.get(user=user)
    assert checkin.status == "done" and checkin.local_date == timezone.localdate()
    # A second flush (another page load, another "online") sends nothing again.
    page.goto(f"{live_server.url}/")
    expect(page.locator("article.slot-card").first).to_have_class(re.compile(r"\bis-done\b"))
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(1000)
    assert CheckIn.objects.filter(user=user).count() == 1
    assert problems == []
    context.close()
