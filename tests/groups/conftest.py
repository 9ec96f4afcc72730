from datetime import date

import pytest
from django.core.management import call_command

from apps.groups.models import Group, Membership
from apps.groups.services import accept
from apps.progress.services import enroll
from tests.conftest import make_user


@pytest.fixture
def lead(django_user_model, db):
    return make_user(django_user_model, "lena")


@pytest.fixture
def cohort(plan, lead, alice, bob, frozen):
    """A group on the shipped plan led by lena, with alice (sharing) and bob (invited)."""
    call_command("group", "create", "cohort", "--name", "Cohort 1", "--plan", "llm", "--lead", "lena", stdout=_Sink())
    call_command("group", "add", "cohort", "alice", "bob", stdout=_Sink())
    group = Group.objects.get(slug="cohort")
    accept(Membership.objects.get(group=group, user=alice), share_email=False)
    return group


def learners(django_user_model, plan, count, *, prefix="m", start=date(2026, 11, 1), zone="Asia/Shanghai"):
    users = []
    for i in range(count):
        user = make_user(django_user_model, f"{prefix}{i:03d}")
        enroll(user=user, plan=plan, start_date=start, timezone=zone, language="en")
        users.append(user)
    return users


class _Sink:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass
