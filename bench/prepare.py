"""Run inside the benchmark's environment (DATABASE_URL set): make a session and an API token for one demo
learner, count each page's SQL queries, and print it all as JSON for bench/run.py."""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_bench")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from apps.progress.learner import Learner  # noqa: E402
from apps.progress.services import issue_token  # noqa: E402

PAGES = {"today": "/", "dashboard": "/dashboard/", "api_progress": "/api/v1/progress", "api_burndown": "/api/v1/burndown"}


def main(username):
    user = get_user_model().objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    _, token = issue_token(user=user, name="bench")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")  # as wrk asks the API: no session
    queries, uncached = {}, {}
    for name, url in PAGES.items():
        asking = api if url.startswith("/api/") else client
        asking.get(url)  # warm: first visits make the learner's lazy rows
        with CaptureQueriesContext(connection) as ctx:
            assert asking.get(url).status_code == 200, url
        queries[name] = len(ctx.captured_queries)  # from the learner page cache, as wrk will see it
        caches["pages"].clear()
        with CaptureQueriesContext(connection) as ctx:
            assert asking.get(url).status_code == 200, url
        uncached[name] = len(ctx.captured_queries)  # rendered afresh: after a write, or on a new day
    today = Learner.load(user).today.isoformat()
    body = json.dumps({"date": today, "slot": 1, "status": "done", "minutes": 55})
    api.post("/api/v1/checkins", body, content_type="application/json")
    with CaptureQueriesContext(connection) as ctx:
        assert api.post("/api/v1/checkins", body, content_type="application/json").status_code == 200, "check-in POST"
    queries["checkin_post"] = len(ctx.captured_queries)
    learners = get_user_model().objects.filter(enrollment__isnull=False).count()
    print(
        json.dumps(
            {
                "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
                "token": token,
                "queries": queries,
                "queries_uncached": uncached,
                "learners": learners,
                "user": username,
                "today": today,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
