"""Every learner page runs a fixed number of SQL queries, whatever the length of the history.

Budgets (issue "One learner-day, one truth"): Today ≤ 6, the dashboard ≤ 8, history ≤ 6, /api/v1/progress
≤ 4. They are asserted for a learner with nothing yet and for one with a full plan behind them (540
check-ins with topics and notes, every topic closed, reviews due, a pause, a moved slot), each
rendered afresh: nothing about a learner is cached. The session lives in Redis (make test's), so it
costs no SQL query; the plan's own rows come from the per-process plan cache, warmed first.
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from apps.curriculum.models import Topic
from apps.progress.models import ApiToken, CheckIn, Pause, ReviewLog, TopicNote, TopicProgress
from apps.progress.services import issue_token
from tests.conftest import move_slot

pytestmark = pytest.mark.django_db

BUDGETS = {"/": 6, "/dashboard/": 8, "/history/": 6, "/day/2026-11-05/": 6, "/plan/llm/blocks/2/": 8}


def fill(alice, plan):
    first = date(2026, 11, 10) - timedelta(days=179)
    rows = CheckIn.objects.bulk_create([
        CheckIn(user=alice, local_date=first + timedelta(days=i // 3), slot=i % 3 + 1, status="done", minutes=60, note=f"note {i}")
        for i in range(540)
    ])
    topics = list(Topic.objects.filter(plan=plan))
    CheckIn.topics.through.objects.bulk_create([
        CheckIn.topics.through(checkin_id=row.pk, topic_id=topics[i % len(topics)].pk) for i, row in enumerate(rows)
    ])
    closed = datetime(2026, 11, 3, 4, tzinfo=UTC)
    TopicProgress.objects.bulk_create([
        TopicProgress(user=alice, topic=t, status="done", closed_on=date(2026, 11, 3), card_state=2, stability=2.3,
                      difficulty=5.0, last_review_at=closed, due_at=closed + timedelta(days=2)) for t in topics
    ])
    ReviewLog.objects.bulk_create([
        ReviewLog(user=alice, topic=topics[i % len(topics)], rating=3, reviewed_at=closed - timedelta(days=i), stability=2.3,
                  difficulty=5.0, due_at=closed) for i in range(500)
    ])
    TopicNote.objects.bulk_create([TopicNote(user=alice, topic=t, text="notes") for t in topics])
    Pause.objects.create(user=alice, start_date=date(2026, 11, 6), end_date=date(2026, 11, 7))
    move_slot(alice, "weekday", 3, time(19, 30), time(22, 30))


@pytest.mark.parametrize("history", ["none", "full"])
@pytest.mark.parametrize("path", list(BUDGETS))
def test_pages_stay_within_their_query_budget(alice_client, alice, plan, frozen, django_assert_max_num_queries, history, path):
    if history == "full":
        fill(alice, plan)
    alice_client.get("/milestones/")  # the learner's milestone and resource rows are made on first listing
    alice_client.get(path)  # warms this process's plan cache
    with django_assert_max_num_queries(BUDGETS[path]):
        response = alice_client.get(path)
    assert response.status_code == 200
    if history == "full" and path == "/":
        html = response.content.decode()
        assert "Review today" in html and "19:30–22:30" in html


@pytest.mark.parametrize("history", ["none", "full"])
def test_api_progress_stays_within_four_queries(client, alice, plan, frozen, django_assert_max_num_queries, history):
    if history == "full":
        fill(alice, plan)
    _token, raw = issue_token(user=alice)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    client.get("/api/v1/progress", **headers)  # the first use of a token notes when (then once per 5 minutes)
    assert ApiToken.objects.get(user=alice).last_used_at is not None
    # the token with its user, enrollment and plan; the learner's pauses, topic progress, check-ins
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/progress", **headers)
    assert response.status_code == 200
    assert response.json()["topic_days"]["done"] == (180 if history == "full" else 0)
