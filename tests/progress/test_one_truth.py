"""After each kind of write, Today, the dashboard and /api/v1/progress say what the data says.

Nothing about a learner is cached, so there is no cache to go stale; this test keeps it that way. The
expected figures are worked out here from the rows themselves, independently of apps.progress.summary:
the plan day from day 1 and the paused dates, topic-days from the closed topics, minutes from the
done check-ins.
"""

import copy
import re
from datetime import date, timedelta

import pytest
from django.test import Client

from apps.curriculum.models import Plan
from apps.curriculum.services import save_plan
from apps.progress.models import CheckIn, Enrollment, Pause, TopicProgress
from tests.conftest import NOW, form_values

pytestmark = pytest.mark.django_db
TODAY = NOW.date()


def truth(user) -> dict:
    enrollment = Enrollment.objects.select_related("plan").get(user=user)
    paused = set()
    for p in Pause.objects.filter(user=user):
        end = p.end_date or TODAY
        paused |= {p.start_date + timedelta(days=i) for i in range((end - p.start_date).days + 1)}
    active = [
        enrollment.start_date + timedelta(days=i)
        for i in range((TODAY - enrollment.start_date).days + 1)
        if enrollment.start_date + timedelta(days=i) not in paused
    ]
    rows = TopicProgress.objects.filter(user=user, status__in=["done", "skipped"], topic__plan=enrollment.plan).select_related("topic")
    closed = sum(p.topic.end_day - p.topic.start_day + 1 for p in rows)
    minutes = sum(CheckIn.objects.filter(user=user, local_date=TODAY, status="done").values_list("minutes", flat=True))
    # Today's own topic is due only once the day is over (a paused today carries a day that is over).
    planned = min(len(active) - (1 if active and active[-1] == TODAY else 0), enrollment.plan.total_days)
    return {
        "day": max(1, min(len(active), enrollment.plan.total_days)), "total": enrollment.plan.total_days,
        "closed": closed, "ahead_by": closed - planned,
        "minutes_today": minutes, "paused": TODAY in paused,
    }


def hours(minutes):
    h, m = divmod(minutes, 60)
    return f"{h} h {m} min" if h and m else (f"{h} h" if h else f"{m} min")


def check_pages(client, user):
    want = truth(user)
    api = client.get("/api/v1/progress").json()
    assert (api["day"], api["total_days"], api["topic_days"]["done"], api["ahead_by"], api["minutes"]["today"]) == (
        want["day"], want["total"], want["closed"], want["ahead_by"], want["minutes_today"]
    )
    assert api["state"] == ("paused" if want["paused"] else "active")
    for path in ("/", "/dashboard/"):
        html = client.get(path).content.decode()
        assert f"Day {want['day']} of {want['total']}" in html, path
        # The safety buffer: days the learner could stop (negative: days behind).
        buffer = rf"behind by {-want['ahead_by']} days?\b" if want["ahead_by"] < 0 else rf"<dd>{want['ahead_by']} days?\b"
        assert re.search(buffer, html), path
    dashboard = client.get("/dashboard/").content.decode()
    today = client.get("/").content.decode()
    assert f"<dd>{hours(want['minutes_today'])} / " in today
    assert f"{round(100 * want['closed'] / want['total'])}%" in dashboard


@pytest.fixture
def client_(alice, frozen):
    client = Client()
    client.force_login(alice)
    check_pages(client, alice)  # day 10 of 180, nothing done
    return client


def test_after_a_check_in(client_, alice):
    assert client_.post("/checkins/", {"date": TODAY.isoformat(), "slot": 1, "status": "done", "minutes": 45}).status_code == 302
    check_pages(client_, alice)
    client_.post("/checkins/", {"date": TODAY.isoformat(), "slot": 2, "status": "done", "minutes": 80}, HTTP_HX_REQUEST="true")
    assert truth(alice)["minutes_today"] == 125
    check_pages(client_, alice)


def test_after_a_topic_status(client_, alice):
    for key in ("1.1", "1.2", "2.1"):
        assert client_.post(f"/topics/{key}/", {"status": "done"}, HTTP_HX_REQUEST="true").status_code == 200
        check_pages(client_, alice)
    client_.post("/topics/2.1/", {"status": "in_progress"})
    check_pages(client_, alice)


def test_after_settings(client_, alice):
    form = form_values(client_.get("/settings/").content.decode(), "settings-form") | {"enrollment-start_date": "2026-11-04"}
    assert client_.post("/settings/", form).status_code == 302
    assert truth(alice)["day"] == 7
    check_pages(client_, alice)


def test_after_a_pause_and_a_resume(client_, alice):
    Pause.objects.create(user=alice, start_date=date(2026, 11, 3), end_date=date(2026, 11, 5))
    check_pages(client_, alice)  # day 7
    assert client_.post("/settings/pause/", {"start_date": TODAY.isoformat()}).status_code == 302
    check_pages(client_, alice)  # paused today
    assert client_.post("/settings/resume/").status_code == 302
    check_pages(client_, alice)


def test_after_a_plan_reimport(client_, alice, seed_data):
    client_.post("/topics/1.1/", {"status": "done"})
    data = copy.deepcopy(seed_data)
    data["phases"][0]["blocks"][1]["topics"][0]["title"] = "线性代数（重写）"
    save_plan(data, slug="llm", replace=True)
    check_pages(client_, alice)
    assert "线性代数（重写）" in client_.get("/").content.decode()


def test_after_an_admin_edit_of_the_plan(client_, alice, django_user_model):
    admin = Client()
    admin.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "pw"))
    plan = Plan.objects.get(slug="llm")
    url = f"/admin/curriculum/plan/{plan.pk}/change/"
    assert admin.post(url, form_values(admin.get(url).content.decode(), "plan_form") | {"total_days": "200"}).status_code == 302
    assert truth(alice)["total"] == 200
    check_pages(client_, alice)
