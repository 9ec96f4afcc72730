"""Milestones per learner: due dates, states, checking items with evidence, Today's panel, the API."""

import json
from datetime import date

import pytest
import time_machine

from apps.milestones.models import MilestoneCheck
from apps.milestones.services import states
from apps.progress.learner import Learner
from apps.progress.models import Pause

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def by_day(user):
    return {s.milestone.day: s for s in states(Learner.load(user))}


def test_due_dates_and_states(alice, frozen):
    s = by_day(alice)  # alice: day 1 is 2026-11-01; today is day 10
    assert s[30].due_date == date(2026, 11, 30) and s[180].due_date == date(2027, 4, 29)
    assert [s[d].state for d in (30, 60, 120, 180)] == ["upcoming"] * 4
    assert [c.item.text for c in s[30].checks] == ["完成Python基础与机器学习算法", "独立实现线性回归、神经网络"]


def test_a_pause_moves_due_dates(alice, frozen):
    Pause.objects.create(user=alice, start_date=date(2026, 11, 12), end_date=date(2026, 11, 14))
    assert by_day(alice)[30].due_date == date(2026, 12, 3)


def test_due_soon_met_and_late(alice):
    with time_machine.travel(date(2026, 11, 23), tick=False):
        assert by_day(alice)[30].state == "due_soon"  # 7 days left
    with time_machine.travel(date(2026, 12, 1), tick=False):
        assert by_day(alice)[30].state == "late"
        MilestoneCheck.objects.filter(user=alice, item__milestone__day=30).update(done=True, done_on=date(2026, 12, 1))
        assert by_day(alice)[30].state == "met"


def test_checking_items_with_evidence(alice_client, alice, frozen):
    alice_client.get("/milestones/")
    check = MilestoneCheck.objects.filter(user=alice, item__milestone__day=30).first()
    response = alice_client.post(f"/milestones/checks/{check.pk}/", {"done": "on", "evidence": "https://github.com/alice/lr"}, **HTMX)
    assert response.status_code == 200 and "checked" in response.content.decode()
    check.refresh_from_db()
    assert check.done and check.evidence == "https://github.com/alice/lr" and check.done_on == date(2026, 11, 10)
    alice_client.post(f"/milestones/checks/{check.pk}/", {"evidence": "a note, not a link"}, **HTMX)  # unticked
    check.refresh_from_db()
    assert not check.done and check.done_on is None and check.evidence == "a note, not a link"


@pytest.mark.parametrize("evidence", ["javascript:alert(1)", "ftp://files.example/x", "x" * 501])
def test_bad_evidence_is_refused(alice_client, alice, frozen, evidence):
    alice_client.get("/milestones/")
    check = MilestoneCheck.objects.filter(user=alice).first()
    assert alice_client.post(f"/milestones/checks/{check.pk}/", {"done": "on", "evidence": evidence}, **HTMX).status_code == 400
    check.refresh_from_db()
    assert not check.done and check.evidence == ""


def test_today_shows_the_countdown_a_celebration_and_late_milestones(alice_client, alice):
    with time_machine.travel(date(2026, 11, 10), tick=False):
        html = alice_client.get("/").content.decode()
        assert "Next milestone: day 30, in 20 days." in html
    with time_machine.travel(date(2026, 12, 1), tick=False):
        html = alice_client.get("/").content.decode()
        assert "Day 30 milestone is late (due 2026-11-30)" in html and "独立实现线性回归、神经网络" in html
        for check in MilestoneCheck.objects.filter(user=alice, item__milestone__day=30):
            alice_client.post(f"/milestones/checks/{check.pk}/", {"done": "on"})
        html = alice_client.get("/").content.decode()
        assert "Milestone met: day 30!" in html and "is late" not in html
    with time_machine.travel(date(2026, 12, 2), tick=False):
        assert "Milestone met" not in alice_client.get("/").content.decode()  # a short celebration: that day only


def test_the_api(client, alice, frozen):
    from apps.progress.services import issue_token

    _, raw = issue_token(user=alice)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    body = client.get("/api/v1/milestones", **auth).json()
    assert [(m["day"], m["due_date"], m["state"]) for m in body] == [
        (30, "2026-11-30", "upcoming"), (60, "2026-12-30", "upcoming"), (120, "2027-02-28", "upcoming"), (180, "2027-04-29", "upcoming"),
    ]
    item = body[0]["items"][0]
    assert set(item) >= {"id", "text", "done", "evidence"}
    put = client.put(f"/api/v1/milestones/items/{item['id']}", json.dumps({"done": True, "evidence": "https://x.example/post"}),
                     content_type="application/json", **auth)
    assert put.status_code == 200 and put.json()["items"][0]["done"] is True
    for bad, field in (({"done": "yes"}, "done"), ({"evidence": "javascript:x"}, "evidence"), ({"evidence": 5}, "evidence")):
        response = client.put(f"/api/v1/milestones/items/{item['id']}", json.dumps(bad), content_type="application/json", **auth)
        assert response.status_code == 400 and field in response.json()["errors"]
    assert client.put("/api/v1/milestones/items/999999", "{}", content_type="application/json", **auth).status_code == 404
