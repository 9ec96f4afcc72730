"""Isolation across two learners for every page and API of resources, milestones, outputs, notes and review."""

import json
from datetime import date

import pytest

from apps.curriculum.models import Block, Topic
from apps.milestones.models import MilestoneCheck, Output, Portfolio
from apps.progress.models import TopicNote, TopicProgress
from apps.progress.services import issue_token
from apps.resources.models import UserResource
from apps.resources.services import ensure_rows

pytestmark = pytest.mark.django_db
SECRET = "alice-secret-7f3a"


@pytest.fixture
def alices(alice, alice_client):
    ensure_rows(alice, alice.enrollment.plan)
    resource = UserResource.objects.filter(user=alice).first()
    resource.notes, resource.status = SECRET, "done"
    resource.save()
    own = UserResource.objects.create(user=alice, kind="blog", title=f"own {SECRET}", url="https://alice.example/")
    alice_client.get("/milestones/")
    check = MilestoneCheck.objects.filter(user=alice).first()
    check.done, check.evidence = True, f"https://alice.example/{SECRET}"
    check.save()
    output = Output.objects.create(user=alice, kind="repo", title=f"repo {SECRET}", url="https://alice.example/r",
                                   block=Block.objects.get(number=2))
    TopicNote.objects.create(user=alice, topic=Topic.objects.get(key="2.1"), text=f"note {SECRET}")
    TopicProgress.objects.create(user=alice, topic=Topic.objects.get(key="1.1"), status="done", closed_on=date(2026, 11, 3))
    share = Portfolio.objects.create(user=alice)
    share.share()
    return {"resource": resource, "own": own, "check": check, "output": output}


@pytest.fixture
def bob_client(bob):
    from django.test import Client

    client = Client()  # not the `client` fixture, which alice's fixture logs in and out
    client.force_login(bob)
    return client


def test_bob_sees_none_of_it(bob_client, bob, alices, frozen):
    found = bob_client.get(f"/notes/?q={SECRET}").content.decode()
    assert "note-results" not in found and f"note {SECRET}" not in found
    for url in ("/resources/", "/resources/?status=done", "/milestones/", "/outputs/", "/portfolio/", "/notes/",
                "/plan/llm/blocks/2/", "/", "/dashboard/"):
        html = bob_client.get(url).content.decode()
        assert SECRET not in html, url
        assert "alice.example" not in html, url
    _, raw = issue_token(user=bob)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    for url in ("/api/v1/resources", "/api/v1/milestones"):
        body = json.dumps(bob_client.get(url, **auth).json())
        assert SECRET not in body and "alice.example" not in body, url


def test_bob_changes_none_of_it(bob_client, bob, alice, alices, frozen):
    r, own, check, output = alices["resource"], alices["own"], alices["check"], alices["output"]
    assert bob_client.post(f"/resources/{r.pk}/", {"status": "to_read", "note": "bob"}).status_code == 404
    assert bob_client.post(f"/resources/{own.pk}/delete/").status_code == 404
    assert bob_client.post(f"/milestones/checks/{check.pk}/", {"evidence": "bob"}).status_code == 404
    assert bob_client.post(f"/outputs/{output.pk}/delete/").status_code == 404
    _, raw = issue_token(user=bob)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert bob_client.put(f"/api/v1/resources/{r.pk}", '{"status": "reading"}', content_type="application/json", **auth).status_code == 404
    assert bob_client.put(f"/api/v1/milestones/items/{check.pk}", '{"done": false}', content_type="application/json",
                          **auth).status_code == 404
    bob_client.post("/topics/2.1/note/", {"text": "bob's own"})  # his own note on the same topic
    bob_client.post("/portfolio/share/", {"action": "revoke"})  # his own portfolio
    r.refresh_from_db()
    check.refresh_from_db()
    assert (r.status, r.notes) == ("done", SECRET)
    assert check.done and SECRET in check.evidence
    assert Output.objects.filter(pk=output.pk).exists() and UserResource.objects.filter(pk=own.pk).exists()
    assert TopicNote.objects.get(user=alice).text == f"note {SECRET}"
    assert Portfolio.objects.get(user=alice).token


def test_queries_do_not_grow_with_notes_outputs_and_resources(alice_client, alice, frozen, django_assert_max_num_queries):
    alice_client.get("/milestones/")
    counts = {}
    for extra in (0, 40):
        Output.objects.bulk_create([Output(user=alice, kind="blog", title=f"o{i}", url="https://x.example/",
                                           block=Block.objects.get(number=2)) for i in range(extra)])
        TopicNote.objects.bulk_create([TopicNote(user=alice, topic=t, text="note") for t in Topic.objects.all()[: extra]],
                                      ignore_conflicts=True)
        UserResource.objects.bulk_create([UserResource(user=alice, kind="book", title=f"b{i}") for i in range(extra)])
        for url in ("/plan/llm/blocks/2/", "/outputs/", "/portfolio/", "/milestones/", "/notes/?q=note", "/resources/", "/"):
            with django_assert_max_num_queries(24) as ctx:
                assert alice_client.get(url).status_code == 200, url
            counts.setdefault(url, []).append(len(ctx.captured_queries))
    for url, (few, many) in counts.items():
        assert many <= few, (url, few, many)
