"""In a real browser: a member accepts to share, the lead finds them behind on the roster, ticks them
and sends a nudge, and the member reads it on Today; the roster scrolls within itself on a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.groups.models import Group, Membership, Nudge
from apps.progress.services import enroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-Passphrase-9"


def login(browser, url, username, width=1200):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(lambda address: "/accounts/login/" not in address)
    return page


def test_accept_find_nudge_and_read(browser, live_server, plan, django_user_model):
    today = timezone.localdate()
    lead = django_user_model.objects.create_user("lena", password=PASSWORD)
    member = django_user_model.objects.create_user("mia", password=PASSWORD, email="mia@example.com")
    enroll(user=member, plan=plan, start_date=today - timedelta(days=12), timezone="UTC", language="en")
    group = Group.objects.create(slug="cohort", name="Cohort 1", plan=plan)
    group.leads.add(lead)
    Membership.objects.create(group=group, user=member)

    mia = login(browser, live_server.url, "mia", width=390)
    mia.goto(f"{live_server.url}/groups/")
    mia.get_by_role("link", name="Cohort 1").click()
    expect(mia.get_by_text("What the leads will see if you accept")).to_be_visible()
    mia.get_by_role("button", name="Accept and share").click()
    expect(mia.get_by_text("You now share your progress with Cohort 1.")).to_be_visible()

    lena = login(browser, live_server.url, "lena")
    lena.goto(f"{live_server.url}/groups/cohort/?state=behind")
    row = lena.locator("table.roster tbody tr", has_text="mia")
    expect(row).to_contain_text("days behind")
    row.locator("input[type=checkbox]").check()
    lena.fill("textarea[name=message]", "Two slots tonight and you are back on track.")
    lena.get_by_role("button", name="Send nudge").click()
    expect(lena.get_by_text("Nudged 1 member.")).to_be_visible()
    expect(lena.locator("table.roster tbody tr", has_text="mia")).to_contain_text("✉")
    assert Nudge.objects.get().user == member

    mia.goto(f"{live_server.url}/")
    expect(mia.get_by_text("Two slots tonight and you are back on track.")).to_be_visible()
    mia.goto(f"{live_server.url}/groups/cohort/membership/")
    mia.get_by_role("button", name="Stop sharing").click()
    lena.goto(f"{live_server.url}/groups/cohort/")
    expect(lena.get_by_text("No member shares their progress yet")).to_be_visible()
    expect(lena.locator("table.roster")).to_have_count(0)
    mia.close()
    lena.close()
