"""Nudges: a lead's word to chosen members (or everyone behind by more than N days), through each
member's reminder channels, at most one a member a day, recorded and shown on Today; and the weekly
automatic nudge at a behind member's first slot on Mondays."""

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client

from apps.groups import nudging, services
from apps.groups.models import Membership, Nudge
from apps.groups.services import accept
from apps.reminders import channels
from apps.reminders.models import ReminderSettings
from tests.receiver import receiving

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def receiver():
    with receiving() as found:
        yield found


def send_all():
    return nudging.send(list(Nudge.objects.filter(status="pending").values_list("pk", flat=True)))


def test_a_lead_nudges_ticked_members_once_a_day_by_mail_and_channel_and_it_shows_on_today(
    cohort, lead, alice, bob, receiver, django_capture_on_commit_callbacks, django_assert_max_num_queries, frozen
):
    channels.add_apprise(alice, f"json://127.0.0.1:{receiver.port}/alice")
    lena = client_for(lead)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = lena.post("/groups/cohort/nudge/", {"members": [alice.pk, bob.pk], "message": "Keep going: block 2 is short."})
    assert response.status_code == 302 and len(callbacks) == 1  # the send is queued once the rows are saved
    nudge = Nudge.objects.get()
    assert (nudge.user, nudge.local_date, nudge.sender, nudge.automatic) == (alice, date(2026, 11, 10), lead, False)
    assert not Nudge.objects.filter(user=bob).exists()  # bob has not accepted: no nudge
    assert send_all() == {"sent": 1, "failed": 0}
    assert [m.to for m in mail.outbox] == [["alice@example.com"]] and "Keep going" in mail.outbox[0].body
    body = json.loads(receiver.at("/alice")[0]["body"])
    assert "Keep going" in body["message"] and "Cohort 1" in body["title"]
    nudge.refresh_from_db()
    assert nudge.status == "sent" and nudge.delivered == ["email", f"ch{alice.channels.get().pk}"]
    alices = client_for(alice)
    alices.get("/")
    with django_assert_max_num_queries(6):  # Today's budget holds: the nudge comes with the enrollment
        today = alices.get("/").content.decode()
    assert "From your study group" in today and "Keep going: block 2 is short." in today and "lena" in today
    # The same day again: nothing new.
    page = lena.post("/groups/cohort/nudge/", {"members": [alice.pk], "message": "again"}, follow=True).content.decode()
    assert Nudge.objects.count() == 1 and "1 already had a nudge today" in page
    assert send_all() == {"sent": 0, "failed": 0} and len(mail.outbox) == 1


def test_everyone_behind_by_more_than_n_days(cohort, lead, plan, django_user_model, frozen):
    from tests.groups.conftest import learners

    late = learners(django_user_model, plan, 1, prefix="late", start=date(2026, 10, 1))
    early = learners(django_user_model, plan, 1, prefix="new", start=date(2026, 11, 8))
    for user in late + early:
        services.add_members(cohort, [user])
        accept(Membership.objects.get(group=cohort, user=user), share_email=False)
    lena = client_for(lead)
    lena.post("/groups/cohort/nudge/", {"behind": "20", "message": "Time to catch up"})
    assert set(Nudge.objects.values_list("user__username", flat=True)) == {"late000"}  # 40 days in: behind by 39
    lena.post("/groups/cohort/nudge/", {"behind": "5", "message": "Time to catch up"})
    assert set(Nudge.objects.values_list("user__username", flat=True)) == {"late000", "alice"}  # alice: day 10


@pytest.mark.parametrize("data", [
    {"message": "", "members": ["ALICE"]},
    {"message": "hi"},
    {"message": "x" * 501, "behind": "1"},
    {"message": "hi", "behind": "-1"},
    {"message": "hi", "members": ["999999"]},
    {"message": "hi", "members": ["x"]},
])
def test_bad_nudges_are_400_and_send_nothing(cohort, lead, alice, data):
    if data.get("members") == ["ALICE"]:
        data["members"] = [alice.pk]
    response = client_for(lead).post("/groups/cohort/nudge/", data)
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert not Nudge.objects.exists()


def test_a_member_with_reminders_off_sees_the_nudge_on_today_only(cohort, lead, alice):
    ReminderSettings.objects.filter(user=alice).update(mode="off")
    client_for(lead).post("/groups/cohort/nudge/", {"members": [alice.pk], "message": "hello"})
    assert send_all() == {"sent": 1, "failed": 0} and not mail.outbox
    assert "hello" in client_for(alice).get("/").content.decode()


def test_the_nudge_shows_on_today_on_its_day_and_the_next_only(cohort, lead, alice, frozen):
    client_for(lead).post("/groups/cohort/nudge/", {"members": [alice.pk], "message": "one slot tonight"})
    alices = client_for(alice)
    assert "one slot tonight" in alices.get("/").content.decode()
    frozen.shift(timedelta(days=1))
    assert "one slot tonight" in alices.get("/").content.decode()
    frozen.shift(timedelta(days=1))
    assert "one slot tonight" not in alices.get("/").content.decode()


def test_a_channel_that_is_down_is_recorded(cohort, lead, alice, receiver):
    channels.add_apprise(alice, f"json://127.0.0.1:{receiver.port}/down")
    receiver.status = 500
    alice.email = ""
    alice.save()
    client_for(lead).post("/groups/cohort/nudge/", {"members": [alice.pk], "message": "hello"})
    assert send_all() == {"sent": 0, "failed": 1}
    nudge = Nudge.objects.get()
    assert nudge.status == "failed" and nudge.error.startswith("ch")


def test_the_weekly_nudge_goes_on_monday_at_the_first_slot_to_members_behind_by_more_than_the_threshold(cohort, alice, time_machine):
    cohort.auto_nudge_behind = 3
    cohort.save()
    shanghai = ZoneInfo("Asia/Shanghai")
    monday = datetime(2026, 11, 16, 6, 10, tzinfo=shanghai)  # day 16, the first weekday slot is 06:00-07:00
    time_machine.move_to(monday - timedelta(hours=1), tick=False)
    assert nudging.weekly() == 0  # before the slot
    time_machine.move_to(monday, tick=False)
    assert nudging.weekly() == 1 and nudging.weekly() == 0  # once
    nudge = Nudge.objects.get()
    assert nudge.automatic and nudge.sender is None and "Cohort 1" in nudge.message and nudge.local_date == date(2026, 11, 16)
    time_machine.move_to(datetime(2026, 11, 17, 6, 10, tzinfo=shanghai), tick=False)
    assert nudging.weekly() == 0  # a Tuesday
    time_machine.move_to(datetime(2026, 11, 23, 6, 10, tzinfo=shanghai), tick=False)
    Membership.objects.filter(user=alice).update(shares_since=None)
    assert nudging.weekly() == 0  # she withdrew her consent
    Membership.objects.filter(user=alice).update(shares_since=datetime(2026, 11, 2, tzinfo=UTC))
    cohort.auto_nudge_behind = 30
    cohort.save()
    assert nudging.weekly() == 0  # 22 days behind is not more than 30
