"""Item 10 (part): /healthz answers promptly when Redis accepts connections and never answers."""

import socket
import threading

import pytest
from django.core.cache import caches
from django.test import Client, override_settings


@pytest.mark.django_db
def test_healthz_reports_a_silent_redis_unreachable(settings):
    if not settings.REDIS_URL:
        pytest.skip("needs the Redis setting make test provides")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # accepts (the kernel does), never reads or answers
    port = listener.getsockname()[1]
    silent = {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{port}/0"}
    outcome = []
    try:
        with override_settings(CACHES={**settings.CACHES, "default": silent}, REDIS_URL=silent["LOCATION"]):
            caches._settings = None  # the cache handler re-reads CACHES
            thread = threading.Thread(target=lambda: outcome.append(Client().get("/healthz")), daemon=True)
            thread.start()
            thread.join(30)  # a watchdog, not a timing: without a socket timeout it would wait forever
    finally:
        listener.close()
        caches._settings = None
    assert outcome, "healthz did not answer"
    assert outcome[0].status_code == 200 and outcome[0].json() == {"status": "ok", "database": "ok", "redis": "unreachable"}
