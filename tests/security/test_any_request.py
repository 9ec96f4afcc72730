"""Defence by design: arbitrary paths, bodies and JSON sent to every route, logged out, logged in and
with a token, never get a 5xx. Short in make test; make faults (FAULTS_FULL=1) runs it long."""

import json
import os
import re

import pytest
from django.test import Client
from django.urls import get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.progress.services import issue_token

EXAMPLES = 1500 if os.environ.get("FAULTS_FULL") else 150
# The examples share the test's function-scoped database fixtures on purpose (see tests/test_properties.py).
RULES = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _routes(resolver=None, prefix=""):
    """Every URL pattern as a template with <…> placeholders, admin left out (Django's own)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        text = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if text.startswith("admin/"):
            continue
        if hasattr(pattern, "url_patterns"):
            yield from _routes(pattern, text)
        else:
            yield text


ROUTES = sorted(set(_routes()))
segment = st.one_of(
    st.text(max_size=12), st.sampled_from(["1", "0", "-1", "99999999999999999999", "1.1", "2026-11-10", "%00", "..", "llm", "9"])
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
bodies = st.one_of(
    st.binary(max_size=60),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.sampled_from(["date", "slot", "status", "minutes", "note", "topics", "rating", "done", "next", "month"]),
                    json_values, max_size=5).map(lambda v: json.dumps(v).encode()),
)


def fill(route: str, parts: list[str]) -> str:
    values = iter(parts)
    path = re.sub(r"<[^>]+>", lambda m: next(values, "x"), route)
    return "/" + path.replace(" ", "%20").replace("#", "%23").replace("?", "%3F")


@pytest.mark.django_db
@RULES
@given(
    route=st.sampled_from(ROUTES), parts=st.lists(segment, min_size=3, max_size=3), method=st.sampled_from(["get", "post", "put"]),
    body=bodies, who=st.sampled_from(["stranger", "learner", "token"]), query=st.text(max_size=20),
)
def test_no_request_gets_a_5xx(alice, route, parts, method, body, who, query):
    client = Client(raise_request_exception=False)
    headers = {}
    if who == "learner":
        client.force_login(alice)
    elif who == "token":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {issue_token(user=alice)[1]}"
    path = fill(route, parts)
    try:
        url = path + ("?" + query if query else "")
        response = client.generic(method.upper(), url, body if method != "get" else b"", content_type="application/json", **headers)
    except UnicodeEncodeError:  # the test client cannot send this path: no request was made
        return
    assert response.status_code < 500, (method, url, response.status_code, response.content[:300])
    assert b"Traceback" not in response.content
