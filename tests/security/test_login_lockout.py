"""Item 1: the login throttle keys on the username as the login form reads it (NFKC), and counts
attempts before checking them, so parallel attempts cannot pass the limit; the admin's answers 429."""

import threading

import pytest
from django.contrib.auth.signals import user_login_failed
from django.db import connection
from django.test import Client

from apps.core.models import LoginFailure


def login(client, username, password, ip="203.0.113.5"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_a_full_width_username_is_the_same_locked_username(alice):
    client = Client()
    for i in range(5):
        login(client, "alice", "wrong", ip=f"203.0.113.{i + 10}")  # from five addresses: the username locks
    response = login(Client(), "ａｌｉｃｅ", "pw-alice", ip="198.51.100.1")  # full-width, the right password
    assert response.status_code == 429 and "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_wrong_logins_get_at_most_five_password_checks(alice):
    checked = []
    user_login_failed.connect(lambda **kwargs: checked.append(1), weak=False, dispatch_uid="count-checks")
    barrier = threading.Barrier(20)
    statuses = []

    def one():
        try:
            barrier.wait()
            statuses.append(login(Client(), "alice", "wrong").status_code)
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=one) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        user_login_failed.disconnect(dispatch_uid="count-checks")
    assert len(statuses) == 20 and statuses.count(429) >= 15
    assert len(checked) <= 5
    assert LoginFailure.objects.count() == 20


@pytest.mark.django_db
def test_the_throttled_admin_login_answers_429(django_user_model):
    django_user_model.objects.create_superuser("root", password="a-long-Passphrase-9")
    client = Client()
    for _ in range(5):
        client.post("/admin/login/", {"username": "root", "password": "nope"}, REMOTE_ADDR="203.0.113.9")
    response = client.post("/admin/login/", {"username": "root", "password": "a-long-Passphrase-9"}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429 and "Too many failed logins" in response.content.decode()
