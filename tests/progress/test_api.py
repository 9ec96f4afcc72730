"""The JSON API: token auth, check-ins (idempotent), topics, progress, and JSON errors."""

import json
from datetime import date

import pytest
from django.core.management import call_command

from apps.progress.models import ApiToken, CheckIn, TopicProgress
from apps.progress.services import issue_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(alice):
    return issue_token(user=alice, name="phone")[1]


def api(client, method, url, token=None, body=None, raw=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    return getattr(client, method)(url, data=data, content_type="application/json", **headers)


def test_post_creates_then_updates_the_same_check_in(client, alice, token, frozen):
    body = {"date": "2026-11-10", "slot": 1, "status": "done", "minutes": 60, "note": "BERT", "topics": ["2.1"]}
    first = api(client, "post", "/api/v1/checkins", token, body)
    assert first.status_code == 201
    assert first.json() == {"id": first.json()["id"], "date": "2026-11-10", "slot": 1, "status": "done", "minutes": 60,
                            "note": "BERT", "topics": ["2.1"]}
    again = api(client, "post", "/api/v1/checkins", token, body | {"minutes": 45})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"] and again.json()["minutes"] == 45
    assert CheckIn.objects.filter(user=alice).count() == 1


def test_minutes_default_to_the_slot_and_topics_are_kept_when_not_given(client, alice, token, frozen):
    api(client, "post", "/api/v1/checkins", token, {"date": "2026-11-10", "slot": 3, "status": "done", "topics": ["2.1"]})
    response = api(client, "post", "/api/v1/checkins", token, {"date": "2026-11-10", "slot": 3, "status": "done"})
    assert response.json()["minutes"] == 180 and response.json()["topics"] == ["2.1"]


def test_get_lists_check_ins_in_a_range(client, alice, token, frozen):
    for day in (3, 5, 9):
        CheckIn.objects.create(user=alice, local_date=date(2026, 11, day), slot=1, status="done", minutes=day)
    rows = api(client, "get", "/api/v1/checkins?from=2026-11-04&to=2026-11-10", token).json()
    assert [(r["date"], r["minutes"]) for r in rows] == [("2026-11-05", 5), ("2026-11-09", 9)]
    assert set(rows[0]) == {"id", "date", "slot", "status", "minutes", "note", "topics"}


@pytest.mark.parametrize(
    "query, field",
    [
        ("from=yesterday", "from"), ("to=2026-02-30", "to"),
        ("from=2026-11-10&to=2026-11-01", "from"), ("from=2020-01-01&to=2026-11-10", "to"),
    ],
)
def test_get_refuses_bad_ranges(client, token, frozen, query, field):
    response = api(client, "get", f"/api/v1/checkins?{query}", token)
    assert response.status_code == 400 and field in response.json()["errors"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"minutes": -1}, "minutes"), ({"minutes": "sixty"}, "minutes"), ({"minutes": 1441}, "minutes"), ({"minutes": 60.5}, "minutes"),
        ({"date": "2026-11-11"}, "date"), ({"date": "2026-10-01"}, "date"), ({"date": "11/10/2026"}, "date"), ({"date": None}, "date"),
        ({"slot": 4}, "slot"), ({"slot": "one"}, "slot"), ({"status": "half"}, "status"),
        ({"topics": ["42.1"]}, "topics"), ({"topics": "1.1"}, "topics"), ({"topics": [1]}, "topics"),
        ({"note": "x" * 20_001}, "note"),
    ],
)
def test_bad_check_ins_are_400_with_the_field_and_change_nothing(client, alice, token, frozen, body, field):
    base = {"date": "2026-11-10", "slot": 1, "status": "done"}
    response = api(client, "post", "/api/v1/checkins", token, base | body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"] and all(isinstance(m, str) for m in response.json()["errors"][field])
    assert not CheckIn.objects.exists()


def test_a_body_that_is_not_a_json_object_is_400(client, token, frozen):
    for raw in ("{not json", "[1, 2]", "", "\xff"):
        response = api(client, "post", "/api/v1/checkins", token, raw=raw)
        assert response.status_code == 400 and "body" in response.json()["errors"]


def test_put_topic_status(client, alice, token, frozen):
    response = api(client, "put", "/api/v1/topics/2.1", token, {"status": "in_progress"})
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    assert TopicProgress.objects.get(user=alice).status == "in_progress"
    assert api(client, "put", "/api/v1/topics/2.1", token, {"status": "finished"}).status_code == 400
    assert api(client, "put", "/api/v1/topics/77.7", token, {"status": "done"}).status_code == 404
    assert api(client, "post", "/api/v1/topics/2.1", token, {"status": "done"}).status_code == 405


def test_progress(client, alice, token, frozen):
    from apps.curriculum.models import Topic

    CheckIn.objects.create(user=alice, local_date=date(2026, 11, 9), slot=1, status="done", minutes=60)
    CheckIn.objects.create(user=alice, local_date=date(2026, 11, 10), slot=1, status="done", minutes=30)
    TopicProgress.objects.create(user=alice, topic=Topic.objects.get(key="1.1"), status="done")
    body = api(client, "get", "/api/v1/progress", token).json()
    assert body == {
        "plan": "llm", "day": 10, "total_days": 180, "state": "active", "paused_days": 0,
        "streak": {"current": 2, "longest": 2},
        # Today's topic (day 10) is not due until the day is over: 9 topic-days due, 3 closed.
        "topic_days": {"total": 180, "done": 3, "planned_to_date": 9},
        "ahead_by": -6, "buffer_days": -6, "buffer_until": "2026-11-04",
        "overdue": [{"key": t.key, "title": t.title, "days": t.days}
                    for t in Topic.objects.filter(plan__slug="llm", end_day__lt=10).exclude(key="1.1").order_by("start_day")],
        "minutes": {"today": 30, "week": 90, "total": 90},
    }


def test_no_bad_or_revoked_token_is_401(client, alice, token, frozen):
    assert api(client, "get", "/api/v1/progress").status_code == 401
    assert api(client, "get", "/api/v1/progress", "cad_wrong").status_code == 401
    assert client.get("/api/v1/progress", HTTP_AUTHORIZATION=f"Basic {token}").status_code == 401
    ApiToken.objects.all().delete()
    response = api(client, "get", "/api/v1/progress", token)
    assert response.status_code == 401 and "token" in response.json()["errors"]


def test_the_browser_session_works_too_but_writes_need_csrf(alice, frozen):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert browser.get("/api/v1/progress").status_code == 200
    response = browser.post("/api/v1/checkins", json.dumps({"date": "2026-11-10", "slot": 1, "status": "done"}),
                            content_type="application/json")
    assert response.status_code == 403 and not CheckIn.objects.exists()


def test_tokens_are_stored_hashed(alice, token):
    stored = ApiToken.objects.get(user=alice)
    assert token not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
    assert token.startswith(stored.prefix)


def test_issue_token_command_prints_a_working_token(client, alice, frozen, capsys):
    call_command("issue_token", "alice", name="cli")
    raw = capsys.readouterr().out.strip()
    assert api(client, "get", "/api/v1/progress", raw).status_code == 200
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no user 'zed'"):
        call_command("issue_token", "zed")


def test_the_api_runs_the_same_queries_with_much_history(client, alice, token, frozen, django_assert_max_num_queries):
    from datetime import timedelta

    CheckIn.objects.create(user=alice, local_date=date(2026, 11, 10), slot=1, status="done", minutes=60)
    api(client, "get", "/api/v1/progress", token)  # the first use of a token also notes when it was used
    counts = []
    for extra in (0, 539):
        CheckIn.objects.bulk_create([
            CheckIn(user=alice, local_date=date(2026, 5, 1) + timedelta(days=i // 3), slot=i % 3 + 1, status="done", minutes=60)
            for i in range(extra)
        ])
        for url in ("/api/v1/progress", "/api/v1/checkins?from=2026-05-01&to=2026-11-10"):
            with django_assert_max_num_queries(10) as ctx:
                assert api(client, "get", url, token).status_code == 200
            counts.append(len(ctx.captured_queries))
    assert CheckIn.objects.count() == 540
    assert counts[:2] == counts[2:]
