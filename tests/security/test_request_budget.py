"""Item 10's general defence: a request that runs away is stopped. gunicorn's sync workers give each
request a real time budget (WEB_TIMEOUT): a worker stuck in a loop is killed and replaced, and the site
keeps answering. Checked with a real gunicorn and a route that never ends (tests/security/runaway_urls.py);
nothing here is timed but a generous watchdog."""

import http.client
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.faults.conftest import database_url, wait_until
from tests.smtp import free_port

pytestmark = pytest.mark.django_db(transaction=True)
BASE = Path(settings.BASE_DIR)


def _get(port, path, timeout):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
        return response.status


def _up(port):
    try:
        return _get(port, "/healthz", 2) == 200
    except (OSError, http.client.HTTPException):
        return False


def test_a_runaway_request_is_killed_and_the_site_keeps_answering(tmp_path):
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "tests.security.runaway_settings", "DATABASE_URL": database_url(),
        "CADENCE_VAR_DIR": str(tmp_path), "PORT": str(port), "WEB_CONCURRENCY": "1", "WEB_TIMEOUT": "2",
    }
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "--no-control-socket", "config.wsgi"],
            cwd=BASE, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )
    try:
        assert wait_until(lambda: _up(port), 60), log_path.read_text()[-2000:]
        # The loop never ends on its own: if this returns at all, gunicorn stopped it. The client's own
        # timeout is the watchdog (far past WEB_TIMEOUT) and would be a socket timeout, failing the test.
        with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError, urllib.error.HTTPError)) as ended:
            _get(port, "/runaway/", 120)
        assert not isinstance(ended.value, TimeoutError)
        assert wait_until(lambda: "WORKER TIMEOUT" in log_path.read_text(), 30), log_path.read_text()[-2000:]
        # The one worker was replaced: the site answers again.
        assert wait_until(lambda: _up(port), 60), log_path.read_text()[-2000:]
    finally:
        server.terminate()
        server.wait(timeout=30)
