"""seed_demo --users N --days D: fill the database with N demo learners, each D days into the shipped plan.

Each learner gets an enrollment (spread over a dozen timezones, at the plan's slot times), reminder
settings, and a realistic history: most slots checked in (some skipped, some missed), a few notes,
topics done roughly on plan (some a little early, some late). On PostgreSQL rows go in with COPY,
streamed as they are made; elsewhere with bulk inserts. Progress is printed as it goes.

All demo learners share the password given with --password (default "demo-pass-123"), hashed once.
"""

from __future__ import annotations

import random
import secrets
import time as clock
from datetime import UTC, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from fsrs import Card, Rating

from apps.curriculum.models import Plan, Slot, Topic, minutes_between
from apps.progress import review
from apps.progress.models import CheckIn, Enrollment, ReviewLog, TopicNote, TopicProgress
from apps.reminders.models import ReminderSettings

ZONES = [
    "Asia/Shanghai",
    "Asia/Shanghai",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
    "UTC",
]
NOTES = [
    "复习了今天的内容",
    "Read the paper twice; the math finally clicked.",
    "实现了一个小例子",
    "**Key idea**: attention is a weighted sum.",
    "卡在反向传播的推导上",
    "Wrote a blog draft.",
]


class Command(BaseCommand):
    help = "Fill the database with demo learners and their history (for benchmarks and trying Cadence at scale)."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=100)
        parser.add_argument("--days", type=int, default=180, help="how far into the plan each learner is")
        parser.add_argument("--plan", help="plan slug (default: the only plan)")
        parser.add_argument("--prefix", default="demo", help="usernames are PREFIX00001, PREFIX00002, …")
        parser.add_argument("--password", default="demo-pass-123")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, users, days, plan=None, prefix, password, seed, **options):
        if users < 1 or days < 1:
            raise CommandError("--users and --days must be at least 1")
        plans = Plan.objects.filter(slug=plan) if plan else Plan.objects.all()
        if plans.count() != 1:
            raise CommandError("give --plan SLUG (there is not exactly one plan)" if not plan else f"no plan '{plan}'")
        self.plan = plans.get()
        if get_user_model().objects.filter(username__startswith=prefix).exists():
            raise CommandError(f"there are users named {prefix}… already: use another --prefix, or a fresh database")
        self.random = random.Random(seed)
        self.started = clock.monotonic()
        self.total_rows = 0
        with transaction.atomic():
            self.seed(users, min(days, self.plan.total_days), prefix, password)
        elapsed = clock.monotonic() - self.started
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {users:,} learners, {self.total_rows:,} rows in {elapsed:.1f} s ({self.total_rows / elapsed:,.0f} rows/s)"
            )
        )

    # --- writing -------------------------------------------------------------------------------

    def write(self, model, columns: list[str], rows, *, expected: int | None = None):
        """Insert rows (tuples in `columns` order) with COPY on PostgreSQL, bulk_create elsewhere."""
        table = model._meta.db_table
        start, count = clock.monotonic(), 0
        step = max((expected or 0) // 10, 50_000)
        if connection.vendor == "postgresql":
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            with connection.cursor() as cursor, cursor.cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
                    if count % step == 0:
                        self.progress(table, count, expected, start)
        else:
            batch = []
            for row in rows:
                batch.append(model(**dict(zip(columns, row, strict=True))))
                count += 1
                if len(batch) >= 5000:
                    model.objects.bulk_create(batch)
                    batch = []
                if count % step == 0:
                    self.progress(table, count, expected, start)
            model.objects.bulk_create(batch)
        self.total_rows += count
        self.progress(table, count, expected, start, done=True)
        return count

    def progress(self, table, count, expected, start, done=False):
        rate = count / max(clock.monotonic() - start, 1e-6)
        share = f" ({100 * count / expected:.0f}%)" if expected and not done else ""
        self.stdout.write(f"  {table}: {count:,}{share} rows, {rate:,.0f} rows/s{' ✓' if done else ''}")
        self.stdout.flush()

    # --- the data ------------------------------------------------------------------------------

    def seed(self, users: int, days: int, prefix: str, password: str):
        rnd, now = self.random, timezone.now()
        today = now.date()
        user_model = get_user_model()
        hashed = make_password(password)
        names = [f"{prefix}{i:05d}" for i in range(1, users + 1)]
        self.write(
            user_model,
            ["password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff", "is_active", "date_joined"],
            ((hashed, False, n, "", "", f"{n}@example.com", False, True, now) for n in names),
            expected=users,
        )
        ids = dict(user_model.objects.filter(username__startswith=prefix).values_list("username", "pk"))
        learners = []
        for n in names:
            start = today - timedelta(days=days - 1 + rnd.randint(0, 3))
            learners.append((ids[n], start, rnd.choice(ZONES)))
        empty = "{}" if connection.vendor == "postgresql" else {}  # COPY takes JSON as text; the ORM the value
        self.write(
            Enrollment,
            ["user_id", "plan_id", "start_date", "timezone", "language", "slot_overrides", "created_at",
             "desired_retention", "daily_reviews"],
            (
                (uid, self.plan.pk, start, zone, "zh-hans" if zone.startswith("Asia/Sh") else "en", empty, now, 0.9, 10)
                for uid, start, zone in learners
            ),
            expected=users,
        )
        slots = list(Slot.objects.filter(plan=self.plan))
        self.write(
            ReminderSettings,
            ["user_id", "mode", "weekends", "disabled_slots", "unsubscribe_token", "calendar_token"],
            # COPY takes JSON as text; the ORM wants the value itself.
            (
                (
                    uid,
                    "every_slot",
                    True,
                    "[]" if connection.vendor == "postgresql" else [],
                    secrets.token_urlsafe(18),
                    secrets.token_urlsafe(18),
                )
                for uid, _, _ in learners
            ),
            expected=users,
        )
        per_kind = {"weekday": [s for s in slots if s.days == "weekday"], "weekend": [s for s in slots if s.days == "weekend"]}

        def checkins():
            for uid, start, _ in learners:
                diligence = rnd.uniform(0.65, 0.95)
                day = start
                while day < today:
                    for slot in per_kind["weekend" if day.weekday() >= 5 else "weekday"]:
                        r = rnd.random()
                        if r < diligence:
                            minutes = max(10, minutes_between(slot.start, slot.end) + rnd.randint(-30, 20))
                            note = rnd.choice(NOTES) if r < 0.08 else ""
                            yield (uid, day, slot.number, "done", minutes, note, now, now)
                        elif r < diligence + 0.08:
                            yield (uid, day, slot.number, "skipped", 0, "", now, now)
                    day += timedelta(days=1)

        weekly = len(per_kind["weekday"]) * 5 + len(per_kind["weekend"]) * 2
        self.write(
            CheckIn,
            ["user_id", "local_date", "slot", "status", "minutes", "note", "created_at", "updated_at"],
            checkins(),
            expected=int(users * days * weekly / 7 * 0.88),
        )
        topics = list(Topic.objects.filter(plan=self.plan).values_list("pk", "end_day"))

        def progress_rows():
            for uid, start, _ in learners:
                today_day = (today - start).days + 1
                pace = rnd.uniform(-6, 8)  # days behind (+) or ahead (-) of plan
                for topic_id, end_day in topics:
                    lag = round(pace + rnd.uniform(-2, 2))
                    if end_day + lag < today_day:
                        closed = start + timedelta(days=max(end_day + lag - 1, 0))
                        reviewed = datetime.combine(closed, time(12), tzinfo=UTC)
                        due = reviewed + first_interval
                        logs.append((uid, topic_id, 3, reviewed, first.stability, first.difficulty, due))
                        yield (uid, topic_id, "done", closed, now, int(first.state), first.step, first.stability, first.difficulty,
                               due, reviewed)
                    elif end_day - 3 <= today_day:
                        yield (uid, topic_id, "in_progress", None, now, None, None, None, None, None, None)

        # Closing a topic is its card's first review, rated Good (apps.progress.review); the same for every card.
        base = datetime(2026, 1, 1, tzinfo=UTC)
        first = review.scheduler(0.9).review_card(Card(card_id=1), Rating.Good, base)[0]
        first_interval = first.due - base

        logs = []
        self.write(
            TopicProgress,
            ["user_id", "topic_id", "status", "closed_on", "updated_at", "card_state", "card_step", "stability", "difficulty",
             "due_at", "last_review_at"],
            progress_rows(),
            expected=int(users * len(topics) * days / self.plan.total_days),
        )
        self.write(
            ReviewLog,
            ["user_id", "topic_id", "rating", "reviewed_at", "stability", "difficulty", "due_at"],
            iter(logs),
            expected=len(logs),
        )
        self.write(
            TopicNote,
            ["user_id", "topic_id", "text", "updated_at"],
            ((uid, topic_id, rnd.choice(NOTES), now) for uid, _, _ in learners for topic_id, _ in topics if rnd.random() < 0.1),
            expected=int(users * len(topics) * 0.1),
        )
