"""Review that remembers: the one home of spaced repetition (FSRS, the `fsrs` package).

A topic the learner closes as done becomes a review card; its state lives on the TopicProgress row
(card_state, card_step, stability, difficulty, due_at, last_review_at) and every review is a
ReviewLog row holding the card as the review left it. Closing a topic counts as its first review,
rated Good, so the card comes back in a few days.

The scheduler uses FSRS's default parameters with the learner's desired retention (0.80 to 0.97).
Cards skip FSRS's minute-long learning steps (a topic is studied for days before it is closed);
"Again" relearns it after 12 hours, so it is back within a day. Fuzzing is off: the same reviews
give the same dates, which the tests and a learner's exported history rely on. An optimizer could
later fit the parameters per learner from the review logs without changing anything outside here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.db import transaction
from fsrs import Card, Rating, Scheduler, State

from apps.progress.models import ReviewLog, TopicProgress

RATINGS = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}
RELEARN_AFTER = timedelta(hours=12)


@lru_cache(maxsize=32)
def scheduler(retention: float = 0.9) -> Scheduler:
    return Scheduler(desired_retention=retention, learning_steps=(), relearning_steps=(RELEARN_AFTER,), enable_fuzzing=False)


def card_of(row) -> Card:
    """The FSRS card of a progress row (or anything with its card fields)."""
    return Card(
        card_id=row.topic_id, state=State(row.card_state), step=row.card_step, stability=row.stability,
        difficulty=row.difficulty, due=row.due_at, last_review=row.last_review_at,
    )


def _keep(row: TopicProgress, card: Card) -> None:
    row.card_state, row.card_step, row.stability, row.difficulty = int(card.state), card.step, card.stability, card.difficulty
    row.due_at, row.last_review_at = card.due, card.last_review


CARD_FIELDS = ["card_state", "card_step", "stability", "difficulty", "due_at", "last_review_at"]


def review(row: TopicProgress, rating: Rating, when: datetime, retention: float) -> ReviewLog:
    """Review the row's card (a new one when it has none) at `when`; the row is changed, not saved; the
    log is made, not saved."""
    when = when.astimezone(UTC)  # FSRS works in UTC
    card = card_of(row) if row.card_state is not None else Card(card_id=row.topic_id)
    card, _log = scheduler(retention).review_card(card, rating, when)
    _keep(row, card)
    return ReviewLog(
        user_id=row.user_id, topic_id=row.topic_id, rating=int(rating), reviewed_at=when,
        stability=card.stability, difficulty=card.difficulty, due_at=card.due,
    )


def start(row: TopicProgress, when: datetime, retention: float) -> ReviewLog:
    """A topic just closed as done: its card, reviewed Good now."""
    forget(row)
    return review(row, Rating.Good, when, retention)


def forget(row: TopicProgress) -> None:
    """A topic no longer done is no card (its review logs stay: they happened)."""
    for name in CARD_FIELDS:
        setattr(row, name, None)


def rate(*, user, topic, rating: str, retention: float, now: datetime | None = None) -> TopicProgress | None:
    """The learner's rating of a done topic's card; None when the topic is not done (not theirs to review)."""
    now = now or datetime.now(UTC)
    with transaction.atomic():
        row = TopicProgress.objects.select_for_update().filter(user=user, topic=topic, status=TopicProgress.Status.DONE).first()
        if row is None:
            return None
        log = review(row, RATINGS[rating], now, retention)
        row.save(update_fields=[*CARD_FIELDS, "updated_at"])
        log.save()
    return row


def recall(stability: float | None, last_review: datetime | None, when: datetime) -> float | None:
    """Predicted recall (FSRS retrievability, 0..1) of a card at `when`."""
    if stability is None or last_review is None:
        return None
    card = Card(card_id=0, state=State.Review, stability=stability, difficulty=5.0, due=last_review, last_review=last_review)
    return scheduler().get_card_retrievability(card, max(when, last_review).astimezone(UTC))


OLD_STAGES = (1, 7, 30)  # the fixed reviews before FSRS


def replay_good(row: TopicProgress, days, tz, retention: float = 0.9) -> list[ReviewLog]:
    """A card for a topic done before FSRS (or imported without one): closing it and each old review,
    on their days (at noon in the learner's timezone), count as reviews rated Good. The row is changed,
    not saved; the logs are made, not saved."""
    from datetime import time as clock

    forget(row)
    logs = []
    for day in days:
        logs.append(review(row, Rating.Good, datetime.combine(day, clock(12), tzinfo=tz), retention))
    return logs
