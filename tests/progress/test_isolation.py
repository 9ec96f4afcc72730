"""Isolation matrix: bob can neither read nor change alice's check-ins, topics, notes, projects or tokens."""

from datetime import date

import pytest

from apps.curriculum.models import BlockItem, Topic
from apps.progress.models import ApiToken, CheckIn, ProjectProgress, TopicProgress
from apps.progress.services import issue_token

pytestmark = pytest.mark.django_db
SECRET = "alice-private-note-7f3a"


@pytest.fixture
def alices_data(alice):
    checkin = CheckIn.objects.create(user=alice, local_date=date(2026, 11, 9), slot=1, status="done", minutes=60, note=SECRET)
    checkin.topics.set([Topic.objects.get(key="2.1")])
    TopicProgress.objects.create(user=alice, topic=Topic.objects.get(key="2.1"), status="done")
    item = BlockItem.objects.filter(block__number=2, kind="project").first()
    ProjectProgress.objects.create(user=alice, item=item, done=True, link="https://alice.example/secret-repo")
    token, raw = issue_token(user=alice, name="alice-phone")
    return {"checkin": checkin, "item": item, "token": token, "raw": raw}


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


def test_bob_reads_none_of_alices_data_on_any_page(bob_client, alices_data, frozen):
    for url in ("/", "/history/?month=2026-11", "/day/2026-11-09/", "/plan/llm/blocks/2/", "/settings/"):
        html = bob_client.get(url).content.decode()
        assert SECRET not in html, url
        assert "alice.example" not in html and "alice-phone" not in html, url
        assert 'value="done" aria-pressed="true"' not in html, url


def test_bob_reads_none_of_alices_data_through_the_api(client, bob, alices_data, frozen):
    _, raw = issue_token(user=bob)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/checkins?from=2026-11-01&to=2026-11-10", **auth).json() == []
    assert client.get("/api/v1/progress", **auth).json()["topic_days"]["done"] == 0


def test_bob_changes_none_of_alices_data(bob_client, bob, alice, alices_data, frozen):
    bob_client.post("/checkins/", {"date": "2026-11-09", "slot": "1", "status": "skipped"})  # same date and slot: bob's own row
    bob_client.post("/topics/2.1/", {"status": "skipped"})
    bob_client.post(f"/projects/{alices_data['item'].pk}/", {"done": "", "link": ""})
    assert bob_client.post(f"/settings/tokens/{alices_data['token'].pk}/revoke/").status_code == 404

    alices = CheckIn.objects.get(user=alice)
    assert (alices.status, alices.minutes, alices.note) == ("done", 60, SECRET)
    assert TopicProgress.objects.get(user=alice).status == "done"
    assert ProjectProgress.objects.get(user=alice).done
    assert ApiToken.objects.filter(user=alice).exists()
    assert CheckIn.objects.get(user=bob).status == "skipped"


def test_alices_token_acts_only_for_alice(client, alice, bob, alices_data, frozen):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {alices_data['raw']}"}
    client.post("/api/v1/checkins", '{"date": "2026-11-10", "slot": 1, "status": "done"}', content_type="application/json", **auth)
    assert CheckIn.objects.filter(user=alice, local_date=date(2026, 11, 10)).exists()
    assert not CheckIn.objects.filter(user=bob).exists()


def test_notes_are_sanitised_markdown(alice_client, alice, frozen):
    note = "**bold** <script>alert('x')</script> [link](javascript:alert(1)) <img src=x onerror=alert(1)>"
    alice_client.post("/checkins/", {"date": "2026-11-10", "slot": "1", "status": "done", "note": note})
    html = alice_client.get("/").content.decode()
    shown = html.split('<div class="note">')[1].split("</div>")[0]  # the rendered note (the textarea holds it escaped)
    assert "<strong>bold</strong>" in shown
    assert "<script" not in shown and "onerror" not in shown and "javascript:" not in shown
    assert "<script>alert" not in html
    assert CheckIn.objects.get(user=alice).note == note  # stored as written, cleaned when shown
