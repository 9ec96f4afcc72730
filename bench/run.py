"""`make bench`: measure Cadence as real traffic asks for it, as ratios side by side, and write
bench/results/latest.json.

1. Two PostgreSQL databases: one with BENCH_USERS demo learners (default 10,000), one with 10.
2. Sessions and API tokens for BENCH_ROTATE learners of the big one (default 1,000; all 10 of the
   small one): every request is from a learner picked at random among them (bench/rotate.lua), so
   every page is rendered for someone else than the one before, as on a real instance. The floor (an
   authenticated "ok") rotates over the same learners.
3. For each database, gunicorn with the production settings on 127.0.0.1, and wrk in another process:
   every endpoint in interleaved rounds (the endpoints and the two databases taken in turn), once with
   one connection and once with 16; each ratio is the median of the round-by-round ratios.
4. The 20:00 rush (bench/rush.py): BENCH_RUSH learners of one timezone each open Today, tap Done and
   open Today again, as fast as the server allows.
5. The reminder fan-out to an SMTP sink in its own process, against a plain smtplib floor; then again
   with EMAIL_RATE_PER_SECOND=50 for BENCH_RATE_USERS learners.
Nothing here fails on speed; the targets are printed beside the numbers.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from procs import children, free_port, peak_rss  # bench/ is this script's directory

BASE = Path(__file__).resolve().parent.parent
PY = str(BASE / ".venv/bin/python")
RESULTS = BASE / "bench/results"
USERS = int(os.environ.get("BENCH_USERS", "10000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
# Each endpoint's seconds are split into rounds taken in turn (floor, today, ..., floor, today, ...),
# and each figure is the median over the rounds: a shared machine's slow minute then weighs on every
# endpoint alike instead of on whichever was being measured (ratios moved ±30% between whole runs).
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "6"))
SINGLE_SECONDS = int(os.environ.get("BENCH_SINGLE_SECONDS", "2"))  # per endpoint, database and round, one connection
ROTATE = int(os.environ.get("BENCH_ROTATE", "1000"))  # learners the requests rotate over
RUSH = int(os.environ.get("BENCH_RUSH", "1000"))  # learners in the 20:00 rush
RUSH_ZONE = "Asia/Shanghai"
RATE = 50
RATE_USERS = int(os.environ.get("BENCH_RATE_USERS", "1500"))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")
# p50 against the floor's, one connection, every request from another learner.
TARGETS = {
    "group_roster": 4.0, "api_group": 4.0,
    "today": 3.0, "dashboard": 3.0, "history": 3.0, "block": 3.0, "api_progress": 2.0, "api_burndown": 2.0, "checkin_post": 2.5,
}


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def env_for(database: str, **extra) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/{database}",
        "REDIS_URL": REDIS,
        "DJANGO_SETTINGS_MODULE": "config.settings_bench",
        "CADENCE_VAR_DIR": str(RESULTS / "var"),
        "EMAIL_URL": "console://",
        **extra,
    }


def run(args, env, **kwargs):
    return subprocess.run(args, cwd=BASE, env=env, check=True, text=True, capture_output=True, **kwargs)


def psql(sql):
    subprocess.run(["psql", f"{PG}/postgres", "-qc", sql], check=True, capture_output=True)


def prepare_database(name: str, users: int) -> dict:
    env = env_for(name)
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{name}"')
    run([PY, "manage.py", "migrate", "-v0"], env)
    started = time.perf_counter()
    run([PY, "manage.py", "import_plan", "fixtures/llm-engineer-180-days.md"], env)
    import_seconds = time.perf_counter() - started
    log(f"{name}: seeding {users:,} learners")
    started = time.perf_counter()
    seeded = run([PY, "manage.py", "seed_demo", "--users", str(users), "--days", "180"], env).stdout
    seed_seconds = time.perf_counter() - started
    rows = int(seeded.strip().splitlines()[-1].split(" rows in ")[0].split(", ")[-1].replace(",", ""))
    started = time.perf_counter()
    group_of_everyone(env)
    group_seconds = time.perf_counter() - started
    log(f"{name}: a study group of all {users:,} learners in {group_seconds:.0f} s")
    # What autovacuum does on a running server (visibility maps, so index-only scans need not visit the
    # table; dead rows of the seeding's updates gone): this machine's PostgreSQL runs with autovacuum off
    # (its conf.d/90-ci.conf), which no production server does, so the bench does it once here.
    run([PY, "manage.py", "shell", "-c", "from django.db import connection; connection.cursor().execute('VACUUM (ANALYZE)')"], env,
        timeout=1800)
    return {
        "import_plan_seconds": round(import_seconds, 3),
        "seed_rows": rows,
        "seed_seconds": round(seed_seconds, 1),
        "seed_rows_per_second": round(rows / seed_seconds),
        "group_seconds": round(group_seconds, 1),
    }


def group_of_everyone(env) -> None:
    """The study group "bench": every demo learner a member (added from a CSV, as a lead would, which
    computes each member's standing), nine in ten of them sharing their figures. bench/prepare.py makes
    the learners the requests rotate over its leads."""
    learners = RESULTS / "var" / "group-members.csv"
    learners.parent.mkdir(parents=True, exist_ok=True)
    names = run([PY, "manage.py", "shell", "--no-imports", "-c", "from django.contrib.auth import get_user_model as m; "
                 "print('\\n'.join(m().objects.filter(enrollment__isnull=False).order_by('pk').values_list('username', flat=True)))"],
                env).stdout.split()
    learners.write_text("username\n" + "\n".join(names) + "\n")
    plan = run([PY, "manage.py", "shell", "--no-imports", "-c", "from apps.curriculum.models import Plan; print(Plan.objects.get().slug)"],
               env).stdout.strip()
    run([PY, "manage.py", "group", "create", "bench", "--name", "Bench cohort", "--plan", plan, "--lead", names[0]], env)
    run([PY, "manage.py", "group", "add", "bench", "--csv", str(learners)], env, timeout=3600)
    run([PY, "manage.py", "shell", "--no-imports", "-c", "from django.db.models.functions import Mod; from django.utils import timezone; "
         "from apps.groups.models import Membership; Membership.objects.filter(group__slug='bench')"
         ".alias(r=Mod('user_id', 10)).exclude(r=0).update(shares_since=timezone.now()); "
         "from apps.groups.counts import recount; recount()"], env)  # a bulk write past the counts' doors: counted here


def start_gunicorn(database: str):
    port = free_port()
    # Its log goes to a file: a pipe read only at the end would fill up and block the workers mid-run.
    log_path = RESULTS / "var" / f"gunicorn-{database}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [PY, "-m", "gunicorn", "-c", "config/gunicorn.py", "--no-control-socket", "--access-logfile", "/dev/null", "config.wsgi"],
        cwd=BASE,
        env=env_for(database, PORT=str(port)),
        stdout=subprocess.DEVNULL,
        stderr=log_path.open("w"),
    )
    for _ in range(150):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, port
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not start: {log_path.read_text()[-3000:]}")


def wrk(url: str, seconds: int, connections: int, learners: Path, **options) -> dict:
    env = {**os.environ, "BENCH_LEARNERS": str(learners), **{f"BENCH_{k.upper()}": v for k, v in options.items()}}
    threads = min(2, connections)
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
         "-s", str(BASE / "bench/rotate.lua"), url],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data = json.loads(out.strip().splitlines()[-1])
    return {
        "rps": round(data["requests"] / (data["duration_us"] / 1e6), 1),
        "p50_ms": round(data["p50_us"] / 1000, 2),
        "p95_ms": round(data["p95_us"] / 1000, 2),
        "p99_ms": round(data["p99_us"] / 1000, 2),
        "errors": data["errors"],
        "non2xx": data["non2xx"],
    }


def combine(runs: list[dict]) -> dict:
    """One endpoint's rounds as one row: the median of each figure, errors summed."""
    return {
        "rps": round(statistics.median(r["rps"] for r in runs), 1),
        **{key: round(statistics.median(r[key] for r in runs), 2) for key in ("p50_ms", "p95_ms", "p99_ms")},
        "errors": sum(r["errors"] for r in runs),
        "non2xx": sum(r["non2xx"] for r in runs),
    }


def paired(numerators: list[float], denominators: list[float]) -> float:
    """The median of the round-by-round ratios."""
    return round(statistics.median(n / d for n, d in zip(numerators, denominators, strict=True) if d), 2)


ENDPOINTS = {
    "floor": ("/bench/floor", {"auth": "cookie"}),
    "today": ("/", {"auth": "cookie"}),
    "dashboard": ("/dashboard/", {"auth": "cookie"}),
    "history": ("/history/", {"auth": "cookie"}),
    "block": ("/plan/{plan}/blocks/{block}/", {"auth": "cookie"}),
    "api_progress": ("/api/v1/progress", {"auth": "token"}),
    "api_burndown": ("/api/v1/burndown", {"auth": "token"}),
    # A lead of the 10,000-member group: a random page of the roster, sorted by a random column.
    "group_roster": ("/groups/bench/?sort={sort}&page={page}", {"auth": "cookie"}),
    "api_group": ("/api/v1/groups/bench/members?sort={sort}&page={page}", {"auth": "token"}),
    # The learner's own date (their timezone's), or the API rightly refuses a check-in "from the future".
    "checkin_post": ("/api/v1/checkins", {
        "auth": "token", "method": "POST", "ctype": "application/json",
        "body": '{"date": "{date}", "slot": 1, "status": "done", "minutes": 55}',
    }),
}


def measure_web(databases: dict[str, int]) -> tuple[dict, dict]:
    """Every endpoint on every database (name → learners), each served by its own gunicorn, measured in
    interleaved rounds (floor on the big one, floor on the small one, Today on the big one, ...), with one
    connection and with CONNECTIONS. Returns {(database, connections): {endpoint: row}}, the query counts,
    the worker RSS, the servers' ports and the learners' files (for the rush)."""
    servers, pages = {}, {}
    try:
        for database, users in databases.items():
            learners = RESULTS / "var" / f"learners-{database}.txt"
            learners.parent.mkdir(parents=True, exist_ok=True)
            made = run([PY, "bench/prepare.py", str(learners), str(min(ROTATE, users))], env_for(database)).stdout
            prep = json.loads(made.strip().splitlines()[-1])
            log(f"{database}: requests rotate over {prep['learners']} learners")
            servers[database] = (prep, learners, *start_gunicorn(database))
            pages[database] = str(max(1, users * 9 // 10 // 50))  # the members API's pages (the roster has a few more)
        for database, (_, learners, _, port) in servers.items():
            for path, options in ENDPOINTS.values():
                wrk(f"http://127.0.0.1:{port}{path}", WARMUP, CONNECTIONS, learners, path=path, pages=pages[database], **options)

        def interleaved(seconds: int, connections: int) -> dict:
            """Each endpoint on each database, ROUNDS times, taken in turn; which database goes first
            alternates from round to round, so neither side is always first."""
            taken = {(database, name): [] for database in servers for name in ENDPOINTS}
            for number in range(ROUNDS):
                order = list(servers.items()) if number % 2 == 0 else list(reversed(servers.items()))
                for name, (path, options) in ENDPOINTS.items():
                    for database, (_, learners, _, port) in order:
                        taken[(database, name)].append(
                            wrk(f"http://127.0.0.1:{port}{path}", seconds, connections, learners, path=path, pages=pages[database],
                                **options)
                        )
            return taken

        rows = {}
        for connections, seconds in ((1, SINGLE_SECONDS), (CONNECTIONS, max(SECONDS // ROUNDS, 1))):
            for (database, name), runs in interleaved(seconds, connections).items():
                row = rows.setdefault((database, connections), {})[name] = {
                    "name": name, **combine(runs), "rounds_p50_ms": [r["p50_ms"] for r in runs],
                }
                log(f"{database} c={connections} {name}: {row['rps']} req/s, p50 {row['p50_ms']} ms (rounds: {row['rounds_p50_ms']})")
                if row["non2xx"] or row["errors"]:
                    log(f"WARNING {database} {name}: {row['non2xx']} non-2xx answers, {row['errors']} errors: not a fair measurement")
        prep, learners, proc, port = next(iter(servers.values()))  # the big database's
        rss = peak_rss(children(proc.pid))  # the workers, not the master
        rush_file = RESULTS / "var" / "rush.txt"
        run([PY, "bench/prepare.py", str(rush_file), str(RUSH), "--zone", RUSH_ZONE], env_for(next(iter(servers))))
        log(f"the 20:00 rush: {RUSH} learners in {RUSH_ZONE}, {CONNECTIONS} connections")
        rush = json.loads(subprocess.run(
            [PY, str(BASE / "bench/rush.py"), f"127.0.0.1:{port}", str(rush_file), str(CONNECTIONS)],
            capture_output=True, text=True, check=True,
        ).stdout.strip().splitlines()[-1])
        log(f"rush: {rush}")
    finally:
        for _, _, proc, _ in servers.values():
            proc.send_signal(signal.SIGTERM)
        for _, _, proc, _ in servers.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a worker stuck finishing a request: the numbers are in already
                proc.kill()
                proc.wait(timeout=30)
    return rows, {"queries": prep["queries"], "learners": prep["learners"], "gunicorn_worker_peak_rss_kb": rss, "rush": rush}


def main():
    RESULTS.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(BASE / "bin/services")], check=True)
    big, small = "cadence_bench", "cadence_bench_small"
    log(f"preparing {USERS:,} learners and 10 learners")
    seed = prepare_database(big, USERS)
    prepare_database(small, 10)

    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env_for(big))  # hashed names, as in production
    rows, extra = measure_web({big: USERS, small: 10})
    web, web16 = rows[(big, 1)], rows[(big, CONNECTIONS)]
    small_rows = rows[(small, 1)]
    # Ratios are paired: each round's figure against the one taken beside it (the floor of the same
    # round; the same endpoint on the other database, measured just before or after), and the median of
    # those. The machine's drift from one minute to the next then cancels out of each pair.
    for row in web.values():
        row["ratio_to_floor"] = paired(row["rounds_p50_ms"], web["floor"]["rounds_p50_ms"])
        loaded = web16[row["name"]]
        row["ratio_to_floor_16"] = paired(loaded["rounds_p50_ms"], web16["floor"]["rounds_p50_ms"])
        row["loaded"] = {k: loaded[k] for k in ("rps", "p50_ms", "p95_ms", "p99_ms", "errors", "non2xx")}
    # Scale: a learner's request on the 10,000-learner database against the same on the 10-learner one,
    # one request at a time (what indexes and full scans would change), paired round by round.
    scale = {name: paired(web[name]["rounds_p50_ms"], small_rows[name]["rounds_p50_ms"]) for name in small_rows if name != "floor"}

    log("reminder fan-out")
    fanout = json.loads(run([PY, "bench/fanout.py", str(RESULTS)], env_for(big), timeout=1800).stdout.strip().splitlines()[-1])
    log(f"reminder fan-out kept to {RATE}/s, {RATE_USERS} learners")
    rated = json.loads(
        run([PY, "bench/fanout.py", str(RESULTS), str(RATE), str(RATE_USERS)], env_for(big), timeout=1800).stdout.strip().splitlines()[-1]
    )

    log("lighthouse (front-end budgets)")
    from lighthouse import measure as lighthouse

    pages = lighthouse(big)
    results = {
        "lighthouse": pages,
        "machine": {"host": platform.node(), "cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "users": USERS,
        "rotating_learners": extra["learners"],
        "seconds_per_endpoint": SECONDS,
        "connections": CONNECTIONS,
        "rounds": ROUNDS,
        "web": list(web.values()),
        "scale_ratio": round(max(scale.values()), 2),
        "scale_ratios": scale,
        "rush": {"zone": RUSH_ZONE, "connections": CONNECTIONS, **extra["rush"]},
        "fanout": {k: fanout[k] for k in ("users", "seconds", "floor_seconds", "ratio", "duplicates", "missing", "messages_per_second")},
        "fanout_rate_limited": rated,
        "queries_per_page": extra["queries"],
        "peak_rss_kb": {"gunicorn_worker": extra["gunicorn_worker_peak_rss_kb"], **fanout["peak_rss_kb"]},
        "import_plan_seconds": seed["import_plan_seconds"],
        "seed_demo": {"rows": seed["seed_rows"], "seconds": seed["seed_seconds"], "rows_per_second": seed["seed_rows_per_second"]},
    }
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print_table(results)


def print_table(r):
    print()
    print(f"Cadence benchmark · {r['date']} · {r['users']:,} learners, requests rotating over {r['rotating_learners']:,}"
          f" · {r['machine']['cpus']} CPUs")
    print(f"{'endpoint':<14}{'p50 ms':>9}{'×floor':>8}{'target':>11}{'16 conn: req/s':>16}{'p95 ms':>9}{'×floor':>8}{'queries':>9}")
    for row in r["web"]:
        target = TARGETS.get(row["name"])
        verdict = "" if target is None else ("ok" if row["ratio_to_floor"] <= target else "MISSED")
        print(
            f"{row['name']:<14}{row['p50_ms']:>9}{row['ratio_to_floor']:>8}{(f'≤{target} {verdict}' if target else ''):>11}"
            f"{row['loaded']['rps']:>16}{row['loaded']['p95_ms']:>9}{row['ratio_to_floor_16']:>8}"
            f"{r['queries_per_page'].get(row['name'], ''):>9}"
        )
    print(f"scale 10,000 vs 10 learners, one connection: ×{r['scale_ratio']} (target ≤1.2 each) {r['scale_ratios']}")
    rush = r["rush"]
    print(f"20:00 rush: {rush['learners']} learners in {rush['seconds']} s, {rush['learners_per_second']} learners/s,"
          f" p95 {rush['p95_ms']} ms for Today + Done + Today; errors {rush['errors']}")
    f = r["fanout"]
    print(
        f"fan-out {f['users']:,} reminders: {f['seconds']} s, {f['messages_per_second']} msg/s (target ≥100); smtplib floor"
        f" {f['floor_seconds']} s (×{f['ratio']}); duplicates {f['duplicates']}, missing {f['missing']}"
    )
    q = r["fanout_rate_limited"]
    print(f"fan-out at EMAIL_RATE_PER_SECOND={q['rate_limit']}: {q['users']:,} reminders at {q['messages_per_second']} msg/s"
          f" (target within 5%); duplicates {q['duplicates']}, missing {q['missing']}")
    print(
        f"peak RSS kB: {r['peak_rss_kb']}; import_plan {r['import_plan_seconds']} s; seed_demo {r['seed_demo']['rows_per_second']:,} rows/s"
    )


if __name__ == "__main__":
    sys.exit(main())
