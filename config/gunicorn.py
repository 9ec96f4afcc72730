"""gunicorn settings for Cadence (`gunicorn -c config/gunicorn.py config.wsgi`).

Sync workers with a few threads each: pages are short database-bound requests, and threads let a
worker overlap them without an async stack. WEB_CONCURRENCY and WEB_THREADS override the defaults.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
threads = int(os.environ.get("WEB_THREADS", 4))
timeout = 30
graceful_timeout = 20
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
# The control socket under ~/.gunicorn is for interactive administration; Cadence does not use it.
control_socket_disable = True
