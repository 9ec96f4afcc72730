"""Learners who reviewed the old way (1/7/30 days, dismissed with a tap) keep their history: migration
0009 makes each done topic an FSRS card whose state reflects closing it and every dismissed review,
each taken as Good on its day. Tested on rows made by the schema before it; and a version 2 learner
document imports the same way."""

import io
import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from apps.progress import review
from apps.progress.models import ReviewLog, TopicProgress

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("progress", "0008_fsrs_cards")]
AFTER = None  # every app's latest migration: the database as the rest of the suite expects it


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_old_reviews_become_cards_with_their_history(plan, django_user_model):
    from apps.progress.services import enroll

    user = django_user_model.objects.create_user("old")
    enroll(user=user, plan=plan, start_date=date(2026, 10, 1), timezone="Asia/Shanghai")
    old = migrate(BEFORE)
    try:
        Old = old.get_model("progress", "TopicProgress")
        topics = {t.key: t.pk for t in old.get_model("curriculum", "Topic").objects.filter(plan__slug="llm")}
        Old.objects.create(user_id=user.pk, topic_id=topics["1.1"], status="done", closed_on=date(2026, 10, 3), reviewed_stage=7)
        Old.objects.create(user_id=user.pk, topic_id=topics["1.2"], status="done", closed_on=date(2026, 10, 5), reviewed_stage=0)
        Old.objects.create(user_id=user.pk, topic_id=topics["1.3"], status="in_progress")
    finally:
        migrate(AFTER)
    rows = {p.topic.key: p for p in TopicProgress.objects.filter(user=user).select_related("topic")}
    logs = list(ReviewLog.objects.filter(user=user).order_by("topic__start_day", "reviewed_at"))
    # 1.1: closed on 10-03, then the +1 and +7 reviews: three Good reviews, at noon Shanghai time.
    assert [(log.topic.key, log.rating, log.reviewed_at) for log in logs] == [
        ("1.1", 3, datetime(2026, 10, 3, 4, tzinfo=UTC)), ("1.1", 3, datetime(2026, 10, 4, 4, tzinfo=UTC)),
        ("1.1", 3, datetime(2026, 10, 10, 4, tzinfo=UTC)), ("1.2", 3, datetime(2026, 10, 5, 4, tzinfo=UTC)),
    ]
    assert rows["1.1"].last_review_at == datetime(2026, 10, 10, 4, tzinfo=UTC) and rows["1.1"].due_at == logs[2].due_at
    assert rows["1.1"].stability > rows["1.2"].stability  # three reviews remember longer than one
    assert rows["1.3"].card_state is None
    # The same card the review module would make by hand from those reviews.
    expected = TopicProgress(user=user, topic_id=rows["1.1"].topic_id)
    review.replay_good(expected, [date(2026, 10, 3), date(2026, 10, 4), date(2026, 10, 10)], ZoneInfo("Asia/Shanghai"))
    assert (expected.stability, expected.difficulty, expected.due_at) == (rows["1.1"].stability, rows["1.1"].difficulty, rows["1.1"].due_at)


def test_a_version_2_document_imports_its_reviews_as_cards(plan, tmp_path, django_user_model):
    doc = {
        "cadence_export": 2, "user": {"username": "v2"}, "plan": "llm",
        "enrollment": {"start_date": "2026-10-01", "timezone": "UTC", "language": "en", "slots": []},
        "topics": [{"key": "1.1", "status": "done", "closed_on": "2026-10-03"}], "reviews": [{"topic": "1.1", "stage": 30}],
    }
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(doc))
    call_command("import_user", str(path), stdout=io.StringIO())
    user = django_user_model.objects.get(username="v2")
    assert [log.reviewed_at.date() for log in ReviewLog.objects.filter(user=user)] == [
        date(2026, 10, 3), date(2026, 10, 4), date(2026, 10, 10), date(2026, 11, 2)]
    assert TopicProgress.objects.get(user=user).last_review_at == datetime(2026, 11, 2, 12, tzinfo=UTC)
