"""The login throttle's parts at their edges (mutation testing found them loose): the client address
behind proxies, the username as the backend reads it, the exact wait, the window's edge, the daily
clean-up, and a successful login forgetting only that username."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import RequestFactory

from apps.core import throttle
from apps.core.models import LoginFailure

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 10, 8, 0, 30, tzinfo=UTC)


def request(remote="203.0.113.5", forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().post("/accounts/login/", REMOTE_ADDR=remote, **extra)


def test_the_client_address(settings):
    settings.PROXY_COUNT = 0
    assert throttle.client_ip(request(forwarded="198.51.100.1")) == "203.0.113.5"  # no proxy: the header is anyone's
    settings.PROXY_COUNT = 1
    assert throttle.client_ip(request(forwarded="198.51.100.1, 198.51.100.2")) == "198.51.100.2"
    settings.PROXY_COUNT = 2
    assert throttle.client_ip(request(forwarded="198.51.100.1, 198.51.100.2")) == "198.51.100.1"
    assert throttle.client_ip(request(forwarded="198.51.100.2")) == "203.0.113.5"  # fewer hops than proxies
    assert throttle.client_ip(request(forwarded=" , ,198.51.100.9, 198.51.100.2")) == "198.51.100.9"
    settings.PROXY_COUNT = 0
    assert throttle.client_ip(request(remote="not-an-address")) is None
    assert throttle.client_ip(request(remote="")) is None
    assert throttle.client_ip(request(remote="2001:db8::1")) == "2001:db8::1"


def test_the_username_as_the_backend_reads_it():
    assert throttle.normal("  ＡＬＩＣＥ ") == "alice" and throttle.normal(None) == "" and throttle.normal(5) == ""
    assert throttle.normal("x" * 200) == "x" * 150


def test_the_sixth_attempt_waits_until_the_first_is_a_window_old(settings):
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(5):
            assert throttle.attempt(request(), "alice") == 0
            clock.shift(timedelta(minutes=1))
        # 5 attempts at 08:00:30 ... 08:04:30; the sixth at 08:05:30 waits until 08:15:30.
        assert throttle.attempt(request(), "alice") == 600
        clock.shift(timedelta(minutes=9, seconds=59))
        # 08:15:29: seven attempts in the window; free when the second (08:01:30) is a window old.
        assert throttle.attempt(request(), "alice") == 61
    with time_machine.travel(T0 + timedelta(minutes=15), tick=False):
        # 08:15:30: the first is exactly a window old and no longer counts; free when the third is.
        assert throttle.attempt(request(), "alice") == 120


def test_an_attempt_exactly_a_window_old_no_longer_counts():
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(5):
            throttle.attempt(request(remote="198.51.100.1"), "bob")
        clock.shift(timedelta(seconds=throttle.settings.LOGIN_FAILURE_WINDOW))
        assert throttle.attempt(request(remote="198.51.100.2"), "bob") == 0


def test_the_limit_is_per_username_and_per_address():
    with time_machine.travel(T0, tick=False):
        for i in range(5):
            assert throttle.attempt(request(remote=f"198.51.100.{i}"), "carol") == 0
        assert throttle.attempt(request(remote="198.51.100.9"), "carol") > 0  # the username is locked
        assert throttle.attempt(request(remote="198.51.100.9"), "dave") == 0  # another name from a fresh address is not
        for i in range(4):
            throttle.attempt(request(remote="192.0.2.1"), f"user{i}")
        assert throttle.attempt(request(remote="192.0.2.1"), "erin") == 0  # 5 from that address: still allowed
        assert throttle.attempt(request(remote="192.0.2.1"), "frank") > 0  # the sixth from it is not


def test_day_old_attempts_are_forgotten_now_and_then():
    LoginFailure.objects.create(username="old", ip=None, at=T0 - timedelta(days=1, minutes=1))
    LoginFailure.objects.create(username="recent", ip=None, at=T0 - timedelta(hours=23))
    with time_machine.travel(T0, tick=False):  # 08:00:30: not the moment for it
        throttle.attempt(request(), "x")
    assert LoginFailure.objects.filter(username="old").exists()
    with time_machine.travel(T0.replace(second=0), tick=False):
        throttle.attempt(request(), "x")
    assert not LoginFailure.objects.filter(username="old").exists() and LoginFailure.objects.filter(username="recent").exists()


def test_a_login_forgets_only_that_usernames_attempts(alice, client):
    with time_machine.travel(T0, tick=False):
        for name in ("ALICE", "bob"):
            throttle.attempt(request(), name)
        assert client.post("/accounts/login/", {"username": "alice", "password": "pw-alice"}, REMOTE_ADDR="192.0.2.50").status_code == 302
    assert list(LoginFailure.objects.values_list("username", flat=True).order_by("username")) == ["bob"]


def test_without_a_proxy_header_the_direct_address_counts(settings):
    settings.PROXY_COUNT = 1
    assert throttle.client_ip(request()) == "203.0.113.5"


def test_an_unknown_address_still_locks_the_username():
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            assert throttle.attempt(request(remote="unknown"), "hana") == 0
        assert throttle.attempt(request(remote="unknown"), "hana") == 15 * 60


def test_the_longer_of_the_two_waits_is_given():
    with time_machine.travel(T0, tick=False) as clock:
        for i in range(5):
            throttle.attempt(request(remote="192.0.2.1"), f"someone{i}")  # the address's five, early
        clock.shift(timedelta(minutes=5))
        for i in range(5):
            throttle.attempt(request(remote=f"198.51.100.{i}"), "gina")  # the username's five, later
        clock.shift(timedelta(minutes=1))
        assert throttle.attempt(request(remote="192.0.2.1"), "gina") == 14 * 60  # not the address's 9 minutes


def test_a_wait_under_a_second_is_still_a_wait():
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(5):
            throttle.attempt(request(), "ivy")
        clock.shift(timedelta(seconds=throttle.settings.LOGIN_FAILURE_WINDOW) - timedelta(milliseconds=500))
        assert throttle.attempt(request(), "ivy") == 1
