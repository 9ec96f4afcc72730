"""Items 5, 7, 8, 9 and 11: what a request can send. Omitted fields keep their stored value; odd JSON,
NUL bytes and lone surrogates are 400s or 404s, never a 500; a day's minutes cannot be raced past
1,440; no open redirect; the API's errors are JSON; exports name their file for every username."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from apps.progress.models import CheckIn
from apps.progress.services import issue_token
from apps.reminders.mail import sign_link
from apps.resources.models import UserResource
from apps.resources.services import ensure_rows
from tests.conftest import NOW

TODAY = NOW.date()


@pytest.fixture
def api(alice):
    raw = issue_token(user=alice)[1]
    return lambda method, url, body=None, **kw: getattr(Client(), method)(
        url, data=body if isinstance(body, str | bytes) or body is None else json.dumps(body),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}", **kw,
    )


@pytest.mark.django_db
def test_the_email_check_in_and_an_api_post_without_note_keep_the_note(alice, api, frozen):
    CheckIn.objects.create(user=alice, local_date=TODAY, slot=1, status="skipped", note="keep me")
    token = sign_link(user_id=alice.pk, local_date=TODAY, slot=1, action="checkin")
    assert Client().post(f"/r/checkin/{token}/", {"minutes": "30"}).status_code == 200
    assert CheckIn.objects.get(user=alice).note == "keep me" and CheckIn.objects.get(user=alice).status == "done"
    assert api("post", "/api/v1/checkins", {"date": TODAY.isoformat(), "slot": 1, "status": "done", "minutes": 40}).status_code == 200
    assert CheckIn.objects.get(user=alice).note == "keep me"
    assert api("post", "/api/v1/checkins", {"date": TODAY.isoformat(), "slot": 1, "status": "done", "note": ""}).status_code == 200
    assert CheckIn.objects.get(user=alice).note == ""  # given, it is saved


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    ["[" * 100_000 + "]" * 100_000, '{"date": "2026-11-10", "slot": 1, "status": "done", "note": "\\ud800"}',
     '{"date": "2026-11-10", "slot": 1, "status": "done", "note": "a\\u0000b"}'],
    ids=["100k deep", "lone surrogate", "NUL"],
)
def test_odd_json_bodies_are_400_and_change_nothing(api, frozen, body):
    response = api("post", "/api/v1/checkins", body)
    assert response.status_code == 400 and "errors" in response.json()
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_a_list_where_a_resource_status_belongs_is_400(alice, api, frozen):
    ensure_rows(alice, alice.enrollment.plan)
    row = UserResource.objects.filter(user=alice).first()
    for body in ({"status": ["done"]}, {"note": {"x": [1]}}, {"rating": "5"}):
        response = api("put", f"/api/v1/resources/{row.pk}", body)
        assert response.status_code == 400, body
    row.refresh_from_db()
    assert (row.status, row.notes, row.rating) == ("to_read", "", None)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/p/%00/", "/calendar/%00.ics", "/r/unsubscribe/%00/", "/topics/%00/", "/reviews/%00/1/",
                                  "/api/v1/topics/%00", "/day/%00/"])
@pytest.mark.parametrize("who", ["stranger", "learner"])
def test_a_nul_byte_in_a_path_is_a_404(alice_client, client, frozen, path, who):
    asking = alice_client if who == "learner" else Client()
    for method in ("get", "post"):
        assert getattr(asking, method)(path).status_code == 404, (method, path)


@pytest.mark.django_db
def test_api_errors_are_json(api, frozen):
    response = api("put", "/api/v1/resources/-1", {"status": "done"})
    assert response.status_code == 404 and response.json() == {"errors": {"path": ["Not found."]}}


@pytest.mark.django_db(transaction=True)
def test_three_parallel_posts_cannot_pass_a_days_1440_minutes(alice, plan):
    import time_machine

    raw = issue_token(user=alice)[1]
    barrier = threading.Barrier(3)
    statuses = []

    def post(slot):
        try:
            with time_machine.travel(NOW, tick=False):
                barrier.wait()
                response = Client().post(
                    "/api/v1/checkins", json.dumps({"date": TODAY.isoformat(), "slot": slot, "status": "done", "minutes": 1000}),
                    content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}",
                )
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(slot,)) for slot in (1, 2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [201, 400, 400]
    assert sum(CheckIn.objects.filter(user=alice).values_list("minutes", flat=True)) == 1000


@pytest.mark.django_db
def test_no_open_redirect_from_a_resource_update(alice, alice_client, frozen):
    ensure_rows(alice, alice.enrollment.plan)
    row = UserResource.objects.filter(user=alice).first()
    for target in ("//evil.com/x", "https://evil.com/", "/\\evil.com"):
        response = alice_client.post(f"/resources/{row.pk}/", {"status": "done", "next": target})
        assert response.status_code == 302 and response["Location"] == "/resources/", target


@pytest.mark.django_db
def test_exports_name_their_file_for_any_username(client, django_user_model, plan):
    user = django_user_model.objects.create_user('张三<"\n', password="pw")
    client.force_login(user)
    for path in ("/settings/export.json", "/settings/export-checkins.csv"):
        response = client.get(path)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''cadence-%E5%BC%A0%E4%B8%89")
