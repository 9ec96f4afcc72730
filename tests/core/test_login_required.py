"""Every page but login, /healthz and static files needs a logged-in user."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Reached from e-mail or by calendar apps: each checks its own signed or secret token instead.
PUBLIC = {
    "/healthz", "/accounts/login/", "/accounts/signup/", "/language/",
    "/r/checkin/x/", "/r/snooze/x/", "/r/unsubscribe/x/", "/calendar/x.ics", "/p/x/",
    "/r/push/1/x/",  # a push notification's button, POSTed by the service worker with a signed link
    "/sw.js",  # the service worker script itself
}
SAMPLE_ARGS = {"slug": "llm", "number": "1", "path": "x", "object_id": "1", "app_label": "auth", "model_name": "user",
               "content_type_id": "1", "uidb64": "x", "token": "x", "url": "x"}


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def concrete(route):
    import re

    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE_ARGS.get(m.group(1), "1"), route)
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    return "/" + route


def test_every_non_public_url_turns_an_anonymous_visitor_away(client, plan):
    routes = [concrete(r) for r in walk(get_resolver().url_patterns) if not r.startswith("admin/")]
    assert "/plan/llm/" in routes and "/settings/" in routes
    for url in routes:
        if url in PUBLIC:
            continue
        response = client.get(url)
        if url.startswith("/api/"):  # the API answers in JSON instead of redirecting
            assert response.status_code == 401 and "token" in response.json()["errors"], url
            continue
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_the_admin_wants_a_staff_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_login_page_and_healthz_are_public(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_a_learner_can_log_in_and_out(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "pw-alice"})
    assert response.status_code == 302
    assert client.get("/plan/llm/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/plan/llm/").status_code == 302


def test_a_wrong_password_is_refused_with_a_message(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_signup_is_off_by_default(client):
    assert client.get("/accounts/signup/").status_code == 404


def test_signup_when_allowed_creates_an_enrolled_learner(client, plan, settings, django_user_model):
    settings.ALLOW_SIGNUP = True
    bad = client.post("/accounts/signup/", {"username": "dora", "password1": "short", "password2": "short"})
    assert bad.status_code == 400 and not django_user_model.objects.filter(username="dora").exists()
    response = client.post(
        "/accounts/signup/", {"username": "dora", "email": "", "password1": "a-long-Passphrase-9", "password2": "a-long-Passphrase-9"}
    )
    assert response.status_code == 302
    assert django_user_model.objects.get(username="dora").enrollment.plan == plan
