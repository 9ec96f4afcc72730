"""A learner's slots are the plan's rhythm: re-importing a plan that adds, moves or removes a slot is
reflected on Today, in reminders and in the calendar feed at once, with no data migration by hand.

(The bug this retired: slots were copied into per-learner rows at enrollment, so a re-imported
plan's new slot showed on Today but was never reminded, and a removed one kept being reminded.)
"""

import copy
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.core import mail
from django.test import Client

from apps.curriculum.services import save_plan
from apps.reminders import services
from apps.reminders.models import Reminder, ReminderSettings
from tests.conftest import move_slot

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 10)  # a Tuesday; day 10 for a 2026-03-01 start in Shanghai (UTC+8)


def shanghai(hour, minute=0):
    return datetime(2026, 3, 10, hour - 8, minute, tzinfo=UTC)


def tick(now):
    with time_machine.travel(now, tick=False):
        for batch in services.batches(services.dispatch()):
            services.send_batch(batch)


def reimport(seed_data, change):
    data = copy.deepcopy(seed_data)
    change(data["rhythm"])
    save_plan(data, slug="llm", replace=True)


def today_html(user):
    client = Client()
    client.force_login(user)
    with time_machine.travel(shanghai(17), tick=False):
        return client.get("/").content.decode()


def feed(user):
    token = ReminderSettings.objects.get(user=user).calendar_token
    with time_machine.travel(shanghai(17), tick=False):
        return Client().get(f"/calendar/{token}.ics").content.decode()


def test_a_slot_added_by_a_reimport_is_on_today_reminded_and_in_the_feed(learner, seed_data):
    user = learner("ann")
    reimport(seed_data, lambda rhythm: rhythm.insert(2, {
        "days": "weekday", "slot": 4, "start": "17:30", "end": "18:00", "activity": "Flashcards",
    }))
    assert "17:30–18:00" in today_html(user) and "Flashcards" in today_html(user)
    assert "Flashcards" in feed(user)
    tick(shanghai(17, 31))
    assert [m.to for m in mail.outbox] == [[user.email]] and "17:30 Flashcards" in mail.outbox[0].subject
    assert Reminder.objects.get(user=user, local_date=DAY, slot=4).status == "sent"


def test_a_slot_removed_by_a_reimport_is_gone_everywhere(learner, seed_data):
    user = learner("ann")
    reimport(seed_data, lambda rhythm: rhythm.pop(2))  # weekday 20:00-23:00 coding
    assert "动手实践编码" not in today_html(user) and "20:00–23:00" not in today_html(user)
    assert "动手实践编码" not in feed(user)
    tick(shanghai(20, 1))
    assert mail.outbox == [] and not Reminder.objects.filter(user=user, slot=3).exists()


def test_a_slot_moved_by_a_reimport_moves_for_everyone_who_kept_the_plans_time(learner, seed_data):
    follows, moved_own = learner("ann"), learner("ben")
    move_slot(moved_own, "weekday", 3, time(21), time(23))
    reimport(seed_data, lambda rhythm: rhythm[2].update(start="19:00"))
    tick(shanghai(19, 1))
    assert [m.to for m in mail.outbox] == [[follows.email]]
    assert "19:00–23:00" in today_html(follows) and "21:00–23:00" in today_html(moved_own)
    tick(shanghai(21, 1))
    assert [m.to for m in mail.outbox][1:] == [[moved_own.email]]


def test_a_slot_the_learner_turned_off_is_neither_shown_nor_reminded(learner):
    from apps.progress.models import Enrollment

    user = learner("ann")
    Enrollment.objects.filter(user=user).update(slot_overrides={"weekday-3": {"off": True}})
    user.refresh_from_db()
    assert "动手实践编码" not in today_html(user) and "动手实践编码" not in feed(user)
    tick(shanghai(20, 1))
    assert mail.outbox == []
