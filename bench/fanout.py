"""Reminder fan-out benchmark (run with DATABASE_URL and REDIS_URL set): every demo learner's first slot
starts this minute; one tick goes through Redis to two Celery worker processes that mail an SMTP sink in
its own process. Measures tick → last message received, duplicates and missing; then the floor: a plain
smtplib loop sending the same messages, pre-built, over one connection to the same sink."""

import email.policy
import json
import os
import signal
import smtplib
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_bench")
BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))

import django  # noqa: E402
from procs import children, free_port, peak_rss  # noqa: E402 - bench/ is this script's directory

django.setup()

from django.utils import timezone  # noqa: E402

from apps.progress.models import CheckIn, Enrollment  # noqa: E402
from apps.progress.schedule import day_kind  # noqa: E402
from apps.reminders.mail import build_messages  # noqa: E402
from apps.reminders.models import Reminder, ReminderSettings  # noqa: E402

PY = sys.executable



def lines(path):
    return Path(path).read_text().splitlines() if Path(path).exists() else []


def wait_for(path, count, timeout, quiet=30):
    """Lines in the sink's file once there are `count`, or once nothing arrived for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    seen, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        got = lines(path)
        if len(got) >= count:
            return got
        if len(got) != seen:
            seen, since = len(got), time.monotonic()
        elif time.monotonic() - since > quiet:
            break
        time.sleep(0.25)
    return lines(path)


def main(results_dir, rate=0, limit=0):
    """One fan-out; with `rate`, through workers keeping EMAIL_RATE_PER_SECOND=rate, to the first
    `limit` learners only, and without the floor."""
    now = timezone.now()
    today = now.date()
    kind = day_kind(today)
    start = (now - timedelta(minutes=1)).replace(second=0, microsecond=0)
    users = Enrollment.objects.count()
    # Everyone mid-plan (seed_demo leaves some just past the end) and in UTC, so all are due this minute.
    moved = {f"{kind}-1": {"start": f"{start:%H:%M}", "end": f"{start + timedelta(hours=1):%H:%M}"}}
    Enrollment.objects.update(timezone="UTC", start_date=today - timedelta(days=100), slot_overrides=moved)
    others = [f"{d}-{n}" for d in ("weekday", "weekend") for n in (1, 2, 3) if (d, n) != (kind, 1)]
    ReminderSettings.objects.update(mode="every_slot", disabled_slots=others)
    if limit:
        keep = list(Enrollment.objects.order_by("user_id").values_list("user_id", flat=True)[:limit])
        ReminderSettings.objects.exclude(user_id__in=keep).update(mode="off")
        users = len(keep)
    CheckIn.objects.filter(local_date=today).delete()
    Reminder.objects.all().delete()

    port = free_port()
    sink_file = Path(results_dir) / "fanout-sink.txt"
    sink_file.unlink(missing_ok=True)
    sink = subprocess.Popen([PY, str(BASE / "bench/smtp_sink.py"), str(port), str(sink_file)], stdout=subprocess.PIPE, text=True)
    sink.stdout.readline()
    queue = f"bench-{os.getpid()}"
    env = {
        **os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{port}", "CELERY_QUEUE": queue, "DJANGO_SETTINGS_MODULE": "config.settings",
        "EMAIL_RATE_PER_SECOND": str(rate),
    }
    workers = [
        subprocess.Popen(
            [
                PY,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                queue,
                "-c",
                "1",
                "--without-mingle",
                "--without-gossip",
                "--loglevel",
                "WARNING",
                "--hostname",
                f"{queue}-{i}@%h",
            ],
            cwd=BASE,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(2)
    ]
    try:
        from config.celery import app

        time.sleep(4)  # let both workers connect
        tick_at = time.time()
        app.send_task("reminders.tick", queue=queue)
        got = wait_for(sink_file, users, timeout=900)
        peak = {}
        for i, w in enumerate(workers):
            peak[f"celery_worker_{i}"] = peak_rss([w.pid, *children(w.pid)])
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            w.wait(timeout=60)
    arrivals = [float(line.split()[0]) for line in got]
    recipients = [line.split()[1] for line in got]
    seconds = (max(arrivals) - tick_at) if arrivals else None
    unique = len(set(recipients))
    if rate:
        sink.terminate()
        sink.wait(timeout=30)
        span = max(arrivals) - min(arrivals) if len(arrivals) > 1 else None
        print(json.dumps({
            "users": users, "rate_limit": rate, "seconds": round(seconds, 2) if seconds else None,
            "messages_per_second": round((len(got) - 1) / span, 2) if span else 0,
            "duplicates": len(got) - unique, "missing": users - unique,
        }))
        return

    # The floor: the same messages, built beforehand, over one plain connection to the same sink.
    reminders = list(Reminder.objects.filter(status="sent").select_related("user"))
    messages = []
    for i in range(0, len(reminders), 500):
        messages += [m.message(policy=email.policy.SMTP).as_bytes() for _, m in build_messages(reminders[i : i + 500])]
    floor_file = Path(results_dir) / "fanout-floor.txt"
    sink.terminate()
    sink.wait(timeout=30)
    floor_file.unlink(missing_ok=True)
    port = free_port()
    sink = subprocess.Popen([PY, str(BASE / "bench/smtp_sink.py"), str(port), str(floor_file)], stdout=subprocess.PIPE, text=True)
    sink.stdout.readline()
    started = time.time()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for raw, reminder in zip(messages, reminders, strict=False):
            smtp.sendmail("cadence@localhost", [reminder.user.email], raw)
    floor_lines = wait_for(floor_file, len(messages), timeout=300)
    floor_seconds = max(float(line.split()[0]) for line in floor_lines) - started
    sink.terminate()
    sink.wait(timeout=30)
    print(
        json.dumps(
            {
                "users": users,
                "seconds": round(seconds, 2) if seconds else None,
                "floor_seconds": round(floor_seconds, 2),
                "ratio": round(seconds / floor_seconds, 2) if seconds else None,
                "messages_per_second": round(len(got) / seconds, 1) if seconds else 0,
                "duplicates": len(got) - unique,
                "missing": users - unique,
                "peak_rss_kb": peak,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:4]))
