"""Resources: the plan's and the learner's own, status, rating, notes, filters, links to blocks, the API."""

import json

import pytest
from django.test import Client

from apps.curriculum.models import Resource
from apps.resources.models import UserResource
from apps.resources.services import ensure_rows

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def row(user, title):
    ensure_rows(user, user.enrollment.plan)
    return UserResource.objects.get(user=user, resource__title=title)


def test_the_seeds_papers_belong_with_sensible_blocks_and_topics(plan):
    links = {
        r.title: ([b.number for b in r.blocks.all()], [t.key for t in r.topics.all()])
        for r in Resource.objects.filter(plan=plan, kind="paper").prefetch_related("blocks", "topics")
    }
    assert links == {
        "Attention Is All You Need": ([8], []),  # the Transformer block
        "BERT": ([9], []),  # 预训练语言模型
        "GPT-3": ([], ["9.2"]),  # GPT系列
        "InstructGPT": ([], ["14.2"]),  # the RLHF topic
        "LLaMA": ([14], []),  # 指令微调, where Llama is fine-tuned with LoRA
        "Chinchilla": ([], ["10.1"]),  # Scaling Laws
    }


def test_the_page_lists_all_sixteen_with_filters(alice_client, alice, frozen):
    html = alice_client.get("/resources/").content.decode()
    assert html.count('class="resource-row"') == 16 and "Attention Is All You Need" in html
    papers = alice_client.get("/resources/?kind=paper").content.decode()
    assert papers.count('class="resource-row"') == 6
    UserResource.objects.filter(user=alice, resource__title="BERT").update(status="done")
    done = alice_client.get("/resources/?status=done").content.decode()
    assert done.count('class="resource-row"') == 1 and "BERT" in done


def test_status_rating_and_notes(alice_client, alice, frozen):
    target = row(alice, "BERT")
    response = alice_client.post(f"/resources/{target.pk}/", {"status": "reading"}, **HTMX)
    assert response.status_code == 200 and 'value="reading" aria-pressed="true"' in response.content.decode()
    alice_client.post(f"/resources/{target.pk}/", {"rating": "4", "note": "**MLM** is neat"}, **HTMX)
    target.refresh_from_db()
    assert (target.status, target.rating, target.notes) == ("reading", 4, "**MLM** is neat")
    assert "<strong>MLM</strong>" in alice_client.get("/resources/").content.decode()


@pytest.mark.parametrize("data", [{"status": "skimmed"}, {"rating": "6"}, {"rating": "x"}, {"note": "n" * 100_001}])
def test_bad_updates_are_400_and_change_nothing(alice_client, alice, frozen, data):
    target = row(alice, "BERT")
    response = alice_client.post(f"/resources/{target.pk}/", data, **HTMX)
    assert response.status_code == 400
    target.refresh_from_db()
    assert (target.status, target.rating, target.notes) == ("to_read", None, "")
    if "note" in data:
        assert "at most 100,000 characters" in response.content.decode()


def test_own_resources_are_added_with_http_links_only_and_removed(alice_client, alice, frozen):
    response = alice_client.post("/resources/new/", {"kind": "paper", "title": "LoRA", "url": "https://arxiv.org/abs/2106.09685"})
    assert response.status_code == 302
    own = UserResource.objects.get(user=alice, resource__isnull=True)
    assert own.title == "LoRA" and own.url.startswith("https://")
    for bad in ("javascript:alert(1)", "ftp://x.example/a.pdf", "data:text/html,hi"):
        bad_response = alice_client.post("/resources/new/", {"kind": "paper", "title": "Bad", "url": bad})
        assert bad_response.status_code == 400
    assert alice_client.post("/resources/new/", {"kind": "paper", "title": ""}).status_code == 400
    assert UserResource.objects.filter(user=alice, resource__isnull=True).count() == 1
    plan_row = row(alice, "BERT")
    assert alice_client.post(f"/resources/{plan_row.pk}/delete/").status_code == 404  # the plan's stay
    assert alice_client.post(f"/resources/{own.pk}/delete/").status_code == 302
    assert not UserResource.objects.filter(pk=own.pk).exists()


def test_the_block_page_suggests_the_next_unread_paper(alice_client, alice, frozen):
    html = alice_client.get("/plan/llm/blocks/9/").content.decode()
    assert "Resources for this block" in html and "Next paper to read:" in html and "<strong>BERT</strong>" in html
    bert = row(alice, "BERT")
    bert.status = "done"
    bert.save()
    html = alice_client.get("/plan/llm/blocks/9/").content.decode()
    assert "<strong>GPT-3</strong>" in html  # GPT-3 belongs with topic 9.2


def test_the_api_lists_and_updates(client, alice, frozen):
    from apps.progress.services import issue_token

    _, raw = issue_token(user=alice)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    rows = client.get("/api/v1/resources", **auth).json()
    assert len(rows) == 16 and rows[0]["title"] == "Attention Is All You Need" and rows[0]["blocks"] == [8]
    assert rows[0]["status"] == "to_read"
    target = rows[1]["id"]
    body = client.put(f"/api/v1/resources/{target}", json.dumps({"status": "done", "note": "read twice"}),
                      content_type="application/json", **auth).json()
    assert body["status"] == "done" and body["notes"] == "read twice"
    for bad, field in (({"status": "half"}, "status"), ({"rating": 9}, "rating"), ({"note": "x" * 100_001}, "note")):
        response = client.put(f"/api/v1/resources/{target}", json.dumps(bad), content_type="application/json", **auth)
        assert response.status_code == 400 and field in response.json()["errors"]
    assert client.put("/api/v1/resources/999999", "{}", content_type="application/json", **auth).status_code == 404


@pytest.mark.parametrize("extra", [0, 60])
def test_the_page_runs_the_same_queries_however_many_resources(alice_client, alice, frozen, extra, django_assert_max_num_queries):
    alice_client.get("/resources/")
    UserResource.objects.bulk_create([UserResource(user=alice, kind="book", title=f"Book {i}", notes="n") for i in range(extra)])
    with django_assert_max_num_queries(12):
        assert alice_client.get("/resources/").status_code == 200
    with django_assert_max_num_queries(20):
        assert alice_client.get("/plan/llm/blocks/9/").status_code == 200


def test_a_learner_puts_resources_with_a_block_of_their_choice(alice_client, alice, bob, frozen):
    from apps.curriculum.models import Block
    from apps.resources.services import ensure_rows

    three = Block.objects.get(plan__slug="llm", number=3)
    alice_client.post("/resources/new/", {"kind": "course", "title": "Andrew Ng ML course", "url": "", "block": three.pk})
    ensure_rows(alice, alice.enrollment.plan)
    bert = UserResource.objects.get(user=alice, resource__title="BERT")
    response = alice_client.post(f"/resources/{bert.pk}/", {"block": three.pk}, **HTMX)
    assert response.status_code == 200 and "📌 #3" in response.content.decode()
    page = alice_client.get("/plan/llm/blocks/3/").content.decode()
    panel = page[page.index("block-resources-h"):]
    assert "Andrew Ng ML course" in panel and "BERT" in panel
    # Only the learner's own: bob's block 3 shows neither.
    bob_client = Client()
    bob_client.force_login(bob)
    bob_page = bob_client.get("/plan/llm/blocks/3/").content.decode()
    assert "Andrew Ng" not in bob_page
    # Unplaced again with an empty choice; a block of no plan of theirs is refused.
    alice_client.post(f"/resources/{bert.pk}/", {"block": ""}, **HTMX)
    bert.refresh_from_db()
    assert bert.block_id is None
    assert alice_client.post(f"/resources/{bert.pk}/", {"block": "999999"}, **HTMX).status_code == 400
    # Export and import keep where it was put.
    from apps.accounts.portability import export_user

    assert {"title": "Andrew Ng ML course", "block": 3}.items() <= next(
        r for r in export_user(alice)["resources"] if r["title"] == "Andrew Ng ML course").items()


def test_a_rows_rating_and_notes_form_comes_when_it_is_opened(alice_client, alice, bob, frozen):
    """The list carries one block list (in rows that already have notes), not one per row; opening a row
    fetches its form, and without JavaScript its link is a page with the same form."""
    target, noted = row(alice, "BERT"), row(alice, "GPT-3")
    noted.notes = "read §3"
    noted.save()
    html = alice_client.get("/resources/").content.decode()
    assert html.count('name="rating"') == 1 and html.count('Put it with block') == 1  # only GPT-3's, open
    assert f'hx-get="/resources/{target.pk}/" hx-trigger="toggle once"' in html
    part = alice_client.get(f"/resources/{target.pk}/", **HTMX)
    body = part.content.decode()
    assert part.status_code == 200 and "<html" not in body
    assert 'name="rating"' in body and 'name="block"' in body and f'hx-target="#resource-{target.pk}"' in body
    page = alice_client.get(f"/resources/{target.pk}/")
    assert page.status_code == 200 and "<html" in page.content.decode() and 'name="note"' in page.content.decode()
    assert 'hx-post' not in page.content.decode().split("<main", 1)[1]  # a plain form: it posts and comes back to the list
    response = alice_client.post(f"/resources/{target.pk}/", {"rating": "5", "note": "", "next": "/resources/"})
    assert response.status_code == 302 and response["Location"] == "/resources/"
    bob_client = Client()
    bob_client.force_login(bob)
    assert bob_client.get(f"/resources/{target.pk}/", **HTMX).status_code == 404
    assert bob_client.get(f"/resources/{target.pk}/").status_code == 404
