"""GET /api/v1/burndown and /api/v1/hours."""

from datetime import date

import pytest

from apps.progress.models import CheckIn
from apps.progress.services import issue_token

pytestmark = pytest.mark.django_db


def test_burndown_shape_and_invariants(client, alice, frozen):
    _, raw = issue_token(user=alice)
    body = client.get("/api/v1/burndown", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert set(body) == {"days", "dates", "ideal", "actual", "forecast", "today"}
    assert body["days"] == list(range(181)) and body["dates"][0] == "2026-10-31" and body["dates"][1] == "2026-11-01"
    assert body["ideal"][0] == body["actual"][0] == 180 and body["ideal"][180] == 0
    assert len(body["actual"]) == 11 and body["today"] == 10
    assert body["forecast"] == {"finish_date": None, "per_day": 0, "window_days": 10, "enough_data": True, "days_late": 0}


def test_the_session_works_too(alice_client, frozen):
    assert alice_client.get("/api/v1/burndown").status_code == 200


def test_hours_per_week_and_slot(alice_client, alice, frozen):
    CheckIn.objects.create(user=alice, local_date=date(2026, 11, 10), slot=3, status="done", minutes=120)
    CheckIn.objects.create(user=alice, local_date=date(2026, 11, 8), slot=1, status="done", minutes=100)  # a Sunday
    body = alice_client.get("/api/v1/hours?weeks=2").json()
    assert [s["key"] for s in body["slots"]] == ["weekday-1", "weekday-2", "weekday-3", "weekend-1", "weekend-2", "weekend-3"]
    assert [w["start"] for w in body["weeks"]] == ["2026-11-02", "2026-11-09"]
    this_week = body["weeks"][1]
    assert this_week["logged"]["weekday-3"] == 120 and this_week["logged_total"] == 120
    # Planned: 5 weekdays x (60 + 60 + 180) + 2 weekend days x (180 + 180 + 120) = 1500 + 960.
    assert this_week["planned_total"] == 2460 and this_week["planned"]["weekday-3"] == 900
    assert body["weeks"][0]["logged"]["weekend-1"] == 100


@pytest.mark.parametrize("weeks", ["0", "105", "many", "-1"])
def test_hours_refuses_a_bad_number_of_weeks(alice_client, frozen, weeks):
    response = alice_client.get(f"/api/v1/hours?weeks={weeks}")
    assert response.status_code == 400 and "weeks" in response.json()["errors"]


def test_both_need_a_login_or_token(client):
    assert client.get("/api/v1/burndown").status_code == 401
    assert client.get("/api/v1/hours").status_code == 401
