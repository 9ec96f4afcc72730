"""Every form on every page, in a real browser, in English and in Chinese, on a phone (390x844) and a
desktop (1440x900): each is filled and saved (or ticked, for the boxes that save themselves), the page
is reloaded, and what was saved is still there. Date and time inputs must hold ISO values in both
languages, or a browser shows them empty and refuses to submit. Each page is screenshotted."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.milestones.models import MilestoneCheck, Output, Portfolio
from apps.progress.models import ApiToken, Pause, ProjectProgress, TopicNote, TopicProgress
from apps.progress.services import enroll
from apps.reminders.models import ReminderSettings
from apps.resources.models import UserResource

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-Passphrase-9"


@pytest.mark.parametrize("width, height", [(390, 844), (1440, 900)])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_form_saves_and_is_kept(browser, live_server, plan, django_user_model, tmp_path, language, width, height):
    user = django_user_model.objects.create_user("former", email="former@example.com", password=PASSWORD)
    today = timezone.localdate()
    start = today - timedelta(days=10)
    enroll(user=user, plan=plan, start_date=start, timezone="UTC", language=language)
    page = browser.new_page(viewport={"width": width, "height": height})
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    url = live_server.url
    shots = iter(range(100))

    def shot(name):
        page.screenshot(path=str(tmp_path / f"{next(shots):02d}-{name}-{language}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name

    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", "former")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")

    # Settings: the date input holds an ISO date in both languages (else the browser shows it empty and
    # refuses to submit), and a moved slot is kept.
    page.goto(f"{url}/settings/")
    assert page.locator("input[name='enrollment-start_date']").input_value() == start.isoformat()
    assert page.locator("input[name='slots-weekday-3-start']").input_value() == "20:00"
    page.fill("input[name='slots-weekday-3-start']", "19:30")
    page.locator("#settings-form button.primary").click()
    page.goto(f"{url}/settings/")
    assert page.locator("input[name='slots-weekday-3-start']").input_value() == "19:30"
    assert page.locator("input[name='enrollment-start_date']").input_value() == start.isoformat()
    shot("settings")

    # Pause from a date (an ISO date input), then resume.
    pause_on = today + timedelta(days=3)
    page.fill("#pause input[name=start_date]", pause_on.isoformat())
    page.locator("#pause form button").click()
    expect(page.locator("#pause")).to_contain_text(pause_on.isoformat())
    assert Pause.objects.filter(user=user, start_date=pause_on).exists()
    page.locator("#pause form button").first.click()  # resume: a pause not begun yet is dropped
    # Wait for the page the resume redirects to (a reload now would race that navigation).
    expect(page.locator("#pause input[name=start_date]")).to_be_visible()
    assert not Pause.objects.filter(user=user).exists()

    # An API token, made and then revoked after confirming.
    page.fill("#tokens input[name=name]", "phone")
    page.locator("#tokens form[action='/settings/tokens/'] button").click()
    assert ApiToken.objects.filter(user=user, name="phone").exists()
    page.goto(f"{url}/settings/")
    page.locator("#tokens details.confirm summary").click()
    page.locator("#tokens details.confirm button.danger").click()
    assert not ApiToken.objects.filter(user=user).exists()

    # Reminders: weekends off and one slot off, kept after a reload.
    page.goto(f"{url}/settings/reminders/")
    page.locator("input[name=weekends]").uncheck()
    page.locator("input[name=enabled_slots]").first.uncheck()
    page.locator("form.card button.primary").click()
    page.goto(f"{url}/settings/reminders/")
    expect(page.locator("input[name=weekends]")).not_to_be_checked()
    expect(page.locator("input[name=enabled_slots]").first).not_to_be_checked()
    assert ReminderSettings.objects.get(user=user).weekends is False
    shot("reminders")

    # Today: a topic's status, a practice project ticked (saves itself), a slot checked in.
    page.goto(f"{url}/")
    row = page.locator("#topics-h + ul li.topic-row").first
    row.locator("button[value=in_progress]").click()
    expect(page.locator("#topics-h + ul li.topic-row").first.locator("button[value=in_progress]")).to_have_attribute("aria-pressed", "true")
    page.locator("li.project-row input[type=checkbox]").first.check()
    expect(page.locator("li.project-row .saved-note").first).not_to_be_empty()
    page.locator("article.slot-card").first.locator("button[value=done]").first.click()
    page.wait_for_load_state("networkidle")  # the HTMX post has its answer before the page is reloaded
    page.reload()
    expect(page.locator("#topics-h + ul li.topic-row").first.locator("button[value=in_progress]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("li.project-row input[type=checkbox]").first).to_be_checked()
    assert TopicProgress.objects.filter(user=user, status="in_progress").count() == 1
    assert ProjectProgress.objects.filter(user=user, done=True).count() == 1
    shot("today")

    # A topic's note on the block page saves itself.
    page.goto(f"{url}/plan/{plan.slug}/blocks/2/")
    note = page.locator("details.topic-note").first
    note.locator("summary").click()
    note.locator("textarea").fill("SVD: 特征值")
    expect(note.locator(".note-status")).not_to_be_empty(timeout=10_000)
    page.reload()
    expect(page.locator("details.topic-note textarea").first).to_have_value("SVD: 特征值")
    assert TopicNote.objects.filter(user=user).count() == 1
    shot("block")

    # Milestones: an item ticked (saves itself) and its evidence saved.
    page.goto(f"{url}/milestones/")
    item = page.locator("li.check-row").first
    item.locator("input[type=checkbox]").check()
    expect(page.locator("li.check-row .saved-note").first).not_to_be_empty()
    page.locator("li.check-row").first.locator("input[name=evidence]").fill("https://example.com/linreg")
    page.locator("li.check-row").first.locator("button").click()
    page.wait_for_load_state("networkidle")
    page.reload()
    expect(page.locator("li.check-row input[type=checkbox]").first).to_be_checked()
    expect(page.locator("li.check-row input[name=evidence]").first).to_have_value("https://example.com/linreg")
    assert MilestoneCheck.objects.filter(user=user, done=True, evidence="https://example.com/linreg").count() == 1
    shot("milestones")

    # Resources: a status, a rating and notes, and one of the learner's own.
    page.goto(f"{url}/resources/")
    page.locator("li.resource-row").first.locator("button[value=reading]").click()
    expect(page.locator("li.resource-row").first.locator("button[value=reading]")).to_have_attribute("aria-pressed", "true")
    rating = page.locator("li.resource-row").first.locator("details.topic-note")
    rating.locator("summary").click()
    rating.locator("select[name=rating]").select_option("4")
    rating.locator("textarea[name=note]").fill("**MLM**")
    rating.locator("button").click()
    page.fill("input[name=title]", "LoRA")
    page.select_option("select[name=kind]", "paper")
    page.fill("input[name=url]", "https://arxiv.org/abs/2106.09685")
    page.locator("section.card form button.primary").click()
    page.goto(f"{url}/resources/")
    expect(page.locator("li.resource-row").first.locator("button[value=reading]")).to_have_attribute("aria-pressed", "true")
    first = UserResource.objects.filter(user=user, resource__isnull=False).order_by("resource__position").first()
    assert (first.status, first.rating, first.notes) == ("reading", 4, "**MLM**")
    assert UserResource.objects.filter(user=user, title="LoRA").exists()
    shot("resources")

    # Outputs and the public portfolio link.
    page.goto(f"{url}/outputs/")
    page.select_option("select[name=kind]", "blog")
    page.fill("input[name=title]", "Gradient descent by hand")
    page.fill("input[name=url]", "https://blog.example/gd")
    page.select_option("select[name=block]", index=1)
    page.locator("form[action='/outputs/new/'] button").click()
    page.goto(f"{url}/outputs/")
    expect(page.locator("main")).to_contain_text("Gradient descent by hand")
    assert Output.objects.filter(user=user).count() == 1
    shot("outputs")
    page.goto(f"{url}/portfolio/")
    page.locator("button[value=share]").click()
    assert Portfolio.objects.filter(user=user, token__isnull=False).exists()
    shot("portfolio")

    assert problems == []
    page.close()
