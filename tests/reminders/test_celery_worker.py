"""A real Celery worker against the real Redis: the dispatch task delivered twice still mails each learner once."""

import os
import subprocess
import sys
import time as clock
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.progress.schedule import day_kind
from apps.reminders.models import Reminder, ReminderSettings
from tests.conftest import move_slot

pytestmark = pytest.mark.django_db(transaction=True)


def database_url():
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def due_now(user, zone):
    """Make slot 1 of today start two minutes ago in the learner's timezone, and the other slots quiet."""
    local = timezone.now().astimezone(ZoneInfo(zone))
    kind = day_kind(local.date())
    start = (local - timedelta(minutes=2)).replace(second=0, microsecond=0)
    if start.date() != local.date():
        pytest.skip("too close to local midnight for this test's arithmetic")
    move_slot(user, kind, 1, start.time(), (start + timedelta(hours=1)).time())
    others = [f"{d}-{n}" for d in ("weekday", "weekend") for n in (1, 2, 3) if (d, n) != (kind, 1)]
    ReminderSettings.objects.filter(user=user).update(disabled_slots=others)


def test_a_real_worker_mails_each_learner_once_when_the_tick_is_delivered_twice(learner, smtp):
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs the PostgreSQL and Redis that make test provides")
    from config.celery import app

    zones = ["Asia/Shanghai", "America/New_York", "Asia/Kathmandu", "Europe/London"]
    users = []
    for i, zone in enumerate(zones):
        user = learner(f"w{i}", timezone=zone, start=timezone.now().date() - timedelta(days=3))
        due_now(user, zone)
        users.append(user)

    queue = f"cadence-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL, "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}", "CELERY_QUEUE": queue,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "-c", "2", "--without-mingle",
         "--without-gossip", "--loglevel", "INFO", "--hostname", f"{queue}@%h"],
        env=env, cwd=settings.BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        app.send_task("reminders.tick", queue=queue)
        app.send_task("reminders.tick", queue=queue)  # the same dispatch delivered twice
        deadline = clock.monotonic() + 90
        while len(smtp.messages) < len(users) and clock.monotonic() < deadline and worker.poll() is None:
            clock.sleep(0.5)
        clock.sleep(3)  # room for a duplicate to arrive, if there were one
        assert worker.poll() is None, worker.stdout.read()
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
    for user in users:
        assert len(smtp.to(user.email)) == 1, output[-3000:]
    assert Reminder.objects.filter(status="sent").count() == len(users)
    assert "reminders.send_batch" in output and "succeeded" in output
