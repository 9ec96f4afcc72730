"""The settings page: plan, day 1, timezone, language and the learner's own slot times, each only
the learner's own. Slots at the plan's times are not stored: only what differs from the plan."""

from datetime import date

import pytest

from apps.progress.learner import Learner
from apps.progress.models import Enrollment

pytestmark = pytest.mark.django_db

PLAN_TIMES = {
    "weekday-1": ("06:00", "07:00"), "weekday-2": ("12:00", "13:00"), "weekday-3": ("20:00", "23:00"),
    "weekend-1": ("09:00", "12:00"), "weekend-2": ("14:00", "17:00"), "weekend-3": ("20:00", "22:00"),
}


def form_data(user, **overrides):
    enrollment = user.enrollment
    data = {
        "enrollment-plan": enrollment.plan_id, "enrollment-start_date": enrollment.start_date.isoformat(),
        "enrollment-timezone": enrollment.timezone, "enrollment-language": enrollment.language,
        "enrollment-desired_retention": enrollment.desired_retention, "enrollment-daily_reviews": enrollment.daily_reviews,
    }
    for key, (start, end) in PLAN_TIMES.items():
        data |= {f"slots-{key}-start": start, f"slots-{key}-end": end}
    return data | overrides


def test_it_shows_the_learners_settings(alice_client):
    html = alice_client.get("/settings/").content.decode()
    assert 'value="2026-11-01"' in html and "Asia/Shanghai" in html and "动手实践编码" in html
    assert 'name="slots-weekday-3-start" value="20:00"' in html


def test_it_saves_timezone_language_and_a_slot_time(alice_client, alice):
    data = form_data(alice, **{"enrollment-timezone": "Asia/Kathmandu", "enrollment-language": "zh-hans", "slots-weekday-3-start": "19:30"})
    response = alice_client.post("/settings/", data)
    assert response.status_code == 302
    alice.enrollment.refresh_from_db()
    assert (alice.enrollment.timezone, alice.enrollment.language) == ("Asia/Kathmandu", "zh-hans")
    # Only the moved slot is kept; the others follow the plan.
    assert alice.enrollment.slot_overrides == {"weekday-3": {"start": "19:30", "end": "23:00"}}
    assert alice_client.get("/settings/")["Content-Language"] == "zh-hans"
    assert 'name="slots-weekday-3-start" value="19:30"' in alice_client.get("/settings/").content.decode()


def test_a_slot_can_be_turned_off_and_on_again(alice_client, alice):
    assert alice_client.post("/settings/", form_data(alice, **{"slots-weekday-2-off": "on"})).status_code == 302
    alice.enrollment.refresh_from_db()
    assert alice.enrollment.slot_overrides == {"weekday-2": {"off": True}}
    assert [s.key for s in Learner.load(alice).slots] == ["weekday-1", "weekday-3", "weekend-1", "weekend-2", "weekend-3"]
    assert alice_client.post("/settings/", form_data(alice)).status_code == 302
    alice.enrollment.refresh_from_db()
    assert alice.enrollment.slot_overrides == {}


@pytest.mark.parametrize(
    "field, value",
    [("enrollment-timezone", "Mars/Olympus"), ("enrollment-start_date", "not-a-date"), ("enrollment-language", "klingon"),
     ("enrollment-plan", "999999"), ("slots-weekday-1-start", "25:00"), ("slots-weekday-1-end", "06:00"),
     ("slots-weekday-1-start", "")],
)
def test_bad_input_is_400_and_changes_nothing(alice_client, alice, field, value):
    before = Enrollment.objects.filter(pk=alice.enrollment.pk).values().get()
    response = alice_client.post("/settings/", form_data(alice, **{field: value}))
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()
    assert Enrollment.objects.filter(pk=alice.enrollment.pk).values().get() == before


def test_a_changed_plan_drops_times_set_for_the_old_one(alice_client, alice, seed_data):
    from apps.curriculum.services import save_plan

    other = save_plan(seed_data, slug="copy")
    alice_client.post("/settings/", form_data(alice, **{"slots-weekday-3-start": "19:30"}))
    assert alice_client.post("/settings/", form_data(alice, **{"enrollment-plan": other.pk})).status_code == 302
    alice.enrollment.refresh_from_db()
    assert alice.enrollment.plan == other and alice.enrollment.slot_overrides == {}


def test_a_learner_without_enrollment_can_enroll_here(client, charlie, plan):
    client.force_login(charlie)
    assert client.get("/").status_code == 302  # home sends them to settings to choose
    response = client.post("/settings/", {
        "enrollment-plan": plan.pk, "enrollment-start_date": "2026-12-01", "enrollment-timezone": "UTC", "enrollment-language": "en",
    })
    assert response.status_code == 302
    charlie.refresh_from_db()
    assert charlie.enrollment.plan == plan and charlie.enrollment.slot_overrides == {}
    assert len(Learner.load(charlie).slots) == 6


def test_with_no_plan_at_all_there_is_a_clear_empty_state(client, charlie, no_plan):
    client.force_login(charlie)
    response = client.get("/")
    assert response.status_code == 200 and "No plan yet" in response.content.decode()


@pytest.mark.parametrize(
    "times, message",
    [
        ({"slots-weekday-2-start": "13:00", "slots-weekday-2-end": "12:00"}, "13:00–12:00 would last 23 hours"),
        ({"slots-weekday-1-start": "06:00", "slots-weekday-1-end": "12:30"}, "This slot overlaps slot 1"),  # into 12:00-13:00
        ({"slots-weekend-1-start": "13:00", "slots-weekend-1-end": "15:00"}, "overlaps slot"),
    ],
)
def test_slot_times_that_make_no_day_are_refused(alice_client, alice, times, message):
    before = Enrollment.objects.filter(pk=alice.enrollment.pk).values().get()
    response = alice_client.post("/settings/", form_data(alice, **times))
    assert response.status_code == 400 and message in response.content.decode()
    assert Enrollment.objects.filter(pk=alice.enrollment.pk).values().get() == before


def test_a_slot_crossing_midnight_counts_on_the_day_it_starts(alice_client, alice, frozen):
    response = alice_client.post("/settings/", form_data(alice, **{"slots-weekday-3-start": "22:00", "slots-weekday-3-end": "01:00"}))
    assert response.status_code == 302
    slot = Learner.load(alice).slot_on(date(2026, 11, 10), 3)
    assert slot.minutes == 180
    html = alice_client.get("/").content.decode()
    assert "/ 5 h</dd>" in html  # today: 1 h + 1 h + 3 h planned, all on the day the slot starts
