"""The Today page and one-tap check-ins, with and without HTMX."""

import re
from datetime import date, timedelta

import pytest

from apps.progress.models import CheckIn

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def post(client, htmx=True, **data):
    return client.post("/checkins/", data, **(HTMX if htmx else {}))


def test_it_shows_day_n_the_block_topics_and_slots(alice_client, frozen):
    html = alice_client.get("/").content.decode()
    assert "Day 10 of 180" in html
    assert "数学基础" in html  # block 2, days 8-14
    assert "线性代数" in html  # topic 2.1, days 8-10
    assert "06:00–07:00" in html and "阅读论文/技术博客" in html and "20:00–23:00" in html
    assert html.count('class="slot-card') == 3 + 3  # today's three, and yesterday's three to back-fill


def test_one_tap_done_swaps_only_that_slots_card(alice_client, alice, frozen):
    response = post(alice_client, date="2026-11-10", slot=3, status="done")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<article class="slot-card is-done" id="slot-2026-11-10-3"')
    assert "<html" not in html and "Done · 180 min" in html  # minutes default to the slot's length
    assert response["HX-Trigger"] and "checkin-saved" in response["HX-Trigger"]
    checkin = CheckIn.objects.get(user=alice)
    assert (checkin.local_date, checkin.slot, checkin.status, checkin.minutes) == (date(2026, 11, 10), 3, "done", 180)


def test_without_javascript_the_form_posts_and_redirects(alice_client, alice, frozen):
    response = post(alice_client, htmx=False, date="2026-11-10", slot=1, status="skipped", next="/")
    assert response.status_code == 302 and response["Location"] == "/#slot-2026-11-10-1"
    assert CheckIn.objects.get(user=alice).status == "skipped"


def test_done_with_minutes_note_and_topics(alice_client, alice, frozen):
    response = post(alice_client, date="2026-11-10", slot=3, status="done", minutes="120", note="**SVD** at last",
                    topics=["2.1"], with_topics="1")
    assert response.status_code == 200
    checkin = CheckIn.objects.get(user=alice)
    assert checkin.minutes == 120 and checkin.note == "**SVD** at last"
    assert [t.key for t in checkin.topics.all()] == ["2.1"]
    assert "<strong>SVD</strong>" in response.content.decode()


def test_a_form_without_the_topic_list_keeps_the_chosen_topics(alice_client, alice, frozen):
    post(alice_client, date="2026-11-10", slot=3, status="done", topics=["2.1"], with_topics="1")
    post(alice_client, date="2026-11-10", slot=3, status="done", minutes="90", compact="1")  # the dashboard's card
    checkin = CheckIn.objects.get(user=alice)
    assert checkin.minutes == 90 and [t.key for t in checkin.topics.all()] == ["2.1"]
    post(alice_client, date="2026-11-10", slot=3, status="done", with_topics="1")  # every box unticked
    assert not checkin.topics.exists()


def test_a_repeated_post_updates_and_never_duplicates(alice_client, alice, frozen):
    for minutes in ("30", "30", "45"):
        post(alice_client, date="2026-11-10", slot=1, status="done", minutes=minutes)
    assert CheckIn.objects.filter(user=alice).count() == 1
    assert CheckIn.objects.get(user=alice).minutes == 45


def test_yesterday_can_be_back_filled_from_today(alice_client, alice, frozen):
    assert 'id="slot-2026-11-09-2"' in alice_client.get("/").content.decode()
    post(alice_client, date="2026-11-09", slot=2, status="done")
    html = alice_client.get("/").content.decode()
    assert 'id="slot-2026-11-09-2"' not in html and 'id="slot-2026-11-09-1"' in html


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"minutes": "-5"}, "minutes", "greater than or equal to 0"),
        ({"minutes": "lots"}, "minutes", "Enter a whole number"),
        ({"minutes": "1441"}, "minutes", "less than or equal to 1440"),
        ({"date": "2026-11-11"}, "date", "future date"),
        ({"date": "2026-10-31"}, "date", "before it"),
        ({"date": "yesterday"}, "date", "Enter a valid date"),
        ({"slot": "4"}, "slot", "There is no slot 4"),
        ({"slot": "zero"}, "slot", "Enter a whole number"),
        ({"status": "maybe"}, "status", "Select a valid choice"),
        ({"topics": ["99.9"], "with_topics": "1"}, "topics", "Unknown topic 99.9"),
        ({"note": "x" * 20_001}, "note", "at most 20000 characters"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_changes(alice_client, alice, frozen, data, field, message):
    for htmx in (True, False):
        base = {"date": "2026-11-10", "slot": "1", "status": "done"}
        response = post(alice_client, htmx=htmx, **(base | data))
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not CheckIn.objects.filter(user=alice).exists()


def test_a_topic_of_another_plan_is_refused(alice_client, alice, frozen, tmp_path):
    from django.core.management import call_command

    from tests.conftest import PLANS

    call_command("import_plan", str(PLANS / "english-42.md"), slug="other", stdout=None)
    response = post(alice_client, date="2026-11-10", slot=1, status="done", topics=["1.4"], with_topics="1")  # only in "other"
    assert response.status_code == 400 and "Unknown topic 1.4" in response.content.decode()


def test_more_than_a_day_of_minutes_across_slots_is_refused(alice_client, alice, frozen):
    post(alice_client, date="2026-11-09", slot=1, status="done", minutes="1000")
    response = post(alice_client, date="2026-11-09", slot=2, status="done", minutes="500")
    assert response.status_code == 400 and "1500 minutes" in response.content.decode()
    assert CheckIn.objects.filter(user=alice).count() == 1


def test_a_missing_csrf_token_is_refused(client, alice, frozen):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    response = strict.post("/checkins/", {"date": "2026-11-10", "slot": "1", "status": "done"})
    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_the_page_is_small_and_loads_only_htmx_and_our_own_files(alice_client, frozen):
    response = alice_client.get("/")
    html = response.content.decode()
    assert len(response.content) < 30_000
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert scripts and all(s.startswith("/static/") for s in scripts)
    assert any("htmx" in s for s in scripts) and not any("plotly" in s for s in scripts)
    assert all(s.startswith("/static/") for s in re.findall(r'<link[^>]*href="([^"]+)"', html))
    assert 'rel="manifest"' in html and 'name="viewport"' in html


def test_the_manifest_and_icons_are_served(alice_client):
    from django.contrib.staticfiles import finders

    assert finders.find("cadence/manifest.webmanifest") and finders.find("cadence/icon-192.png") and finders.find("cadence/icon-512.png")


def test_queries_do_not_grow_with_history(alice_client, alice, plan, frozen, django_assert_max_num_queries):
    from apps.curriculum.models import Topic
    from apps.progress.models import TopicProgress

    first = date(2026, 11, 1) - timedelta(days=170)
    CheckIn.objects.create(user=alice, local_date=date(2026, 11, 10), slot=1, status="done", minutes=60)
    TopicProgress.objects.create(user=alice, topic=Topic.objects.get(key="1.1"), status="done", closed_on=date(2026, 11, 2))
    alice_client.get("/")  # the first visit also makes the learner's milestone rows, once
    with django_assert_max_num_queries(12) as one:
        alice_client.get("/")
    rows = [  # 540 check-ins in all: three slots a day for 180 days
        CheckIn(user=alice, local_date=first + timedelta(days=i), slot=slot, status="done", minutes=60)
        for i in range(180)
        for slot in (1, 2, 3)
        if (first + timedelta(days=i), slot) != (date(2026, 11, 10), 1)
    ]
    CheckIn.objects.bulk_create(rows)
    others = Topic.objects.filter(plan=plan).exclude(key="1.1")
    TopicProgress.objects.bulk_create([TopicProgress(user=alice, topic=t, status="done", closed_on=date(2026, 11, 2)) for t in others])
    assert CheckIn.objects.filter(user=alice).count() == 540
    with django_assert_max_num_queries(12) as many:
        alice_client.get("/")
    assert len(many.captured_queries) <= len(one.captured_queries)


def test_before_the_start_date_it_says_when_the_plan_starts(client, django_user_model, plan, frozen):
    from apps.progress.services import enroll

    user = django_user_model.objects.create_user("early")
    enroll(user=user, plan=plan, start_date=date(2026, 12, 1), timezone="Asia/Shanghai")
    client.force_login(user)
    assert "Your plan starts on 2026-12-01" in client.get("/").content.decode()
