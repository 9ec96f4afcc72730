"""Web Push with real parts: the subscription API, a local push service that decrypts what it receives
(http_ece, aes128gcm) with the subscription's own private key, VAPID, a gone subscription removed, and
the notification's Done and Snooze buttons (the service worker POSTs their signed links)."""

import base64
import json
import os
from datetime import UTC, date, datetime, timedelta

import http_ece
import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from apps.progress.models import CheckIn
from apps.reminders import channels, services
from apps.reminders.models import Channel, Reminder
from tests.receiver import receiving

EVENING = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai, the evening slot


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Browser:
    """What a browser holds for one push subscription: its key pair and auth secret."""

    def __init__(self, endpoint: str):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        public = self.key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        self.subscription = {"endpoint": endpoint, "keys": {"p256dh": b64(public), "auth": b64(self.auth)}}

    def decrypt(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


@pytest.fixture
def push_service(settings):
    settings.PUSH_ALLOW_INSECURE_ENDPOINTS = True  # the local push service speaks http
    with receiving() as receiver:
        yield receiver


@pytest.mark.django_db
def test_the_subscription_api(learner, client, settings):
    user = learner("phone")
    client.force_login(user)
    answer = client.get("/api/v1/push/subscriptions").json()
    assert len(base64.urlsafe_b64decode(answer["public_key"] + "==")) == 65 and answer["subscriptions"] == []
    browser = Browser("https://push.example.com/send/abc")
    post = lambda data: client.post("/api/v1/push/subscriptions", json.dumps(data), content_type="application/json")  # noqa: E731
    assert post(browser.subscription).status_code == 201
    assert post(browser.subscription).status_code == 200  # the same one again: nothing new
    assert Channel.objects.filter(user=user, kind="push").count() == 1
    insecure = {**browser.subscription, "endpoint": "http://push.example.com/x"}
    for bad, field in ((insecure, "https"), ({"endpoint": "https://p/x"}, "keys"), ([], "object"),
                       ({**browser.subscription, "keys": {"p256dh": "!!!!!!!!!!", "auth": "x" * 8}}, "base64url"),
                       ({**browser.subscription, "keys": {**browser.subscription["keys"], "auth": b64(b"twelve bytes")}}, "16 bytes")):
        response = post(bad)
        assert response.status_code == 400 and field in json.dumps(response.json()), bad
    assert Channel.objects.filter(user=user).count() == 1
    settings.PUSH_ALLOW_INSECURE_ENDPOINTS = True
    assert post(insecure).status_code == 201
    delete = client.delete("/api/v1/push/subscriptions", json.dumps({"endpoint": insecure["endpoint"]}), content_type="application/json")
    assert delete.status_code == 204
    again = client.delete("/api/v1/push/subscriptions", json.dumps({"endpoint": insecure["endpoint"]}), content_type="application/json")
    assert again.status_code == 404
    client.logout()
    assert client.get("/api/v1/push/subscriptions").status_code == 401


@pytest.mark.django_db
def test_a_reminder_arrives_encrypted_for_the_subscription_once(learner, push_service):
    user = learner("pushy", email=False)
    browser = Browser(f"http://127.0.0.1:{push_service.port}/push/1")
    channel, _ = channels.add_push(user, browser.subscription)
    for minute in range(0, 4):
        with time_machine.travel(EVENING + timedelta(minutes=minute), tick=False):
            services.send_batch(services.dispatch())
    [received] = push_service.at("/push/1")
    headers = received["headers"]
    assert headers["content-encoding"] == "aes128gcm" and int(headers["ttl"]) == channels.PUSH_TTL
    _key, public = channels.vapid()
    assert headers["authorization"].startswith("vapid t=") and f"k={public}" in headers["authorization"]
    payload = browser.decrypt(received["body"])
    assert payload["title"].startswith("Day 10 · 20:00") and "20:00-23:00" in payload["body"]
    assert "/r/checkin/" not in payload["body"]  # a notification has buttons for that
    assert payload["done_title"] == "Done" and payload["snooze_title"] == "Snooze 30 minutes"
    assert Reminder.objects.get(user=user, channel=channel.code).status == "sent"

    # The Done button: the service worker POSTs the signed link, without a session or CSRF token.
    path = payload["done_url"].split("://", 1)[1].split("/", 1)[1]
    from django.test import Client

    phone = Client(enforce_csrf_checks=True)
    traveller = time_machine.travel(EVENING + timedelta(minutes=5), tick=False)
    traveller.start()
    assert phone.get("/" + path).status_code == 405
    for _ in range(2):  # a double tap stores one check-in
        response = phone.post("/" + path)
        assert response.status_code == 200 and response.json()["done"] is True
    assert CheckIn.objects.filter(user=user, local_date=date(2026, 3, 10), slot=3, status="done").count() == 1
    assert CheckIn.objects.get(user=user, slot=3).minutes == 180  # the slot's length, as the mail link does

    # Snooze comes back by push, once.
    snooze = payload["snooze_url"].split("://", 1)[1].split("/", 1)[1]
    assert phone.post("/" + snooze).json() == {"snoozed": True, "again": False}
    assert phone.post("/" + snooze).json() == {"snoozed": True, "again": True}
    assert Reminder.objects.get(user=user, kind="snooze").channel == channel.code
    assert phone.post("/" + snooze.replace("snooze", "checkin", 1)).status_code == 400  # a link is for its own action
    traveller.stop()


@pytest.mark.django_db
def test_a_gone_subscription_is_removed(learner, push_service):
    user = learner("gone", email=False)
    browser = Browser(f"http://127.0.0.1:{push_service.port}/push/gone")
    channel, _ = channels.add_push(user, browser.subscription)
    push_service.status = 410
    with time_machine.travel(EVENING + timedelta(minutes=1), tick=False):
        outcome = services.send_batch(services.dispatch())
    assert outcome["gone"] == 1 and not Channel.objects.filter(pk=channel.pk).exists()
    row = Reminder.objects.get(user=user, channel=channel.code)
    assert row.status == "failed" and "gone (410)" in row.error


@pytest.mark.django_db
def test_a_push_service_that_is_down_is_retried_and_mail_still_goes(learner, push_service):
    from django.core import mail

    user = learner("both")
    browser = Browser(f"http://127.0.0.1:{push_service.port}/push/down")
    channel, _ = channels.add_push(user, browser.subscription)
    push_service.status = 503
    with time_machine.travel(EVENING + timedelta(minutes=1), tick=False):
        services.send_batch(services.dispatch())
    assert len(mail.outbox) == 1
    row = Reminder.objects.get(user=user, channel=channel.code)
    assert row.status == "pending" and row.error == "the push service answered 503"
    push_service.status = 201
    with time_machine.travel(EVENING + timedelta(minutes=2), tick=False):
        services.send_batch(services.dispatch())
    assert Reminder.objects.get(pk=row.pk).status == "sent" and len(push_service.at("/push/down")) == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_vapid_key_is_made_once_and_kept(learner):
    from apps.reminders.models import PushKey

    channels.vapid.cache_clear()
    first = channels.vapid()[1]
    channels.vapid.cache_clear()
    assert channels.vapid()[1] == first and PushKey.objects.count() == 1


@pytest.mark.django_db
def test_the_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response["Service-Worker-Allowed"] == "/"
    assert response["Content-Type"].startswith("text/javascript") and b"notificationclick" in response.content


@pytest.mark.django_db
def test_a_check_in_replayed_days_later_is_taken_once(alice_client, alice, frozen):
    """What the service worker sends when the network is back: the HTMX POST as it was made, days ago."""
    body = {"date": "2026-11-07", "slot": "1", "status": "done", "compact": "1"}
    for _ in range(2):  # Background Sync and a page load may both replay it
        response = alice_client.post("/checkins/", body, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
    assert CheckIn.objects.filter(user=alice, local_date=date(2026, 11, 7), slot=1).count() == 1
