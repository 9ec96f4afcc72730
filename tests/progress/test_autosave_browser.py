"""Every checkbox saves when it is ticked, as topic buttons do: a practice project, a final-project
deliverable and a milestone item, each with a visible "saved", kept after leaving the page without
pressing Save. In English and in Chinese, in a real browser at phone size."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.milestones.models import MilestoneCheck
from apps.progress.models import ProjectProgress
from apps.progress.services import enroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-Passphrase-9"


@pytest.mark.parametrize("language, saved", [("en", "Saved"), ("zh-hans", "已保存")])
def test_ticks_save_at_once_and_are_kept(browser, live_server, plan, django_user_model, language, saved):
    user = django_user_model.objects.create_user("ticker", password=PASSWORD)
    enroll(user=user, plan=plan, start_date=timezone.localdate() - timedelta(days=3), timezone="UTC", language=language)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "ticker")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")

    # A practice project on Today: tick, see "saved", leave, come back.
    row = page.locator("li.project-row").first
    row.locator("input[type=checkbox]").check()
    expect(page.locator("li.project-row").first.locator(".saved-note")).to_contain_text(saved)
    page.goto(f"{live_server.url}/milestones/")
    assert ProjectProgress.objects.filter(user=user, done=True).count() == 1

    # A milestone item: the same.
    item = page.locator("li.check-row").first
    item.locator("input[type=checkbox]").check()
    expect(page.locator("li.check-row").first.locator(".saved-note")).to_contain_text(saved)
    page.goto(f"{live_server.url}/")
    assert MilestoneCheck.objects.filter(user=user, done=True).count() == 1
    page.goto(f"{live_server.url}/milestones/")
    expect(page.locator("li.check-row").first.locator("input[type=checkbox]")).to_be_checked()

    # A final-project deliverable on the last block's page.
    last = plan.blocks.order_by("-number").first()
    page.goto(f"{live_server.url}/plan/{plan.slug}/blocks/{last.number}/")
    deliverables = page.locator("li.project-row")
    assert deliverables.count() >= 3  # the final project's deliverables (and its practice projects)
    deliverables.last.locator("input[type=checkbox]").check()
    expect(page.locator("li.project-row").last.locator(".saved-note")).to_contain_text(saved)
    page.reload()
    expect(page.locator("li.project-row").last.locator("input[type=checkbox]")).to_be_checked()
    page.close()

