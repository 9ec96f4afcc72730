"""Creating and revoking API tokens on the settings page."""

import pytest

from apps.progress.models import ApiToken

pytestmark = pytest.mark.django_db


def test_a_token_is_shown_once_and_works(alice_client, client, alice, frozen):
    response = alice_client.post("/settings/tokens/", {"name": "iPhone"})
    html = response.content.decode()
    assert response.status_code == 200 and "shown only now" in html
    raw = html.split("<pre>")[1].split("</pre>")[0]
    assert raw.startswith("cad_")
    assert raw not in alice_client.get("/settings/").content.decode()  # never again
    assert client.get("/api/v1/progress", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_a_token_is_revoked(alice_client, alice, frozen):
    alice_client.post("/settings/tokens/", {"name": "old"})
    token = ApiToken.objects.get(user=alice)
    assert alice_client.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 302
    assert not ApiToken.objects.exists()


def test_a_too_long_name_is_refused(alice_client, alice):
    response = alice_client.post("/settings/tokens/", {"name": "x" * 101})
    assert response.status_code == 400 and not ApiToken.objects.exists()
