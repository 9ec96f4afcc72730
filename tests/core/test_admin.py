"""The admin edits every curriculum and progress model, and only for staff."""

import pytest
from django.apps import apps
from django.contrib import admin

pytestmark = pytest.mark.django_db


def test_every_model_of_ours_has_a_working_admin_page(client, django_user_model, plan, alice):
    staff = django_user_model.objects.create_superuser("root", password="pw")
    client.force_login(staff)
    ours = [m for m in apps.get_models() if m._meta.app_label in ("curriculum", "progress", "reminders", "resources", "milestones")]
    assert ours and all(m in admin.site._registry for m in ours)
    for model in ours:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
        first = model.objects.first()
        if first is not None:
            assert client.get(f"{url}{first.pk}/change/").status_code == 200, url


def test_a_learner_is_not_let_into_the_admin(alice_client):
    response = alice_client.get("/admin/curriculum/plan/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
