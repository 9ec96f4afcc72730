"""gunicorn settings for Cadence (`gunicorn -c config/gunicorn.py config.wsgi`).

Sync workers, one request each: then `timeout` is a real time budget per request (a worker whose
request runs past it is killed and replaced), which threads would not give: a stuck thread keeps its
worker's heartbeat going. Pages are short CPU-bound requests, so 2×cores+1 workers keep the cores
busy. WEB_CONCURRENCY and WEB_THREADS (more than 1: gthread workers, without that budget) override.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
threads = int(os.environ.get("WEB_THREADS", 1))
timeout = int(os.environ.get("WEB_TIMEOUT", 30))  # seconds a request may run before its worker is replaced
graceful_timeout = 20
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
# The control socket under ~/.gunicorn is for interactive administration; Cadence does not use it.
control_socket_disable = True
