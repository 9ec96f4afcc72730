"""Topic notes: autosaved, rendered safely, searchable in Chinese and English (reviews: test_review.py)."""


import pytest

from apps.progress.models import TopicNote

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_note_is_autosaved_and_shown_rendered_on_the_block_page(alice_client, alice, frozen):
    response = alice_client.post("/topics/2.1/note/", {"text": "## SVD\n特征值 *eigen* <script>x()</script>"}, **HTMX)
    assert response.status_code == 200 and "Saved" in response.content.decode()
    assert TopicNote.objects.get(user=alice).text.startswith("## SVD")
    html = alice_client.get("/plan/llm/blocks/2/").content.decode()
    rendered = html.split('<div class="note rendered">')[1].split("</div>")[0]
    assert "<h2>SVD</h2>" in rendered and "<em>eigen</em>" in rendered and "<script" not in rendered


def test_a_note_over_100000_characters_is_refused(alice_client, alice, frozen):
    response = alice_client.post("/topics/2.1/note/", {"text": "字" * 100_001}, **HTMX)
    assert response.status_code == 400 and "at most 100,000 characters" in response.content.decode()
    assert not TopicNote.objects.exists()
    assert alice_client.post("/topics/99.9/note/", {"text": "x"}).status_code == 404


def test_notes_are_searchable_in_chinese_and_english_with_matches_marked(alice_client, alice, frozen):
    alice_client.post("/topics/2.1/note/", {"text": "奇异值分解 SVD: A = UΣVᵀ, used for PCA"})
    alice_client.post("/topics/3.2/note/", {"text": "PCA is SVD of the centred data <b>bold?</b>"})
    html = alice_client.get("/notes/?q=奇异值").content.decode()
    assert "<mark>奇异值</mark>分解" in html and "3.2" not in html
    html = alice_client.get("/notes/?q=svd").content.decode()
    assert html.count("<mark>SVD</mark>") == 2
    html = alice_client.get("/notes/?q=bold").content.decode()
    assert "&lt;b&gt;<mark>bold</mark>?&lt;/b&gt;" in html  # the learner's text is escaped, only our <mark> is HTML
    assert "No note mentions" in alice_client.get("/notes/?q=transformer").content.decode()
