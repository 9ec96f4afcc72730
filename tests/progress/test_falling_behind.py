"""The learner who falls behind (and the one on plan, and the one ahead): catch-up on Today, the safety
buffer on every page and in the API, "start early", and the honest replan (shift, skip, keep going).

Three learners 30 days in (day 31 at noon): one who has done nothing, one exactly on plan (topics
through day 30 closed) and one 10 days ahead (through day 40). Expected figures are worked out here
from the plan's rows, not from apps.progress.summary."""

import re
from datetime import date, timedelta

import pytest
from django.test import Client

from apps.curriculum.models import Topic
from apps.progress.models import CheckIn, Pause, TopicProgress
from apps.progress.services import enroll
from tests.conftest import NOW, make_user

pytestmark = pytest.mark.django_db
TODAY = NOW.date()  # 2026-11-10
START = TODAY - timedelta(days=30)  # day 31 today


@pytest.fixture
def learners(django_user_model, plan, frozen):
    """name → (user, logged-in client) for the three learners."""
    found = {}
    for name, through in (("idle", 0), ("steady", 30), ("keen", 40)):
        user = make_user(django_user_model, name)
        enroll(user=user, plan=plan, start_date=START, timezone="Asia/Shanghai", language="en")
        TopicProgress.objects.bulk_create([
            TopicProgress(user=user, topic=t, status="done", closed_on=TODAY - timedelta(days=1))
            for t in Topic.objects.filter(plan=plan, end_day__lte=through)
        ])
        client = Client()
        client.force_login(user)
        found[name] = (user, client)
    return found


def overdue_keys(plan, through):
    return list(Topic.objects.filter(plan=plan, end_day__lt=31, end_day__gt=through).order_by("start_day").values_list("key", flat=True))


@pytest.mark.parametrize(
    "name, buffer, colour, until",
    [("idle", -30, "red", None), ("steady", 0, "orange", date(2026, 11, 10)), ("keen", 10, "green", date(2026, 11, 20))],
)
def test_the_buffer_is_the_same_on_today_the_dashboard_and_the_api(learners, plan, name, buffer, colour, until):
    user, client = learners[name]
    body = client.get("/api/v1/progress").json()
    assert body["day"] == 31 and body["buffer_days"] == buffer == body["ahead_by"]
    assert body["topic_days"]["planned_to_date"] == 30  # today's own topic is not due before the day is over
    assert body["buffer_until"] == (until.isoformat() if until else "2026-10-11")
    through = {"idle": 0, "steady": 30, "keen": 40}[name]
    assert [t["key"] for t in body["overdue"]] == overdue_keys(plan, through)
    assert all(t["days"] == Topic.objects.get(plan=plan, key=t["key"]).days for t in body["overdue"])
    for path in ("/", "/dashboard/"):
        html = client.get(path).content.decode()
        assert f'class="buffer buffer-{colour}"' in html, path
        if buffer < 0:
            assert f"behind by {-buffer} days" in html, path
        else:
            assert f"{buffer} day{'s' if buffer != 1 else ''} <small>until {until.isoformat()}</small>" in html, path


def test_on_day_one_at_ten_nobody_is_behind(django_user_model, plan, frozen):
    user = make_user(django_user_model, "fresh")
    enroll(user=user, plan=plan, start_date=TODAY, timezone="Asia/Shanghai", language="en")
    client = Client()
    client.force_login(user)
    body = client.get("/api/v1/progress").json()
    assert (body["day"], body["ahead_by"], body["buffer_days"], body["overdue"]) == (1, 0, 0, [])
    assert "behind" not in client.get("/").content.decode()


def test_today_lists_the_overdue_topics_oldest_first_with_their_buttons(learners, plan):
    _user, client = learners["idle"]
    html = client.get("/").content.decode()
    section = html[html.index('id="catchup-h"'):]
    keys = re.findall(r'id="topic-([\d.]+)"', section)
    assert keys == overdue_keys(plan, 0)[:10]  # 12 overdue, ten shown
    assert "12 topics overdue · 30 topic-days" in html and "10 of 12 shown" in html
    assert section.count('value="skipped"') >= 10  # each with the same status buttons as today's topics
    assert "Shift the rest of my plan by 30 days" in html  # far behind: the replan is offered
    # The day's own topic (5.1, days 31-33) is today's, not overdue.
    today = html[html.index('id="topics-h"'):html.index('id="catchup-h"')]
    assert 'id="topic-5.1"' in today


def test_on_plan_there_is_nothing_to_catch_up_and_ahead_offers_to_start_early(learners):
    html = learners["steady"][1].get("/").content.decode()
    assert 'id="catchup-h"' not in html and "start early" not in html  # today's 5.1 is still open
    keen = learners["keen"][1].get("/").content.decode()
    assert 'id="catchup-h"' not in keen
    early = keen[keen.index("start early?"):]
    assert re.findall(r'id="topic-([\d.]+)"', early) == ["6.2", "6.3"]  # the next open topics after 6.1


def test_a_check_in_from_today_updates_the_tiles_out_of_band(learners):
    user, client = learners["steady"]
    response = client.post(
        "/checkins/", {"date": TODAY.isoformat(), "slot": 3, "status": "done", "minutes": 90},
        HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="day-tiles" hx-swap-oob="true"' in html and "1 h 30 min / " in html
    topic = client.post("/topics/5.1/", {"status": "done"}, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/")
    assert 'hx-swap-oob="true"' in topic.content.decode() and "3 days <small>" in topic.content.decode()
    # From another page (history), no tiles ride along.
    elsewhere = client.post(
        "/checkins/", {"date": TODAY.isoformat(), "slot": 3, "status": "done", "minutes": 60},
        HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/history/",
    )
    assert "hx-swap-oob" not in elsewhere.content.decode()


def test_shifting_puts_the_learner_back_on_plan_and_can_be_undone_until_a_check_in(learners, plan, frozen):
    user, client = learners["idle"]
    CheckIn.objects.create(user=user, local_date=START + timedelta(days=2), slot=1, status="done", minutes=60)
    confirm = client.get("/catch-up/shift/").content.decode()
    assert "today becomes day 1 (instead of day 31)" in confirm
    assert "the plan ends on 2027-05-08 instead of 2027-04-08" in confirm
    assert Pause.objects.filter(user=user).count() == 0  # a GET changes nothing

    client.post("/catch-up/shift/")
    client.post("/catch-up/shift/")  # a double tap shifts once
    [shift] = Pause.objects.filter(user=user)
    assert (shift.kind, shift.start_date, shift.end_date) == ("shift", START, TODAY - timedelta(days=1))
    body = client.get("/api/v1/progress").json()
    assert (body["day"], body["buffer_days"], body["overdue"]) == (1, 0, [])
    assert CheckIn.objects.filter(user=user).count() == 1  # history stays where it happened
    html = client.get("/").content.decode()
    assert "Your plan was shifted by 30 days on 2026-11-10." in html and "Undo the shift" in html

    client.post("/catch-up/shift/undo/")
    assert not Pause.objects.filter(user=user).exists()
    assert client.get("/api/v1/progress").json()["buffer_days"] == -30

    client.post("/catch-up/shift/")
    frozen.shift(timedelta(minutes=5))
    client.post("/checkins/", {"date": TODAY.isoformat(), "slot": 1, "status": "done"})
    assert "Undo the shift" not in client.get("/").content.decode()
    client.post("/catch-up/shift/undo/")
    assert Pause.objects.filter(user=user, kind="shift").count() == 1  # kept: a check-in came after it


def test_not_behind_there_is_nothing_to_shift(learners):
    user, client = learners["keen"]
    assert client.get("/catch-up/shift/").status_code == 302
    client.post("/catch-up/shift/")
    assert not Pause.objects.filter(user=user).exists()


def test_skipping_chosen_overdue_topics_and_refusing_others(learners, plan):
    user, client = learners["idle"]
    client.post("/catch-up/skip/", {"topics": ["1.1", "1.2"]})
    assert set(TopicProgress.objects.filter(user=user, status="skipped").values_list("topic__key", flat=True)) == {"1.1", "1.2"}
    assert client.get("/api/v1/progress").json()["buffer_days"] == -25
    # A topic that is not overdue (today's, or not in the plan) is refused, and nothing is skipped.
    response = client.post("/catch-up/skip/", {"topics": ["1.3", "5.1"]}, follow=True)
    assert "Not overdue in your plan: 5.1" in response.content.decode()
    assert TopicProgress.objects.filter(user=user, status="skipped").count() == 2


def test_keep_going_hides_the_offer_for_today_only(learners, frozen):
    _user, client = learners["idle"]
    client.post("/catch-up/keep-going/")
    html = client.get("/").content.decode()
    assert "Shift the rest of my plan" not in html and 'id="catchup-h"' in html  # the overdue list stays
    frozen.shift(timedelta(days=1))
    assert "Shift the rest of my plan by 31 days" in client.get("/").content.decode()


def test_catch_up_pages_are_the_learners_own(learners):
    """Another learner's shift is not undone by anyone else: every action works on request.user."""
    idle, idle_client = learners["idle"]
    idle_client.post("/catch-up/shift/")
    learners["keen"][1].post("/catch-up/shift/undo/")
    assert Pause.objects.filter(user=idle, kind="shift").exists()


def test_a_shift_is_visible_in_history(learners):
    user, client = learners["idle"]
    client.post("/catch-up/shift/")
    html = client.get("/history/?month=2026-11").content.decode()
    assert html.count(">shifted<") == 9  # 2026-11-01..09 of the shifted 2026-10-11..11-09
    assert "On 2026-11-10 the rest of the plan was shifted 30 days later" in html


def burndown_figure(client):
    import json

    html = client.get("/dashboard/").content.decode()
    found = re.search(r'<script id="fig-burndown" type="application/json">(.*?)</script>', html, re.S)
    return html, json.loads(found.group(1))


def test_the_burn_down_for_each_of_the_three(learners):
    html, figure = burndown_figure(learners["idle"][1])
    assert "No forecast: nothing was done in the last 14 active days." in html
    assert figure["layout"]["xaxis"]["range"] == ["2026-10-10", "2027-04-12"]  # day 0 to the plan's end and a margin
    assert not any(a["text"].startswith("◆") for a in figure["layout"]["annotations"])  # milestones on hover, never as labels
    milestones = next(t for t in figure["data"] if t["name"] == "Milestones")
    assert milestones["x"] == ["2026-11-09", "2026-12-09", "2027-02-07", "2027-04-08"]
    # 30 topic-days closed yesterday: 30 over the last 14 active days, 150 left → 70 days, well within the plan.
    html, figure = burndown_figure(learners["steady"][1])
    assert "At the pace of the last 14 active days you finish on 2027-01-19 (on time)." in html
    assert not any(a["text"].startswith("at this pace") for a in figure["layout"]["annotations"])
    html, _figure = burndown_figure(learners["keen"][1])
    assert "(on time)" in html


def test_a_shift_is_marked_on_the_burn_down(learners):
    _user, client = learners["idle"]
    client.post("/catch-up/shift/")
    _html, figure = burndown_figure(client)
    assert [a["text"] for a in figure["layout"]["annotations"] if "shifted" in a["text"]] == ["shifted +30 d"]
    assert figure["layout"]["xaxis"]["range"][1] == "2027-05-13"  # the plan's end moved 30 days (2027-05-08), and a margin


@pytest.mark.parametrize("days, text", [(1, "1 day late"), (59, "59 days late"), (60, "2 months late"), (800, "2.2 years late")])
def test_how_late_is_said(days, text):
    from apps.dashboard.figures import late_text

    assert late_text(days) == text
