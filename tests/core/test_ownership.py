"""Every URL that takes an object's id looks it up through its owner: walked with another learner's ids, all 404."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from apps.curriculum.models import Block, BlockItem
from apps.milestones.models import MilestoneCheck, Output
from apps.progress.models import ApiToken
from apps.progress.services import issue_token
from apps.reminders.channels import add_apprise
from apps.resources.models import UserResource
from apps.resources.services import ensure_rows
from tests.conftest import PLANS

pytestmark = pytest.mark.django_db

# Id-taking routes whose ids are plan content shared by every learner of the plan, not anyone's own.
SHARED = {"plan/<slug:slug>/blocks/<int:number>/", "reviews/<str:key>/<int:stage>/"}


def routes(patterns=None, prefix=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


@pytest.fixture
def alices(alice, alice_client):
    ensure_rows(alice, alice.enrollment.plan)
    alice_client.get("/milestones/")
    issue_token(user=alice)
    call_command("import_plan", str(PLANS / "english-42.md"), slug="other", stdout=None)
    return {
        "token_id": ApiToken.objects.get(user=alice).pk,
        "row_id": UserResource.objects.filter(user=alice).first().pk,
        "own_row_id": UserResource.objects.create(user=alice, kind="book", title="mine").pk,
        "check_id": MilestoneCheck.objects.filter(user=alice).first().pk,
        "output_id": Output.objects.create(
            user=alice, kind="blog", title="t", url="https://x.example/", block=Block.objects.get(plan__slug="llm", number=1)
        ).pk,
        # Items of a plan bob is not enrolled in stand in for ids that are not his to use.
        "item_id": BlockItem.objects.filter(block__plan__slug="other", kind="project").first().pk,
        "choice_id": BlockItem.objects.filter(block__plan__slug="other", kind="choice").first().pk,
        "channel_id": add_apprise(alice, "json://127.0.0.1:9/alices")[0].pk,
    }


def test_every_id_route_answers_404_to_another_learner(alices, bob, frozen):
    _, raw = issue_token(user=bob)
    bob_client = Client()
    bob_client.force_login(bob)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    calls = {
        "settings/tokens/<int:token_id>/revoke/": ("post", alices["token_id"]),
        "projects/<int:item_id>/": ("post", alices["item_id"]),
        "projects/<int:item_id>/choose/": ("post", alices["choice_id"]),
        "resources/<int:row_id>/": ("post", alices["row_id"]),
        "resources/<int:row_id>/delete/": ("post", alices["own_row_id"]),
        "api/v1/resources/<int:row_id>": ("put", alices["row_id"]),
        "milestones/checks/<int:check_id>/": ("post", alices["check_id"]),
        "api/v1/milestones/items/<int:check_id>": ("put", alices["check_id"]),
        "outputs/<int:output_id>/delete/": ("post", alices["output_id"]),
        "settings/reminders/channels/<int:channel_id>/": ("post", alices["channel_id"]),
        "settings/reminders/channels/<int:channel_id>/test/": ("post", alices["channel_id"]),
        "settings/reminders/channels/<int:channel_id>/remove/": ("post", alices["channel_id"]),
    }
    id_routes = {r for r in routes() if "<int:" in r and not r.startswith("admin/")}
    assert id_routes - SHARED == set(calls), "a new id route needs an entry here"
    for route, (method, object_id) in calls.items():
        url = "/" + re.sub(r"<int:\w+>", str(object_id), route)
        if method == "put":
            response = bob_client.put(url, "{}", content_type="application/json", **auth)
        else:
            response = bob_client.post(url, {"status": "done", "done": "on", "link": "", "evidence": "x"})
        assert response.status_code == 404, (route, response.status_code)


def test_secret_link_routes_answer_404_to_a_guess(client):
    for url in ("/calendar/guess.ics", "/p/guess/", "/r/unsubscribe/guess/"):
        assert client.get(url).status_code == 404, url
