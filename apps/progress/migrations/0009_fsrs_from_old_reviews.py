"""Every done topic becomes an FSRS review card, keeping its history: closing it counts as a first
review rated Good (at noon of the day it was closed, in the learner's timezone), and each of the old
1/7/30-day reviews the learner dismissed counts as a Good review on its day. A learner loses nothing
and the cards come back when FSRS says, with the learner's default retention (0.9)."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations
from fsrs import Card, Rating, Scheduler

STAGES = (1, 7, 30)


def forwards(apps, schema_editor):
    TopicProgress = apps.get_model("progress", "TopicProgress")
    ReviewLog = apps.get_model("progress", "ReviewLog")
    Enrollment = apps.get_model("progress", "Enrollment")
    zones = dict(Enrollment.objects.values_list("user_id", "timezone"))
    scheduler = Scheduler(learning_steps=(), relearning_steps=(timedelta(hours=12),), enable_fuzzing=False)
    logs = []
    for row in TopicProgress.objects.filter(status="done", card_state__isnull=True).iterator(chunk_size=2000):
        tz = ZoneInfo(zones.get(row.user_id, "UTC"))
        closed = row.closed_on or row.updated_at.astimezone(tz).date()
        card = Card(card_id=row.topic_id)
        days = [closed] + [closed + timedelta(days=stage) for stage in STAGES if stage <= row.reviewed_stage]
        for day in days:
            when = datetime.combine(day, time(12), tzinfo=tz).astimezone(UTC)
            card, _log = scheduler.review_card(card, Rating.Good, when)
            logs.append(ReviewLog(user_id=row.user_id, topic_id=row.topic_id, rating=3, reviewed_at=when,
                                  stability=card.stability, difficulty=card.difficulty, due_at=card.due))
        row.card_state, row.card_step, row.stability, row.difficulty = int(card.state), card.step, card.stability, card.difficulty
        row.due_at, row.last_review_at = card.due, card.last_review
        row.save(update_fields=["card_state", "card_step", "stability", "difficulty", "due_at", "last_review_at"])
        if len(logs) >= 2000:
            ReviewLog.objects.bulk_create(logs)
            logs = []
    ReviewLog.objects.bulk_create(logs)


class Migration(migrations.Migration):
    dependencies = [("progress", "0008_fsrs_cards")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
