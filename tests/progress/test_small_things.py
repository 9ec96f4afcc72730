"""The smaller things a learner noticed (issue 16, item 6): slot names and readable cells in history,
note times in the learner's timezone, a clean timezone list, the token hint and a confirmed revoke,
and an e-mail check-in link opened again saying it is done."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from apps.progress.models import ApiToken, CheckIn, timezone_choices, validate_timezone
from apps.progress.services import issue_token
from apps.reminders.mail import sign_link

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_timezone_list_holds_places_only():
    names = [name for name, _label in timezone_choices()]
    assert "Asia/Shanghai" in names and "UTC" in names and "localtime" not in names and "Factory" not in names
    with pytest.raises(ValidationError):
        validate_timezone("localtime")


def test_history_names_slots_and_says_what_its_cells_mean(alice_client, alice, frozen):
    CheckIn.objects.create(user=alice, local_date=date(2026, 11, 9), slot=1, status="done", minutes=105)
    html = alice_client.get("/history/?month=2026-11").content.decode()
    assert "2026-11-09 · 06:00 阅读论文/技术博客" in html and "1 h 45 min" in html
    assert "1/3 slots" in html and "1 h 45 min; 1 of 3 slots done" in html
    assert "′" not in html


def test_a_note_says_when_it_was_saved_in_the_learners_time(alice_client, alice, frozen):
    html = alice_client.post("/topics/2.1/note/", {"text": "SVD"}, **HTMX).content.decode()
    assert "Saved 12:00" in html  # noon in Shanghai (04:00 UTC)


def test_the_token_hint_and_a_revoke_that_asks_first(alice_client, alice):
    issue_token(user=alice, name="phone")
    html = alice_client.get("/settings/").content.decode()
    assert "Authorization: Bearer &lt;token&gt; to /api/v1/." in html
    assert '<details class="confirm"><summary>Revoke…</summary>' in html and "stops working at once" in html
    token = ApiToken.objects.get(user=alice)
    alice_client.post(f"/settings/tokens/{token.pk}/revoke/")
    assert not ApiToken.objects.filter(user=alice).exists()


def test_an_e_mail_check_in_link_opened_again_says_it_is_done(client, alice, frozen):
    token = sign_link(user_id=alice.pk, local_date=date(2026, 11, 10), slot=1, action="checkin")
    assert "Already checked in" not in client.get(f"/r/checkin/{token}/").content.decode()
    client.post(f"/r/checkin/{token}/", {"minutes": "50"})
    html = client.get(f"/r/checkin/{token}/").content.decode()
    assert "Already checked in: done, 50 min." in html
