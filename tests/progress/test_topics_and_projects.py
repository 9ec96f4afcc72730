"""Marking topics and practice projects, from Today and from the block page."""

import pytest

from apps.curriculum.models import BlockItem
from apps.progress.models import ProjectProgress, TopicProgress

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_topic_is_marked_done_with_htmx_and_the_row_comes_back(alice_client, alice, frozen):
    response = alice_client.post("/topics/2.1/", {"status": "done"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<li class="topic-row" id="topic-2.1">')
    assert 'value="done" aria-pressed="true"' in html
    progress = TopicProgress.objects.get(user=alice)
    assert (progress.topic.key, progress.status, str(progress.closed_on)) == ("2.1", "done", "2026-11-10")


def test_every_status_can_be_set_without_javascript(alice_client, alice, frozen):
    for status in ("in_progress", "skipped", "not_started", "done"):
        response = alice_client.post("/topics/1.1/", {"status": status, "next": "/plan/llm/blocks/1/"})
        assert response.status_code == 302 and response["Location"] == "/plan/llm/blocks/1/"
        assert TopicProgress.objects.get(user=alice).status == status


def test_a_bad_status_or_unknown_topic_changes_nothing(alice_client, alice, frozen):
    assert alice_client.post("/topics/2.1/", {"status": "finished"}, **HTMX).status_code == 400
    assert alice_client.post("/topics/99.1/", {"status": "done"}).status_code == 404
    assert not TopicProgress.objects.exists()


def test_the_next_url_cannot_send_the_learner_elsewhere(alice_client, frozen):
    response = alice_client.post("/topics/2.1/", {"status": "done", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_block_page_shows_and_sets_topic_statuses(alice_client, alice, frozen):
    alice_client.post("/topics/1.2/", {"status": "in_progress"})
    html = alice_client.get("/plan/llm/blocks/1/").content.decode()
    assert 'action="/topics/1.2/"' in html
    assert html.count('aria-pressed="true"') == 3  # one per topic
    assert 'value="in_progress" aria-pressed="true"' in html


def test_a_practice_project_is_done_with_a_link(alice_client, alice, frozen):
    item = BlockItem.objects.filter(block__number=2, kind="project").first()
    response = alice_client.post(f"/projects/{item.pk}/", {"done": "1", "link": "https://github.com/alice/gd"}, **HTMX)
    assert response.status_code == 200 and "checked" in response.content.decode()
    progress = ProjectProgress.objects.get(user=alice)
    assert progress.done and progress.link == "https://github.com/alice/gd" and str(progress.done_on) == "2026-11-10"
    assert "https://github.com/alice/gd" in alice_client.get("/").content.decode()


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://files.example/x", "not a url"])
def test_a_project_link_must_be_http(alice_client, alice, frozen, link):
    item = BlockItem.objects.filter(block__number=2, kind="project").first()
    response = alice_client.post(f"/projects/{item.pk}/", {"done": "1", "link": link}, **HTMX)
    assert response.status_code == 400
    assert not ProjectProgress.objects.exists()


def test_a_project_of_another_plan_is_404(alice_client, alice, frozen):
    from django.core.management import call_command

    from tests.conftest import PLANS

    call_command("import_plan", str(PLANS / "english-42.md"), slug="other", stdout=None)
    other = BlockItem.objects.filter(block__plan__slug="other").first()
    assert alice_client.post(f"/projects/{other.pk}/", {"done": "1"}).status_code == 404
    assert not ProjectProgress.objects.exists()


def test_another_plans_block_page_shows_no_controls(alice_client, frozen):
    from django.core.management import call_command

    from tests.conftest import PLANS

    call_command("import_plan", str(PLANS / "english-42.md"), slug="other", stdout=None)
    html = alice_client.get("/plan/other/blocks/1/").content.decode()
    assert "Joins and aggregates" in html and "aria-pressed" not in html
