"""--replace updates a plan in place and keeps learners' progress on topics that still exist."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from apps.curriculum.models import Plan, Topic
from apps.progress.models import CheckIn, TopicProgress

pytestmark = pytest.mark.django_db

@pytest.fixture(autouse=True)
def _no_plan_yet(no_plan):
    """These tests import plans into an instance that has none yet."""


V1 = """# Plan
## Phase 1: One (Day 1-7)
### Week 1 (Day 1-7): First
1. Alpha (3 days)
2. Beta (2 days)
3. Gamma (2 days)
## Phase 2: Two (Day 8-14)
### Week 2 (Day 8-14): Second
- Delta
"""

# Alpha keeps its key; Beta moves to a new key (a topic was inserted before it) but keeps its title;
# Gamma is gone; Delta is renamed but keeps key 2.1; Epsilon is new.
V2 = """# Plan, second edition
## Phase 1: One (Day 1-7)
### Week 1 (Day 1-7): First
1. Alpha (3 days)
2. Inserted (2 days)
3. Beta (2 days)
## Phase 2: Two (Day 8-14)
### Week 2 (Day 8-14): Second
- Delta, renamed
- Epsilon
"""


def test_replace_keeps_progress_on_topics_whose_key_or_title_survives(tmp_path, django_user_model):
    path = tmp_path / "plan.md"
    path.write_text(V1)
    call_command("import_plan", str(path), stdout=io.StringIO())
    plan = Plan.objects.get()
    user = django_user_model.objects.create_user("alice")
    topics = {t.title: t for t in Topic.objects.filter(plan=plan)}
    for title in ("Alpha", "Beta", "Gamma", "Delta"):
        TopicProgress.objects.create(user=user, topic=topics[title], status="done", closed_on=date(2026, 1, 2))
    checkin = CheckIn.objects.create(user=user, local_date=date(2026, 1, 2), slot=1, status="done", minutes=60)
    checkin.topics.set([topics["Gamma"], topics["Alpha"]])

    path.write_text(V2)
    call_command("import_plan", str(path), replace=True, stdout=io.StringIO())

    plan.refresh_from_db()
    assert plan.title == "Plan, second edition"
    after = {t.key: t for t in Topic.objects.filter(plan=plan)}
    assert {k: t.title for k, t in after.items()} == {
        "1.1": "Alpha", "1.2": "Inserted", "1.3": "Beta", "2.1": "Delta, renamed", "2.2": "Epsilon",
    }
    assert after["1.1"].pk == topics["Alpha"].pk
    assert after["1.3"].pk == topics["Beta"].pk and (after["1.3"].start_day, after["1.3"].end_day) == (6, 7)
    assert after["2.1"].pk == topics["Delta"].pk
    kept = set(TopicProgress.objects.filter(user=user).values_list("topic__key", flat=True))
    assert kept == {"1.1", "1.3", "2.1"}  # Gamma no longer exists, so its progress has nothing to attach to
    checkin.refresh_from_db()
    assert CheckIn.objects.filter(user=user).count() == 1
    assert [t.key for t in checkin.topics.all()] == ["1.1"]


def test_replace_can_remove_and_add_phases_and_blocks_without_losing_kept_topics(tmp_path, django_user_model):
    path = tmp_path / "plan.md"
    path.write_text(V1)
    call_command("import_plan", str(path), stdout=io.StringIO())
    user = django_user_model.objects.create_user("alice")
    delta = Topic.objects.get(title="Delta")
    TopicProgress.objects.create(user=user, topic=delta, status="in_progress")
    # One phase now, two blocks in it; Delta moves into block 2 of phase 1.
    path.write_text("# Plan\n## Phase 1: All (Day 1-10)\n### Week 1 (Day 1-5): A\n- Alpha\n### Week 2 (Day 6-10): B\n- Delta\n")
    call_command("import_plan", str(path), replace=True, stdout=io.StringIO())
    plan = Plan.objects.get()
    assert plan.total_days == 10 and plan.phases.count() == 1 and plan.blocks.count() == 2
    assert TopicProgress.objects.get(user=user).topic.pk == delta.pk
