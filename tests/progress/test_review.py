"""Review that remembers (FSRS): a topic closed as done is a card; Today offers the cards due with
Again / Hard / Good / Easy; the API reads and rates them; nothing of it is plan progress.

Dates are checked against FSRS's own behaviour under a frozen clock (no fuzzing), not hard-coded
intervals: Good twice gives a longer interval the second time, Again brings the topic back within a
day, Easy pushes it further than Good, and a higher desired retention gives shorter intervals."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from apps.curriculum.models import Topic
from apps.progress.models import Enrollment, ReviewLog, TopicProgress

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
T0 = datetime(2026, 11, 3, 4, tzinfo=UTC)  # noon in Shanghai, alice's day 3


def done(client, key="1.1"):
    assert client.post(f"/topics/{key}/", {"status": "done"}).status_code == 302


def row(user, key="1.1"):
    return TopicProgress.objects.get(user=user, topic__key=key, topic__plan__slug="llm")


def rate(client, key, rating, when):
    with time_machine.travel(when, tick=False):
        response = client.post(f"/api/v1/reviews/{key}", json.dumps({"rating": rating}), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def interval(body, when) -> timedelta:
    return datetime.fromisoformat(body["due"]) - when


def test_closing_a_topic_makes_a_card_reviewed_good(alice_client, alice):
    with time_machine.travel(T0, tick=False):
        done(alice_client)
    card = row(alice)
    assert card.card_state == 2 and card.stability > 0 and card.last_review_at == T0 and card.due_at > T0
    [log] = ReviewLog.objects.filter(user=alice)
    assert (log.rating, log.reviewed_at, log.due_at) == (3, T0, card.due_at)
    # Not done any more: no card (the log stays: it happened).
    with time_machine.travel(T0, tick=False):
        alice_client.post("/topics/1.1/", {"status": "in_progress"})
    assert row(alice).card_state is None and row(alice).due_at is None and ReviewLog.objects.filter(user=alice).count() == 1


def test_good_twice_again_and_easy(alice_client, alice):
    with time_machine.travel(T0, tick=False):
        done(alice_client)
    first_due = row(alice).due_at
    first = first_due - T0
    second = interval(rate(alice_client, "1.1", "good", first_due), first_due)
    assert second > first  # Good twice: a longer interval the second time
    later = first_due + second
    again = interval(rate(alice_client, "1.1", "again", later), later)
    assert again <= timedelta(days=1)  # Again: back within a day


def test_easy_goes_further_than_good(alice_client, alice, bob):
    bob_client = Client()
    bob_client.force_login(bob)
    for client in (alice_client, bob_client):
        with time_machine.travel(T0, tick=False):
            done(client)
    when = row(alice).due_at
    good = interval(rate(alice_client, "1.1", "good", when), when)
    easy = interval(rate(bob_client, "1.1", "easy", when), when)
    assert easy > good


def test_a_higher_desired_retention_gives_shorter_intervals(alice_client, alice, bob):
    Enrollment.objects.filter(user=alice).update(desired_retention=0.97)
    Enrollment.objects.filter(user=bob).update(desired_retention=0.80)
    bob_client = Client()
    bob_client.force_login(bob)
    for client in (alice_client, bob_client):
        with time_machine.travel(T0, tick=False):
            done(client)
    assert row(alice).due_at - T0 < row(bob).due_at - T0
    when = T0 + timedelta(days=10)
    assert interval(rate(alice_client, "1.1", "good", when), when) < interval(rate(bob_client, "1.1", "good", when), when)


def test_today_offers_the_due_reviews_with_four_ratings(alice_client, alice):
    for key in ("1.1", "1.2", "1.3"):
        with time_machine.travel(T0, tick=False):
            done(alice_client, key)
    Enrollment.objects.filter(user=alice).update(daily_reviews=2)
    with time_machine.travel(T0, tick=False):
        assert "Review today" not in alice_client.get("/").content.decode()  # just closed: nothing due yet
    due = row(alice).due_at
    with time_machine.travel(due + timedelta(hours=1), tick=False):
        html = alice_client.get("/").content.decode()
        section = html[html.index('id="review-h"'):html.index("</section>", html.index('id="review-h"'))]
        assert "3 reviews due · 2 today" in section and section.count('name="rating"') == 8  # two shown, four buttons each
        assert "recall 9" in section  # predicted recall now, as a percentage (about 90%)
        response = alice_client.post("/reviews/1.1/", {"rating": "good"}, **HTMX)
        assert response.status_code == 200 and "✓ next in" in response.content.decode()
        assert alice_client.post("/reviews/1.1/", {"rating": "meh"}, **HTMX).status_code == 400
        html = alice_client.get("/").content.decode()
        assert "2 reviews due" in html


def test_a_review_is_not_plan_progress(alice_client, alice):
    with time_machine.travel(T0, tick=False):
        done(alice_client)
    when = row(alice).due_at
    with time_machine.travel(when, tick=False):
        before = (alice_client.get("/api/v1/burndown").json(), alice_client.get("/api/v1/progress").json())
        alice_client.post("/reviews/1.1/", {"rating": "again"})
        assert (alice_client.get("/api/v1/burndown").json(), alice_client.get("/api/v1/progress").json()) == before


def test_the_api_reads_and_rates_cards(alice_client, alice):
    with time_machine.travel(T0, tick=False):
        done(alice_client)
        assert alice_client.get("/api/v1/reviews?due=today").json() == []
        [card] = alice_client.get("/api/v1/reviews?due=all").json()
        assert card["key"] == "1.1" and card["recall"] == 1.0
        assert alice_client.get("/api/v1/reviews?due=soon").status_code == 400
    when = row(alice).due_at + timedelta(hours=1)
    with time_machine.travel(when, tick=False):
        [due] = alice_client.get("/api/v1/reviews?due=today").json()
        assert due["key"] == "1.1" and 0.85 < due["recall"] < 0.95
    body = rate(alice_client, "1.1", "good", when)
    assert set(body) == {"key", "title", "due", "recall", "stability", "difficulty"}
    with time_machine.travel(when, tick=False):
        post = lambda key, data: alice_client.post(f"/api/v1/reviews/{key}", json.dumps(data), content_type="application/json")  # noqa: E731
        assert post("1.1", {"rating": "perfect"}).status_code == 400
        assert post("1.1", {"rating": 3}).status_code == 400
        assert post("1.2", {"rating": "good"}).status_code == 404  # not done
        assert post("99.9", {"rating": "good"}).status_code == 404


def test_a_learners_cards_are_invisible_to_another(alice_client, alice, bob):
    with time_machine.travel(T0, tick=False):
        done(alice_client)
    bob_client = Client()
    bob_client.force_login(bob)
    with time_machine.travel(row(alice).due_at, tick=False):
        response = bob_client.post("/api/v1/reviews/1.1", json.dumps({"rating": "good"}), content_type="application/json")
        assert response.status_code == 404
        assert bob_client.post("/reviews/1.1/", {"rating": "good"}).status_code == 404
        assert bob_client.get("/api/v1/reviews?due=all").json() == []
    assert ReviewLog.objects.filter(user=alice).count() == 1


def test_today_runs_the_same_queries_with_55_cards_and_500_logs(alice_client, alice, django_assert_max_num_queries):
    from tests.progress.test_query_budgets import BUDGETS

    topics = list(Topic.objects.filter(plan__slug="llm"))
    with time_machine.travel(T0, tick=False):
        for topic in topics:
            alice_client.post(f"/topics/{topic.key}/", {"status": "done"})
    logs = ReviewLog.objects.filter(user=alice)
    ReviewLog.objects.bulk_create([
        ReviewLog(user=alice, topic=topics[i % len(topics)], rating=3, reviewed_at=T0 - timedelta(days=i), stability=3.0,
                  difficulty=5.0, due_at=T0) for i in range(500 - logs.count())
    ])
    assert TopicProgress.objects.filter(user=alice, card_state__isnull=False).count() == 55 and logs.count() == 500
    with time_machine.travel(T0 + timedelta(days=30), tick=False):
        alice_client.get("/")
        with django_assert_max_num_queries(BUDGETS["/"]):
            assert "55 reviews due · 10 today" in alice_client.get("/").content.decode()


def test_the_dashboard_forecasts_reviews_and_recall(alice_client, alice):
    import re

    with time_machine.travel(T0, tick=False):
        done(alice_client, "1.1")
        done(alice_client, "1.2")
    first_due = row(alice).due_at
    rate(alice_client, "1.1", "good", first_due)
    now = first_due + timedelta(hours=1)
    with time_machine.travel(now, tick=False):
        html = alice_client.get("/dashboard/").content.decode()
    figure = json.loads(re.search(r'<script id="fig-reviews" type="application/json">(.*?)</script>', html, re.S).group(1))
    bars, past, ahead = figure["data"]
    assert len(bars["x"]) == 31 and sum(bars["y"]) == 2  # both cards fall due in the next 30 days (1.2 is due today)
    assert bars["y"][0] == 1
    recall_past = [v for v in past["y"] if v is not None]
    assert recall_past and all(0 < v <= 100 for v in recall_past)
    assert ahead["y"][0] > ahead["y"][-1]  # with no more reviews, recall only falls
    rows = re.findall(r"<tr><td>(\d{4}-\d{2}-\d{2})</td><td>(\d*)</td><td>(\d*%?)</td></tr>",
                      html[html.index('id="review-forecast-h"'):])
    assert len(rows) == 61 and rows[30][1] == "1"


def test_desired_retention_and_daily_reviews_are_settings(alice_client, alice):
    from tests.progress.test_settings_page import form_data

    values = {"enrollment-desired_retention": "0.95", "enrollment-daily_reviews": "25"}
    response = alice_client.post("/settings/", form_data(alice, **values))
    assert response.status_code == 302
    alice.enrollment.refresh_from_db()
    assert (alice.enrollment.desired_retention, alice.enrollment.daily_reviews) == (0.95, 25)
    bad = (("enrollment-desired_retention", "0.99"), ("enrollment-desired_retention", "0.5"), ("enrollment-daily_reviews", "0"))
    for field, value in bad:
        assert alice_client.post("/settings/", form_data(alice, **{field: value})).status_code == 400
    alice.enrollment.refresh_from_db()
    assert alice.enrollment.desired_retention == 0.95
