"""seed_demo: demo learners with a history, written with COPY on PostgreSQL, whose pages then work."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from apps.progress.models import CheckIn, Enrollment

pytestmark = pytest.mark.django_db(transaction=True)


def test_seed_demo_makes_learners_with_history_whose_pages_work(plan, django_user_model):
    out = StringIO()
    call_command("seed_demo", "--users", "3", "--days", "40", stdout=out)
    assert "Seeded 3 learners" in out.getvalue()
    assert list(Enrollment.objects.values_list("slot_overrides", flat=True)) == [{}, {}, {}]  # the plan's times
    assert CheckIn.objects.count() > 3 * 30
    client = Client()
    client.force_login(django_user_model.objects.get(username="demo00002"))
    for path in ("/", "/dashboard/", "/api/v1/progress"):
        assert client.get(path).status_code == 200, path
