"""A day to come can be previewed (its topics and slots, nothing to check in), and every error page is
the site's own, in the learner's language."""

import pytest
from django.test import Client

from apps.progress.models import Enrollment

pytestmark = pytest.mark.django_db


def test_a_future_day_shows_its_planned_topics_and_slots(alice_client, frozen):
    html = alice_client.get("/day/2026-11-15/").content.decode()  # day 15, a Sunday: topic 3.1, the weekend slots
    assert "Preview" in html and "Day 15 of 180" in html
    assert 'id="topic-3.1"' in html and 'name="status"' not in html  # no status buttons on a day to come
    assert "09:00–12:00 系统学习新知识" in html and 'action="/checkins/"' not in html  # the weekend slots, no check-in form
    assert alice_client.get("/day/2027-06-01/").status_code == 404  # after the plan's end (2027-04-29)
    assert alice_client.get("/day/2026-10-01/").status_code == 404  # before day 1


@pytest.mark.parametrize("language, title", [("en", "There is nothing here"), ("zh-hans", "这里什么也没有")])
def test_not_found_is_the_sites_own_page_in_the_learners_language(client, alice, language, title):
    Enrollment.objects.filter(user=alice).update(language=language)
    client.post("/accounts/login/", {"username": "alice", "password": "pw-alice"})
    for path in ("/no/such/page/", "/plan/llm/blocks/99/", "/day/not-a-date/"):
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 404 and title in html and "cadence.css" in html and 'class="site-header"' in html, path


def test_a_csrf_failure_is_the_sites_own_403(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/checkins/", {"date": "2026-11-10", "slot": 1, "status": "done"})
    html = response.content.decode()
    assert response.status_code == 403 and "security token no longer matches" in html and "cadence.css" in html


def test_a_server_error_page_is_styled_and_needs_no_database(rf, settings):
    from apps.core.views import server_error

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500 and "Something went wrong" in html and "cadence.css" in html


def test_today_shows_the_topics_sub_points(alice_client, frozen):
    html = alice_client.get("/").content.decode()  # day 10: topic 2.1 线性代数
    today = html[html.index('id="topics-h"'):]
    assert '<ul class="points">' in today and "矩阵运算" in today
