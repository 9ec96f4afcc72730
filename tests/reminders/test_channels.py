"""Reminder channels besides e-mail, with real parts: Apprise posting to a local HTTP receiver (json://),
each channel claimed, sent and retried on its own, secrets never shown or logged, and Settings'
channel forms (add, test, per slot, remove) kept to their owner."""

import json
import logging
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from apps.core.crypto import unseal
from apps.progress.models import CheckIn
from apps.reminders import channels, services
from apps.reminders.models import Channel, Reminder
from tests.receiver import receiving

# Tuesday 2026-03-10 in Shanghai (UTC+8): the evening slot (weekday-3) starts at 20:00 = 12:00 UTC.
EVENING = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def run(now):
    with time_machine.travel(now, tick=False):
        outcome = {}
        for batch in services.batches(services.dispatch()):
            for key, value in services.send_batch(batch).items():
                outcome[key] = outcome.get(key, 0) + value
        return outcome


@pytest.fixture
def receiver():
    with receiving() as found:
        yield found


def hook(receiver, name):
    return f"json://127.0.0.1:{receiver.port}/{name}"


@pytest.mark.django_db
def test_each_channel_gets_each_slot_once_and_one_down_holds_back_no_other(learner, receiver):
    user = learner("many")
    up, _ = channels.add_apprise(user, hook(receiver, "up-secret-path"), "ntfy")
    down, _ = channels.add_apprise(user, f"json://127.0.0.1:{receiver.port}/down", "broken")
    # The "down" channel points at a port where nothing listens.
    Channel.objects.filter(pk=down.pk).update(secret=channels.seal("json://127.0.0.1:9/down"))
    for minute in range(0, 8):
        run(EVENING + timedelta(minutes=minute, seconds=30))
    assert len(receiver.at("/up-secret-path")) == 1  # once, across eight ticks
    message = json.loads(receiver.at("/up-secret-path")[0]["body"])
    assert message["title"].startswith("Day 10 · 20:00") and "20:00-23:00" in message["message"]
    assert "/r/checkin/" in message["message"]  # a chat app gets the signed check-in link
    assert len([m for m in mail.outbox if m.to == [user.email]]) == 1  # e-mail went out too, once
    rows = {r.channel: r for r in Reminder.objects.filter(user=user, slot=3)}
    assert set(rows) == {"email", up.code, down.code}
    assert rows["email"].status == rows[up.code].status == "sent"
    broken = rows[down.code]
    assert broken.status == "pending" and broken.attempts >= 3 and broken.error  # retried with backoff, window still open
    down.refresh_from_db()
    assert down.last_status == "failed" and down.last_error and "9/down" not in down.last_error
    up.refresh_from_db()
    assert up.last_status == "sent" and up.last_at is not None
    # Past the window the broken one is failed, with its error kept for Settings and the admin.
    run(EVENING + timedelta(minutes=61))
    assert Reminder.objects.get(user=user, slot=3, channel=down.code).status == "failed"


@pytest.mark.django_db
def test_a_failed_channel_send_is_retried_after_its_backoff_not_before(learner, receiver):
    user = learner("backoff")
    channel, _ = channels.add_apprise(user, hook(receiver, "b"))
    receiver.status = 500
    run(EVENING + timedelta(seconds=5))
    row = Reminder.objects.get(user=user, slot=3, channel=channel.code)
    assert row.attempts == 1 and row.next_attempt_at == EVENING + timedelta(seconds=35)
    receiver.status = 200
    run(EVENING + timedelta(seconds=20))  # before the backoff: not tried again
    assert Reminder.objects.get(pk=row.pk).attempts == 1 and not receiver.at("/b")
    run(EVENING + timedelta(seconds=40))
    assert Reminder.objects.get(pk=row.pk).status == "sent" and len(receiver.at("/b")) == 1


@pytest.mark.django_db
def test_a_learner_without_email_is_reminded_by_their_channel_and_a_check_in_stops_it(learner, receiver):
    user = learner("noemail", email=False)
    channels.add_apprise(user, hook(receiver, "only"))
    run(EVENING + timedelta(minutes=1))
    assert len(receiver.at("/only")) == 1 and not mail.outbox
    CheckIn.objects.create(user=user, local_date=date(2026, 3, 11), slot=3, status="done", minutes=60)
    run(EVENING + timedelta(days=1, minutes=1))
    assert len(receiver.at("/only")) == 1  # the next evening was checked in before its time


@pytest.mark.django_db
def test_channels_follow_their_own_slots_and_the_global_off(learner, receiver, client):
    user = learner("slots")
    channel, _ = channels.add_apprise(user, hook(receiver, "s"))
    client.force_login(user)
    # This channel only for the morning slot (weekday-1): the evening reminder goes by e-mail only.
    response = client.post(f"/settings/reminders/channels/{channel.pk}/", {"enabled": "on", "enabled_slots": ["weekday-1"]})
    assert response.status_code == 302
    run(EVENING + timedelta(minutes=1))
    assert not receiver.at("/s") and len(mail.outbox) == 1
    # Turned off: nothing, even at its slot.
    client.post(f"/settings/reminders/channels/{channel.pk}/", {"enabled_slots": ["weekday-1"]})
    assert Channel.objects.get(pk=channel.pk).enabled is False
    run(datetime(2026, 3, 11, 22, 1, tzinfo=UTC))  # 06:01 on Thursday in Shanghai
    assert not receiver.at("/s")


@pytest.mark.django_db
def test_the_url_is_stored_encrypted_never_shown_whole_and_never_logged(learner, receiver, client, caplog):
    user = learner("secret")
    client.force_login(user)
    url = "tgram://123456789:AAHsecretBotTokenValue_abcdefghijk/987654"
    response = client.post("/settings/reminders/channels/", {"url": url, "label": "Telegram"})
    assert response.status_code == 302
    channel = Channel.objects.get(user=user)
    assert url not in channel.secret and "secretBotToken" not in channel.secret and unseal(channel.secret) == url
    assert channel.shown == "tgram://…/…"
    page = client.get("/settings/reminders/").content.decode()
    assert "secretBotToken" not in page and "tgram://…/…" in page and "Telegram" in page
    # Sending fails here (no network to Telegram): the error shown and stored carries no secret.
    caplog.set_level(logging.DEBUG)
    with time_machine.travel(EVENING + timedelta(minutes=1), tick=False):
        client.post(f"/settings/reminders/channels/{channel.pk}/test/")
        services.send_batch(services.dispatch())
    channel.refresh_from_db()
    assert channel.last_status == "failed"
    for text in (channel.last_error, caplog.text, Reminder.objects.get(user=user, channel=channel.code).error,
                 client.get("/settings/reminders/").content.decode()):
        assert "secretBotToken" not in text and "123456789" not in text


@pytest.mark.django_db
def test_adding_a_bad_url_says_why_and_writes_nothing(learner, client):
    user = learner("bad")
    client.force_login(user)
    for url in ("not a url", "nosuchscheme://x/y", "json://" + "a" * 2100):
        response = client.post("/settings/reminders/channels/", {"url": url})
        assert response.status_code == 400, url
        assert "This URL cannot be used" in response.content.decode() or "at most 2000" in response.content.decode()
    assert not Channel.objects.exists()


@pytest.mark.django_db
def test_the_test_button_sends_one_message_and_reports_it(learner, receiver, client):
    user = learner("tester")
    channel, _ = channels.add_apprise(user, hook(receiver, "t"), "hook")
    client.force_login(user)
    page = client.post(f"/settings/reminders/channels/{channel.pk}/test/", follow=True).content.decode()
    assert "Test message sent to hook." in page and "last sent" in page
    assert json.loads(receiver.at("/t")[0]["body"])["title"] == "Cadence: a test message"
    receiver.status = 500
    page = client.post(f"/settings/reminders/channels/{channel.pk}/test/", follow=True).content.decode()
    assert "The test message was not delivered" in page and "last failed" in page


@pytest.mark.django_db
def test_another_learners_channel_is_a_404_everywhere(learner, receiver, client):
    owner, other = learner("owner"), learner("other")
    channel, _ = channels.add_apprise(owner, hook(receiver, "o"))
    client.force_login(other)
    for suffix in ("", "test/", "remove/"):
        assert client.post(f"/settings/reminders/channels/{channel.pk}/{suffix}", {"enabled": "on"}).status_code == 404
    assert "127.0.0.1" not in client.get("/settings/reminders/").content.decode()
    assert Channel.objects.get(pk=channel.pk).enabled and not receiver.received
    client.force_login(owner)
    assert client.post(f"/settings/reminders/channels/{channel.pk}/remove/").status_code == 302
    assert not Channel.objects.exists()


@pytest.mark.django_db
def test_the_admin_shows_each_channels_last_result(learner, receiver, admin_client):
    user = learner("adm")
    channel, _ = channels.add_apprise(user, hook(receiver, "a"), "webhook")
    receiver.status = 500
    run(EVENING + timedelta(minutes=1))
    page = admin_client.get("/admin/reminders/channel/").content.decode()
    assert "webhook" in page and "failed" in page and "127.0.0.1:" not in page.split("result_list")[1]
    page = admin_client.get("/admin/reminders/reminder/").content.decode()
    assert channel.code in page
