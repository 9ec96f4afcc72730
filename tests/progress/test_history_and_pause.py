"""History (calendar, list, editing past check-ins) and pausing the plan."""

from datetime import date

import pytest

from apps.progress.models import CheckIn, Pause

pytestmark = pytest.mark.django_db


def test_the_calendar_shows_minutes_and_slots_per_day(alice_client, alice, frozen):
    CheckIn.objects.create(user=alice, local_date=date(2026, 11, 3), slot=1, status="done", minutes=60, note="read *Attention*")
    CheckIn.objects.create(user=alice, local_date=date(2026, 11, 3), slot=3, status="done", minutes=150)
    CheckIn.objects.create(user=alice, local_date=date(2026, 11, 4), slot=2, status="skipped")
    html = alice_client.get("/history/").content.decode()
    assert "3 h 30 min<br>2/3 slots" in html  # Tuesday the 3rd: 210 minutes, two of three slots
    assert 'href="/day/2026-11-03/"' in html
    assert 'href="/day/2026-11-11/"' not in html  # the calendar links days up to today (the future is previewed from Today)
    assert "<em>Attention</em>" in html  # notes are rendered Markdown
    assert "Time against plan" in html


def test_a_past_day_page_lets_a_check_in_be_edited(alice_client, alice, frozen):
    CheckIn.objects.create(user=alice, local_date=date(2026, 11, 3), slot=1, status="done", minutes=60)
    html = alice_client.get("/day/2026-11-03/").content.decode()
    assert "Day 3 of 180" in html and 'value="60"' in html
    alice_client.post("/checkins/", {"date": "2026-11-03", "slot": "1", "status": "done", "minutes": "40", "next": "/day/2026-11-03/"})
    assert CheckIn.objects.get(user=alice).minutes == 40


def test_pre_plan_days_have_no_page_and_future_ones_a_preview(alice_client, frozen):
    assert "Preview" in alice_client.get("/day/2026-11-11/").content.decode()  # tests/progress/test_preview_and_error_pages.py
    assert alice_client.get("/day/2026-10-31/").status_code == 404
    assert alice_client.get("/day/not-a-date/").status_code == 404
    assert alice_client.get("/day/2026-11-10/").status_code == 302  # today is the Today page


def test_pausing_shifts_the_schedule_and_resuming_goes_on(alice_client, alice, frozen):
    response = alice_client.post("/settings/pause/", {"start_date": "2026-11-10"})
    assert response.status_code == 302
    assert "Paused" in alice_client.get("/").content.decode()
    frozen.shift(60 * 60 * 24 * 3)  # three days later: the 13th
    html = alice_client.get("/").content.decode()
    assert "Day 9 of 180" in html and "Paused" in html  # still at day 9, the last day before the pause
    alice_client.post("/settings/resume/")
    assert Pause.objects.get(user=alice).end_date == date(2026, 11, 12)
    html = alice_client.get("/").content.decode()
    assert "Day 10 of 180" in html and "Paused" not in html
    assert alice_client.get("/api/v1/progress").json()["paused_days"] == 3


@pytest.mark.parametrize(
    "start, message",
    [("2026-11-09", "not in the past"), ("2026-10-01", "Your plan starts on"), ("soon", "Enter a valid date")],
)
def test_a_bad_pause_is_refused(alice_client, alice, frozen, start, message):
    response = alice_client.post("/settings/pause/", {"start_date": start})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Pause.objects.exists()


def test_a_second_pause_while_paused_is_refused(alice_client, alice, frozen):
    alice_client.post("/settings/pause/", {"start_date": "2026-11-12"})
    response = alice_client.post("/settings/pause/", {"start_date": "2026-11-20"})
    assert response.status_code == 400 and "already paused" in response.content.decode()
    assert Pause.objects.count() == 1


def test_ahead_and_behind_plan(alice_client, alice, frozen):
    from apps.curriculum.models import Topic
    from apps.progress.models import TopicProgress

    # Day 10 at noon, nothing done: days 1-9 are due (today's topic only once the day is over).
    assert "behind by 9 days" in alice_client.get("/").content.decode()
    for key in ("1.1", "1.2", "1.3", "2.1", "2.2"):  # 3+2+2+3+2 = 12 topic-days
        TopicProgress.objects.create(user=alice, topic=Topic.objects.get(key=key), status="done")
    html = alice_client.get("/").content.decode()
    assert "buffer-blue" in html and "3 days <small>until 2026-11-13</small>" in html  # free through 11-12
