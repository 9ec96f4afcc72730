"""Outputs, the final project choice and deliverables, and the public portfolio link."""

from datetime import date

import pytest

from apps.curriculum.models import Block, BlockItem
from apps.milestones.models import Output, Portfolio
from apps.progress.models import CheckIn, ProjectProgress

pytestmark = pytest.mark.django_db


def add_output(client, **data):
    block = Block.objects.get(number=2)
    base = {"kind": "blog", "title": "Gradient descent, by hand", "url": "https://blog.example/gd", "block": block.pk}
    return client.post("/outputs/new/", base | data)


def test_an_output_is_added_and_shown_on_its_block(alice_client, alice, frozen):
    assert add_output(alice_client).status_code == 302
    assert "Gradient descent, by hand" in alice_client.get("/plan/llm/blocks/2/").content.decode()
    assert "Gradient descent, by hand" in alice_client.get("/outputs/").content.decode()


def test_an_output_on_a_practice_project_shows_on_that_block(alice_client, alice, frozen):
    project = BlockItem.objects.get(block__number=2, kind="project", position=1)
    add_output(alice_client, block="", project=project.pk, kind="repo", title="optimizer repo")
    assert "optimizer repo" in alice_client.get("/plan/llm/blocks/2/").content.decode()


@pytest.mark.parametrize(
    "data, message",
    [({"url": "javascript:alert(1)"}, "Enter a valid URL"), ({"url": "ftp://x.example/a"}, "http"), ({"block": ""}, "Attach it"),
     ({"kind": "poem"}, "Select a valid choice"), ({"title": ""}, "required"),
     # block 2 and a topic of block 1 at once
     ({"topic": "__topic_1_1__"}, "must be of the same block")],
)
def test_bad_outputs_are_refused(alice_client, alice, frozen, data, message):
    from apps.curriculum.models import Topic

    data = {k: (Topic.objects.get(plan__slug="llm", key="1.1").pk if v == "__topic_1_1__" else v) for k, v in data.items()}
    response = add_output(alice_client, **data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Output.objects.exists()


def test_choosing_the_final_project_and_its_deliverables(alice_client, alice, frozen):
    first, second = BlockItem.objects.filter(block__number=20, kind="choice").order_by("position")[:2]
    alice_client.post(f"/projects/{first.pk}/choose/")
    alice_client.post(f"/projects/{second.pk}/choose/")
    chosen = ProjectProgress.objects.filter(user=alice, item__kind="choice", done=True)
    assert [p.item.text for p in chosen] == ["智能客服系统"]
    html = alice_client.get("/plan/llm/blocks/20/").content.decode()
    assert "Your choice" in html and html.count("Choose this one") == 3
    deliverable = BlockItem.objects.get(block__number=20, kind="deliverable", position=2)
    alice_client.post(f"/projects/{deliverable.pk}/", {"done": "1", "link": "https://github.com/alice/kefu"})
    assert ProjectProgress.objects.get(user=alice, item=deliverable).link == "https://github.com/alice/kefu"
    assert alice_client.post(f"/projects/{deliverable.pk}/choose/").status_code == 404  # a deliverable is no option


def test_a_public_portfolio_shows_only_outputs_and_milestone_states(alice_client, alice, frozen):
    from django.test import Client

    client = Client()  # a stranger with the link
    add_output(alice_client)
    CheckIn.objects.create(user=alice, local_date=date(2026, 11, 9), slot=1, status="done", minutes=60, note="private-note-xyz")
    alice_client.post("/portfolio/share/", {"action": "share"})
    token = Portfolio.objects.get(user=alice).token
    public = client.get(f"/p/{token}/")
    html = public.content.decode()
    assert public.status_code == 200
    assert "Gradient descent, by hand" in html and "Upcoming" in html
    assert "alice" not in html and "private-note-xyz" not in html and "Log out" not in html
    alice_client.post("/portfolio/share/", {"action": "revoke"})
    assert client.get(f"/p/{token}/").status_code == 404
    assert client.get("/p/made-up/").status_code == 404
