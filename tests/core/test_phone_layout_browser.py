"""On a phone every page fits: no sideways scroll on any page at 360 px, in English and in Chinese; the
header is one short line and the pages are reached from a bottom tab bar (Today / Dashboard / Plan /
More). Screenshots of each page are saved under the test's tmp folder."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.curriculum.models import Topic
from apps.groups.models import Group, Membership, Nudge
from apps.progress.models import CheckIn, Enrollment, TopicProgress
from apps.progress.services import enroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-Passphrase-9"
PAGES = [
    "/", "/dashboard/", "/plan/llm/", "/plan/llm/blocks/1/", "/plan/llm/blocks/20/", "/plan/llm/resources/", "/plan/llm/milestones/",
    "/history/", "/notes/?q=SVD", "/resources/", "/milestones/", "/outputs/", "/portfolio/",
    "/settings/", "/settings/reminders/", "/catch-up/shift/", "/day/{past}/", "/day/{future}/", "/no/such/page/",
    "/groups/", "/groups/g/", "/groups/g/?state=invited", "/groups/g/charts/", "/groups/g/membership/",
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_page_scrolls_sideways_at_360_px(browser, live_server, plan, django_user_model, tmp_path, language):
    user = django_user_model.objects.create_user("narrow", password=PASSWORD, is_staff=True)
    today = timezone.localdate()
    enroll(user=user, plan=plan, start_date=today - timedelta(days=20), timezone="UTC", language=language)
    TopicProgress.objects.create(user=user, topic=Topic.objects.get(plan=plan, key="1.1"), status="done", closed_on=today)
    CheckIn.objects.create(user=user, local_date=today - timedelta(days=1), slot=1, status="done", minutes=105, note="**SVD** 笔记")
    # A study group the learner leads and belongs to, with a long-named invited member and a nudge on Today.
    group = Group.objects.create(slug="g", name="大模型训练营 · Cohort with a rather long name", plan=plan)
    group.leads.add(user)
    other = django_user_model.objects.create_user("a-member-with-a-very-long-username-indeed", email="long.address@example.com")
    enroll(user=other, plan=plan, start_date=today - timedelta(days=5), timezone="UTC", language=language)
    Membership.objects.create(group=group, user=user, shares_since=timezone.now(), share_email=True)
    Membership.objects.create(group=group, user=other)
    Nudge.objects.create(user=user, group=group, sender=user, local_date=today, message="加油！" * 40)
    Enrollment.objects.filter(user=user).update(notice={"date": today.isoformat(), "message": "加油！" * 40, "group": group.name,
                                                       "from": "narrow"})
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "/accounts/login/"
    page.fill("input[name=username]", "narrow")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    expect(page.locator("nav.tabbar")).to_be_visible()
    assert page.locator("header.site-header").bounding_box()["height"] <= 60

    for path in PAGES:
        path = path.format(past=(today - timedelta(days=2)).isoformat(), future=(today + timedelta(days=3)).isoformat())
        page.goto(live_server.url + path)
        page.screenshot(path=str(tmp_path / f"{language}-{path.strip('/').replace('/', '_') or 'today'}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        expect(page.locator("nav.tabbar")).to_be_visible()

    # "More" opens the rest, above the tab bar.
    page.goto(live_server.url + "/")
    page.locator("nav.tabbar summary").click()
    menu = page.locator("nav.tabbar .more-menu")
    expect(menu.get_by_role("link", name="History" if language == "en" else "历史")).to_be_visible()
    box = menu.bounding_box()
    assert box["y"] >= 0 and box["x"] >= 0 and box["x"] + box["width"] <= 360
    page.close()
