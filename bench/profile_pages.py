"""Time Cadence's pages in one process, without the network, to find where a page's time goes.

    DATABASE_URL=postgres://…/cadence_bench .venv/bin/python bench/profile_pages.py demo00500 [--profile dashboard]

Prints the median and p90 of each page over --runs requests (after a warm-up), beside the floor view,
and the SQL queries each page ran. With --profile NAME, pyinstrument's tree for that page (if installed).
This is a developer's tool for the profiles in bench/README.md; `make bench` is the measurement.
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_bench")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from apps.progress.services import issue_token  # noqa: E402

PAGES = {
    "floor": ("get", "/bench/floor", None),
    "today": ("get", "/", None),
    "dashboard": ("get", "/dashboard/", None),
    "api_progress": ("get", "/api/v1/progress", None),
    "api_burndown": ("get", "/api/v1/burndown", None),
    "checkin_post": ("post", "/api/v1/checkins", "checkin"),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("username")
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--profile", choices=list(PAGES))
    parser.add_argument("--only", nargs="*", choices=list(PAGES))
    parser.add_argument("--sql", action="store_true", help="print each page's SQL")
    args = parser.parse_args()

    user = get_user_model().objects.get(username=args.username)
    _, token = issue_token(user=user, name="profile")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    api = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    from apps.progress.learner import Learner

    today = Learner.load(user).today.isoformat()
    body = f'{{"date": "{today}", "slot": 1, "status": "done", "minutes": 55}}'

    def hit(name):
        method, url, kind = PAGES[name]
        if kind == "checkin":
            return client.post(url, body, content_type="application/json", **api)
        return client.get(url, **(api if url.startswith("/api/") else {}))

    for name in args.only or PAGES:
        for _ in range(5):
            response = hit(name)
        assert response.status_code < 300, (name, response.status_code, response.content[:300])
        queries = []

        def record(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            hit(name)
        if args.sql:
            print("\n".join(f"    {sql[:160]}" for sql in queries))
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            hit(name)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(
            f"{name:14} median {statistics.median(times):7.2f} ms   p90 {times[int(len(times) * 0.9)]:7.2f} ms"
            f"   queries {len(queries)}",
            flush=True,
        )

    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        with profiler:
            for _ in range(args.runs):
                hit(args.profile)
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
