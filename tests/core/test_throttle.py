"""Login throttling: 5 failures for a username or an IP within 15 minutes lock it for 15 minutes."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 10, 8, 0, tzinfo=UTC)


def attempt(client, username, password, ip="203.0.113.5", **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def test_five_failures_lock_the_username_for_fifteen_minutes(alice):
    client = Client()
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(5):
            assert attempt(client, "alice", "wrong").status_code == 200
        refused = attempt(client, "alice", "pw-alice")  # even the right password
        assert refused.status_code == 429 and "Too many failed logins. Try again in 15 minutes." in refused.content.decode()
        clock.shift(timedelta(minutes=14))
        assert attempt(client, "alice", "pw-alice").status_code == 429
        clock.shift(timedelta(minutes=1, seconds=1))
        assert attempt(client, "alice", "pw-alice").status_code == 302


def test_failures_from_one_ip_lock_it_for_every_username(alice, bob):
    client = Client()
    with time_machine.travel(T0, tick=False):
        for name in ("a", "b", "c", "d", "e"):
            attempt(client, name, "x", ip="198.51.100.7")
        assert attempt(client, "bob", "pw-bob", ip="198.51.100.7").status_code == 429
        assert attempt(client, "bob", "pw-bob", ip="198.51.100.8").status_code == 302  # another address is fine


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(alice):
    client = Client()
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(5):
            attempt(client, "alice", "wrong")
            clock.shift(timedelta(minutes=4))
        assert attempt(client, "alice", "pw-alice").status_code == 302


def test_behind_a_proxy_the_forwarded_client_address_counts(alice, settings):
    settings.PROXY_COUNT = 1
    client = Client()
    with time_machine.travel(T0, tick=False):
        for name in ("a", "b", "c", "d", "e"):  # all through the same proxy, from one client
            attempt(client, name, "x", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.50")
        assert attempt(client, "alice", "pw-alice", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.50").status_code == 429
        assert attempt(client, "alice", "pw-alice", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.51").status_code == 302


def test_the_admin_login_is_throttled_too(django_user_model):
    django_user_model.objects.create_superuser("root", password="a-long-Passphrase-9")
    client = Client()
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            client.post("/admin/login/", {"username": "root", "password": "nope"}, REMOTE_ADDR="203.0.113.9")
        response = client.post("/admin/login/", {"username": "root", "password": "a-long-Passphrase-9"}, REMOTE_ADDR="203.0.113.9")
        assert "Too many failed logins" in response.content.decode()
        assert "_auth_user_id" not in client.session
