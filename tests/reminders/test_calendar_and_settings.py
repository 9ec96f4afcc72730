"""The calendar feed, reminder settings, and the send_due_reminders command."""

import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from icalendar import Calendar

from apps.progress.models import Pause
from apps.reminders.models import Reminder, ReminderSettings

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai, day 10 of a 2026-03-01 start


def feed(client, user):
    token = ReminderSettings.objects.get(user=user).calendar_token
    return client.get(f"/calendar/{token}.ics")


def test_the_feed_has_one_event_per_slot_for_the_remaining_days_and_milestones(client, learner):
    user = learner("cal")
    Pause.objects.create(user=user, start_date=date(2026, 3, 20), end_date=date(2026, 3, 21))  # two days off
    with time_machine.travel(NOON, tick=False):
        response = feed(client, user)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = [c for c in cal.walk("VEVENT")]
    timed = [e for e in events if isinstance(e.decoded("dtstart"), datetime)]
    all_day = [e for e in events if not isinstance(e.decoded("dtstart"), datetime)]
    # Days 10..180 remain: 171 days of three slots each; the plan ends two days later for the pause.
    assert len(timed) == 171 * 3
    first = min(timed, key=lambda e: e.decoded("dtstart"))
    assert first.decoded("dtstart") == datetime(2026, 3, 10, 6, 0, tzinfo=first.decoded("dtstart").tzinfo)
    assert str(first.decoded("dtstart").tzinfo) == "Asia/Shanghai" and first["summary"] == "阅读论文/技术博客"
    assert "2.1 线性代数" in first["description"]
    assert not any(e.decoded("dtstart").date() in (date(2026, 3, 20), date(2026, 3, 21)) for e in timed)
    # Days 30, 60, 120 and 180, each two days later for the pause.
    assert [e.decoded("dtstart") for e in all_day] == [date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 30), date(2026, 8, 29)]
    assert "从零实现Transformer" in all_day[1]["description"]
    assert len({e["uid"] for e in events}) == len(events)
    assert cal.walk("VTIMEZONE")  # so calendars that need it get the zone's rules


def test_a_new_address_kills_the_old_one(client, learner):
    user = learner("rotate")
    old = ReminderSettings.objects.get(user=user).calendar_token
    client.force_login(user)
    client.post("/settings/reminders/calendar/")
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert feed(client, user).status_code == 200
    assert client.get("/calendar/nope.ics").status_code == 404


def test_reminder_settings_are_saved(client, learner):
    user = learner("prefs")
    client.force_login(user)
    page = client.get("/settings/reminders/").content.decode()
    assert "At every study slot" in page and 'value="weekday-3"' in page
    response = client.post("/settings/reminders/", {"mode": "digest", "enabled_slots": ["weekday-1", "weekend-1"]})
    assert response.status_code == 302
    prefs = ReminderSettings.objects.get(user=user)
    assert prefs.mode == "digest" and prefs.weekends is False
    assert prefs.disabled_slots == ["weekday-2", "weekday-3", "weekend-2", "weekend-3"]


@pytest.mark.parametrize("data", [{"mode": "sometimes"}, {"mode": "off", "enabled_slots": ["weekday-9"]}])
def test_bad_reminder_settings_are_refused(client, learner, data):
    user = learner("badprefs")
    client.force_login(user)
    assert client.post("/settings/reminders/", data).status_code == 400
    assert ReminderSettings.objects.get(user=user).mode == "every_slot"


def test_the_command_sends_what_is_due(learner):
    learner("cron")
    out = io.StringIO()
    call_command("send_due_reminders", now="2026-03-10T12:01:00Z", stdout=out)
    assert "1 due: 1 sent" in out.getvalue()
    assert len(mail.outbox) == 1 and Reminder.objects.get().status == "sent"


def test_the_dry_run_lists_and_writes_nothing(learner):
    learner("dry")
    out = io.StringIO()
    call_command("send_due_reminders", now="2026-03-10T12:01:00Z", dry_run=True, stdout=out)
    assert "dry: 2026-03-10 slot 3 (slot) at 2026-03-10 12:00Z: would send" in out.getvalue()
    assert not Reminder.objects.exists() and not mail.outbox


@pytest.mark.parametrize("value", ["yesterday", "2026-03-10T12:00:00"])
def test_the_command_refuses_a_bad_now(value):
    with pytest.raises(CommandError, match="--now"):
        call_command("send_due_reminders", now=value)


def test_every_enrolled_learner_has_reminder_settings(learner):
    user = learner("fresh")
    assert ReminderSettings.objects.filter(user=user, mode="every_slot").exists()
