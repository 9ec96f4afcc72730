"""Helpers for the fault tests: learners due this minute, an SMTP sink that can be slow or refuse,
Celery workers and beats as real processes, and the test database's URL for them."""

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from apps.progress.models import Enrollment
from apps.progress.schedule import day_kind
from apps.reminders.models import ReminderSettings
from tests.smtp import RefusingHandler, serving

FULL = bool(os.environ.get("FAULTS_FULL"))


def database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def make_due_learners(plan, count, *, prefix="f", started_seconds_ago=60):
    """`count` learners in UTC whose first slot today began `started_seconds_ago` seconds ago (others off)."""
    from django.contrib.auth import get_user_model

    now = timezone.now()
    kind = day_kind(now.date())
    start = now - timedelta(seconds=started_seconds_ago)
    if start.date() != now.date() or (start + timedelta(hours=1)).date() != now.date():
        pytest.skip("too close to UTC midnight for this test's arithmetic")
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(username=f"{prefix}{i:05d}", email=f"{prefix}{i:05d}@example.com", password=make_password(None))
            for i in range(count)
        ]
    )
    # To the second, as ISO times (the settings form writes HH:MM; the times are read with time.fromisoformat).
    moved = {f"{kind}-1": {"start": f"{start:%H:%M:%S}", "end": f"{start + timedelta(hours=1):%H:%M:%S}"}}
    Enrollment.objects.bulk_create(
        [
            Enrollment(user=u, plan=plan, start_date=now.date() - timedelta(days=10), timezone="UTC", slot_overrides=moved)
            for u in users
        ]
    )
    others = [f"{d}-{n}" for d in ("weekday", "weekend") for n in (1, 2, 3) if (d, n) != (kind, 1)]
    ReminderSettings.objects.bulk_create([ReminderSettings(user=u, disabled_slots=others) for u in users])
    return users


class Sink(RefusingHandler):
    """Counts every accepted message per recipient, without parsing it; can be slow or refuse."""

    def __init__(self, delay=0.0):
        super().__init__()
        self.delay = delay
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.received.extend(envelope.rcpt_tos)
        return "250 OK"

    def unique(self):
        return len(set(self.received))

    def duplicates(self):
        return len(self.received) - self.unique()


@pytest.fixture
def sink():
    with serving(Sink()) as handler:
        yield handler


class Processes:
    """Celery workers and beats for one test, on their own queue; all stopped at the end."""

    def __init__(self, sink_port, redis_url=None, **env):
        self.queue = f"faults-{uuid.uuid4().hex[:8]}"
        self.redis_url = redis_url or settings.REDIS_URL
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": self.redis_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{sink_port}",
            "CELERY_QUEUE": self.queue,
            "REMINDER_LEASE_SECONDS": "5",
            **env,
        }
        self.procs = []

    def start(self, *args):
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def worker(self, name, concurrency=1):
        return self.start(
            "worker",
            "-Q",
            self.queue,
            "-c",
            str(concurrency),
            "--without-mingle",
            "--without-gossip",
            "--hostname",
            f"{self.queue}-{name}@%h",
            "--loglevel",
            "WARNING",
        )

    def beat(self, schedule_file):
        return self.start("beat", "--schedule", str(schedule_file), "--loglevel", "WARNING")

    def tick(self):
        from celery import Celery

        app = Celery(broker=self.redis_url)
        app.send_task("reminders.tick", queue=self.queue)

    @staticmethod
    def kill(proc, sig=signal.SIGKILL):
        os.killpg(proc.pid, sig)
        proc.wait(timeout=30)

    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def wait_until(condition, timeout, step=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()
