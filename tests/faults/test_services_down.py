"""Redis stopped and PostgreSQL restarted, with real servers of the test's own (never the shared ones)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from apps.reminders.models import Reminder
from tests.faults.conftest import Processes, make_due_learners, wait_until
from tests.smtp import free_port

pytestmark = [pytest.mark.faults]
BASE = Path(settings.BASE_DIR)


@pytest.fixture
def redis_server():
    """A Redis of this test's own, which the test may stop and start again."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    port = free_port()

    def start():
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--pidfile",
                f"/tmp/cadence-redis-{port}.pid",
            ],
            check=True,
            capture_output=True,
        )
        assert wait_until(lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode == 0, 10)

    def stop():
        subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True)
        assert wait_until(lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode != 0, 10)

    start()
    server = type("RedisServer", (), {"url": f"redis://127.0.0.1:{port}/0", "start": staticmethod(start), "stop": staticmethod(stop)})
    yield server
    stop()


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_check_ins_save_and_reminders_go_out_when_it_is_back(redis_server, plan, sink, alice, client):
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_server.url}}
    users = make_due_learners(plan, 10)
    with override_settings(REDIS_URL=redis_server.url, CACHES=caches):
        redis_server.stop()
        client.force_login(alice)
        from django.utils import timezone

        today = timezone.now().astimezone(alice.enrollment.tz).date().isoformat()
        page = client.post("/checkins/", {"date": today, "slot": "1", "status": "done"}, HTTP_HX_REQUEST="true")
        assert page.status_code == 200
        from apps.progress.services import issue_token

        _, raw = issue_token(user=alice)
        api = client.post(
            "/api/v1/checkins",
            json.dumps({"date": today, "slot": 2, "status": "done"}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        assert api.status_code == 201
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json() == {"status": "ok", "database": "ok", "redis": "unreachable"}
        assert not Reminder.objects.exists()  # no beat could reach the broker meanwhile

        redis_server.start()
        assert client.get("/healthz").json()["redis"] == "ok"
        procs = Processes(sink.port, redis_url=redis_server.url)
        try:
            procs.worker("a")
            procs.tick()
            assert wait_until(lambda: sink.unique() >= len(users), 60), sink.unique()
        finally:
            procs.stop()
    assert sink.duplicates() == 0


@pytest.fixture
def postgres_server():
    """A PostgreSQL cluster of this test's own (initdb as the postgres user), which it may restart."""
    bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not bindir or os.geteuid() != 0:
        pytest.skip("needs PostgreSQL's server binaries and root (to run them as the postgres user)")
    bindir = bindir[-1]
    data = Path(tempfile.mkdtemp(prefix="cadence-pg-"))
    shutil.chown(data, "postgres")
    port = free_port()

    def as_postgres(*args):
        return subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True, text=True)

    as_postgres(str(bindir / "initdb"), "-D", str(data / "db"), "-A", "trust", "-U", "postgres")

    def start():
        as_postgres(
            str(bindir / "pg_ctl"),
            "-D",
            str(data / "db"),
            "-w",
            "-l",
            str(data / "log"),
            "-o",
            f"-p {port} -k {data} -c listen_addresses=127.0.0.1",
            "start",
        )

    def stop():
        as_postgres(str(bindir / "pg_ctl"), "-D", str(data / "db"), "-w", "-m", "fast", "stop")

    start()
    server = type(
        "PgServer",
        (),
        {
            "url": f"postgres://postgres@127.0.0.1:{port}/postgres?connect_timeout=2",
            "start": staticmethod(start),
            "stop": staticmethod(stop),
        },
    )
    yield server
    try:
        stop()
    except subprocess.CalledProcessError:
        pass
    shutil.rmtree(data, ignore_errors=True)


def test_postgresql_restarted_under_load_never_gives_a_500_and_recovers(postgres_server, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_bench",
        "DATABASE_URL": postgres_server.url,
        "CADENCE_VAR_DIR": str(tmp_path),
        "EMAIL_URL": "console://",
    }
    env.pop("REDIS_URL", None)
    run = lambda *args: subprocess.run([sys.executable, *args], cwd=BASE, env=env, check=True, capture_output=True, text=True)  # noqa: E731
    run("manage.py", "migrate", "-v0")
    run("manage.py", "collectstatic", "--noinput", "-v0")
    run("manage.py", "import_plan", "fixtures/llm-engineer-180-days.md")
    run("manage.py", "enroll", "loaded", "--email", "loaded@example.com")
    learners = tmp_path / "learners.txt"
    run("bench/prepare.py", str(learners), "1")  # a session (and token) for the one learner
    cookie = "sessionid=" + learners.read_text().split()[0]
    port = free_port()
    # gunicorn's log goes to a file: a pipe nobody reads until the end fills up with the outage's
    # error lines, and a worker writing one more then blocks (what looked like hung requests).
    log_path = tmp_path / "gunicorn.log"
    log_file = open(log_path, "w")  # noqa: SIM115 - closed in the finally below
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "--no-control-socket", "config.wsgi"],
        cwd=BASE,
        env={**env, "PORT": str(port), "WEB_CONCURRENCY": "2"},
        stdout=subprocess.DEVNULL,
        stderr=log_file,
    )
    statuses, stop = [], threading.Event()

    def load():
        while not stop.is_set():
            for path in ("/", "/healthz", "/api/v1/progress"):
                request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
                asked = time.monotonic()
                try:
                    with urllib.request.urlopen(request, timeout=15) as response:
                        statuses.append((time.monotonic(), path, response.status, "", time.monotonic() - asked))
                except urllib.error.HTTPError as error:
                    body = error.read().decode(errors="replace")[:200]
                    statuses.append((time.monotonic(), path, error.code, body, time.monotonic() - asked))
                except OSError as error:  # no answer at all (a timeout): recorded, and fails the test below
                    statuses.append((time.monotonic(), path, -1, repr(error)[:100], time.monotonic() - asked))
                    time.sleep(0.05)
            time.sleep(0.02)

    try:
        assert wait_until(lambda: _up(port), 30)
        worker = threading.Thread(target=load)
        worker.start()
        time.sleep(2)
        postgres_server.stop()
        down_at = time.monotonic()
        # Stay down two seconds, and until a few requests have been answered meanwhile.
        time.sleep(2)
        wait_until(lambda: sum(1 for s in statuses if s[0] > down_at) >= 4, 8, step=0.2)
        restarting_at = time.monotonic()
        postgres_server.start()
        up_at = time.monotonic()
        time.sleep(4)
        stop.set()
        worker.join(timeout=30)
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=30)
        log_file.close()
        errors = log_path.read_text()
    codes = {s[2] for s in statuses}
    assert codes <= {200, 503}, (codes, [s for s in statuses if s[2] not in (200, 503)][:2], errors[-3000:])
    # Every request is answered at once, outage or not: nothing waits on a dead connection.
    assert max(s[4] for s in statuses) < 5, max(statuses, key=lambda s: s[4])
    # While the cluster is down, the answer is the 503 page, never a 500 or a traceback...
    during = [s for s in statuses if down_at < s[0] - s[4] and s[0] < restarting_at]
    assert len(during) >= 4 and all(s[2] == 503 for s in during), during[:5]
    assert all("Traceback" not in s[3] for s in statuses)
    # (the JSON API with its promised JSON error)
    api = [s for s in during if s[1].startswith("/api/")]
    assert api and all(s[3].startswith('{"errors": {"server"') for s in api), api[:3]
    # ...and once it is back, pages work again without gunicorn being restarted.
    after = [s for s in statuses if s[0] - s[4] > up_at + 2]
    assert after and all(s[2] == 200 for s in after), (after[:5], errors[-3000:])


def _up(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
            return True
    except OSError:
        return False
