"""The settings page: plan, day 1, timezone, language and slot times, each only the learner's own."""

import pytest

from apps.progress.models import SlotTime

pytestmark = pytest.mark.django_db


def form_data(user, **overrides):
    enrollment = user.enrollment
    slots = list(SlotTime.objects.filter(enrollment=enrollment))
    data = {
        "enrollment-plan": enrollment.plan_id, "enrollment-start_date": enrollment.start_date.isoformat(),
        "enrollment-timezone": enrollment.timezone, "enrollment-language": enrollment.language,
        "slots-TOTAL_FORMS": len(slots), "slots-INITIAL_FORMS": len(slots), "slots-MIN_NUM_FORMS": 0, "slots-MAX_NUM_FORMS": 1000,
    }
    for i, slot in enumerate(slots):
        data |= {f"slots-{i}-id": slot.pk, f"slots-{i}-start": f"{slot.start:%H:%M}", f"slots-{i}-end": f"{slot.end:%H:%M}"}
    return data | overrides


def test_it_shows_the_learners_settings(alice_client):
    html = alice_client.get("/settings/").content.decode()
    assert 'value="2026-11-01"' in html and "Asia/Shanghai" in html and "动手实践编码" in html


def test_it_saves_timezone_language_and_a_slot_time(alice_client, alice):
    data = form_data(alice, **{"enrollment-timezone": "Asia/Kathmandu", "enrollment-language": "zh-hans", "slots-2-start": "19:30"})
    response = alice_client.post("/settings/", data)
    assert response.status_code == 302
    alice.enrollment.refresh_from_db()
    assert (alice.enrollment.timezone, alice.enrollment.language) == ("Asia/Kathmandu", "zh-hans")
    assert f"{SlotTime.objects.get(enrollment=alice.enrollment, days='weekday', number=3).start:%H:%M}" == "19:30"
    assert alice_client.get("/settings/")["Content-Language"] == "zh-hans"


@pytest.mark.parametrize(
    "field, value",
    [("enrollment-timezone", "Mars/Olympus"), ("enrollment-start_date", "not-a-date"), ("enrollment-language", "klingon"),
     ("enrollment-plan", "999999"), ("slots-0-start", "25:00"), ("slots-0-end", "06:00")],
)
def test_bad_input_is_400_and_changes_nothing(alice_client, alice, field, value):
    before = (alice.enrollment.timezone, alice.enrollment.start_date, list(SlotTime.objects.values_list("start", "end")))
    response = alice_client.post("/settings/", form_data(alice, **{field: value}))
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()
    alice.enrollment.refresh_from_db()
    assert (alice.enrollment.timezone, alice.enrollment.start_date, list(SlotTime.objects.values_list("start", "end"))) == before


def test_a_strangers_slot_id_cannot_be_changed(alice_client, alice, bob):
    bobs = SlotTime.objects.filter(enrollment=bob.enrollment).first()
    data = form_data(alice, **{"slots-0-id": bobs.pk, "slots-0-start": "01:00"})
    response = alice_client.post("/settings/", data)
    assert response.status_code == 400
    bobs.refresh_from_db()
    assert f"{bobs.start:%H:%M}" == "06:00"


def test_a_learner_without_enrollment_can_enroll_here(client, charlie, plan):
    client.force_login(charlie)
    assert client.get("/").status_code == 302  # home sends them to settings to choose
    response = client.post("/settings/", {
        "enrollment-plan": plan.pk, "enrollment-start_date": "2026-12-01", "enrollment-timezone": "UTC", "enrollment-language": "en",
        "slots-TOTAL_FORMS": 0, "slots-INITIAL_FORMS": 0, "slots-MIN_NUM_FORMS": 0, "slots-MAX_NUM_FORMS": 1000,
    })
    assert response.status_code == 302
    charlie.refresh_from_db()
    assert charlie.enrollment.plan == plan and SlotTime.objects.filter(enrollment=charlie.enrollment).count() == 6


def test_with_no_plan_at_all_there_is_a_clear_empty_state(client, charlie):
    client.force_login(charlie)
    response = client.get("/")
    assert response.status_code == 200 and "No plan yet" in response.content.decode()


def test_a_post_claiming_thousands_of_slot_forms_is_refused_quickly(alice_client, alice):
    before = list(SlotTime.objects.values_list("start", "end"))
    response = alice_client.post("/settings/", form_data(alice, **{"slots-TOTAL_FORMS": "2000"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('name="slots-') < 200  # at most 24 forms rendered back, not 2,000
    assert list(SlotTime.objects.values_list("start", "end")) == before
