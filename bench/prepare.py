"""Run inside the benchmark's environment (DATABASE_URL set): make sessions and API tokens for many
demo learners, so every benchmark request comes from a different learner, and count each page's SQL
queries for one of them. Writes one line per learner to FILE (for bench/rotate.lua and bench/rush.py)
and prints the query counts as JSON for bench/run.py.

    bench/prepare.py FILE COUNT [--zone Asia/Shanghai]

A line: session cookie value, CSRF secret, API token, the learner's local date, a block number, the plan slug.
"""

import argparse
import json
import os
import random
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_bench")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.middleware.csrf import _get_new_csrf_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from apps.groups.models import Group  # noqa: E402
from apps.progress.learner import Learner  # noqa: E402
from apps.progress.services import issue_token  # noqa: E402

PAGES = {
    "today": "/", "dashboard": "/dashboard/", "history": "/history/", "block": "/plan/{plan}/blocks/9/",
    "api_progress": "/api/v1/progress", "api_burndown": "/api/v1/burndown",
    "group_roster": "/groups/bench/?sort=-buffer", "api_group": "/api/v1/groups/bench/members?sort=-buffer",
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("count", type=int)
    parser.add_argument("--zone", help="only learners in this timezone (the 20:00 rush)")
    args = parser.parse_args()
    users = get_user_model().objects.filter(enrollment__isnull=False).select_related("enrollment__plan")
    if args.zone:
        users = users.filter(enrollment__timezone=args.zone)
    ids = list(users.values_list("pk", flat=True))
    chosen = random.Random(7).sample(ids, min(args.count, len(ids)))
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")
    lines = []
    for user in users.filter(pk__in=chosen):
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        _, token = issue_token(user=user, name="bench")
        learner = Learner.load(user)
        block = learner.day.block.number if learner.day.block else 1
        lines.append(f"{session.session_key} {_get_new_csrf_string()} {token} {learner.today.isoformat()} {block} {learner.plan.slug}")
    group = Group.objects.filter(slug="bench").first()
    if group is not None:  # every learner the requests rotate over leads the 10,000-member group
        group.leads.add(*chosen)
    with open(args.file, "w") as out:
        out.write("\n".join(lines) + "\n")

    # The query count of each page for one of them, rendered afresh as every page is.
    user = get_user_model().objects.get(pk=chosen[0])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    _, token = issue_token(user=user, name="bench-count")
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")  # as wrk asks the API: no session
    queries = {}
    for name, url in PAGES.items():
        if "/groups/bench/" in url and group is None:
            continue  # a database without the benchmark's study group (the fault tests')
        url = url.format(plan=user.enrollment.plan.slug)
        asking = api if url.startswith("/api/") else client
        asking.get(url)  # warm: first visits make the learner's lazy rows, and token use is noted
        with CaptureQueriesContext(connection) as ctx:
            assert asking.get(url).status_code == 200, url
        queries[name] = len(ctx.captured_queries)
    body = json.dumps({"date": Learner.load(user).today.isoformat(), "slot": 1, "status": "done", "minutes": 55})
    api.post("/api/v1/checkins", body, content_type="application/json")
    with CaptureQueriesContext(connection) as ctx:
        assert api.post("/api/v1/checkins", body, content_type="application/json").status_code == 200, "check-in POST"
    queries["checkin_post"] = len(ctx.captured_queries)
    print(json.dumps({"learners": len(lines), "queries": queries}))


if __name__ == "__main__":
    main()
