"""`make bench`: measure Cadence side by side, as ratios, and write bench/results/latest.json.

1. Two PostgreSQL databases: one with BENCH_USERS demo learners (default 10,000), one with 10.
2. For each: gunicorn with the production settings (plus a bench-only floor view) on 127.0.0.1, and wrk
   in another process at a fixed concurrency: a warm-up, then BENCH_SECONDS (default 20) per endpoint,
   in rounds that interleave the endpoints and the two databases.
3. The reminder fan-out to an SMTP sink in its own process, against a plain smtplib floor.
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
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")
TARGETS = {"today": 2.5, "api_progress": 2.5, "api_burndown": 2.5, "checkin_post": 2.5, "dashboard": 4.0}


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
    run([PY, "manage.py", "shell", "-c", "from django.db import connection; connection.cursor().execute('ANALYZE')"], env)
    return {
        "import_plan_seconds": round(import_seconds, 3),
        "seed_rows": rows,
        "seed_seconds": round(seed_seconds, 1),
        "seed_rows_per_second": round(rows / seed_seconds),
    }


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


def wrk(url: str, seconds: int, connections: int = CONNECTIONS, **headers) -> dict:
    env = {**os.environ, **{f"BENCH_{k.upper()}": v for k, v in headers.items()}}
    threads = min(2, connections)
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
         "-s", str(BASE / "bench/wrk_report.lua"), url],
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


def endpoints(prep: dict) -> dict:
    cookie = {"cookie": prep["cookie"]}
    token = {"auth": f"Bearer {prep['token']}"}
    # The learner's own date (their timezone's), or the API rightly refuses a check-in "from the future".
    body = json.dumps({"date": prep["today"], "slot": 1, "status": "done", "minutes": 55})
    return {
        "floor": ("/bench/floor", cookie),
        "today": ("/", cookie),
        "dashboard": ("/dashboard/", cookie),
        "api_progress": ("/api/v1/progress", token),
        "api_burndown": ("/api/v1/burndown", token),
        "checkin_post": ("/api/v1/checkins", {**token, "method": "POST", "body": body, "ctype": "application/json"}),
    }


def measure_web(databases: dict[str, int]) -> tuple[dict, dict]:
    """Every endpoint on every database (name → learners), each served by its own gunicorn, measured in
    interleaved rounds (floor on the big one, floor on the small one, Today on the big one, ...), so the
    two databases' figures are taken side by side, not minutes apart. Returns {database: {endpoint: row}}
    and the first database's query counts and worker RSS."""
    servers = {}
    try:
        for database, users in databases.items():
            made = run([PY, "bench/prepare.py", f"demo{max(users // 2, 1):05d}"], env_for(database)).stdout
            prep = json.loads(made.strip().splitlines()[-1])
            servers[database] = (prep, *start_gunicorn(database))
        chosen = {database: endpoints(prep) for database, (prep, _, _) in servers.items()}
        names = list(next(iter(chosen.values())))
        for database, (_, _, port) in servers.items():
            for path, headers in chosen[database].values():
                wrk(f"http://127.0.0.1:{port}{path}", WARMUP, **headers)

        def interleaved(seconds: int, connections: int) -> dict:
            """Each endpoint on each database, ROUNDS times, taken in turn; which database goes first
            alternates from round to round, so neither side is always first."""
            taken = {(database, name): [] for database in servers for name in names}
            for number in range(ROUNDS):
                order = list(servers.items()) if number % 2 == 0 else list(reversed(servers.items()))
                for name in names:
                    for database, (_, _, port) in order:
                        path, headers = chosen[database][name]
                        taken[(database, name)].append(wrk(f"http://127.0.0.1:{port}{path}", seconds, connections, **headers))
            return taken

        rounds = interleaved(max(SECONDS // ROUNDS, 1), CONNECTIONS)
        rows = {database: {} for database in servers}
        for (database, name), runs in rounds.items():
            row = rows[database][name] = {"name": name, **combine(runs), "rounds_p50_ms": [r["p50_ms"] for r in runs]}
            log(f"{database} {name}: {row['rps']} req/s, p50 {row['p50_ms']} ms (rounds: {[r['p50_ms'] for r in runs]})")
            if row["non2xx"] or row["errors"]:
                log(f"WARNING {database} {name}: {row['non2xx']} non-2xx answers, {row['errors']} errors: not a fair measurement")
        # One request at a time, the databases alternating: the time a request takes, without the
        # queueing that 16 connections on two CPUs add (and with it most of the machine's noise).
        single = {key: [r["p50_ms"] for r in runs] for key, runs in interleaved(SINGLE_SECONDS, 1).items()}
        for (database, name), p50s in single.items():
            rows[database][name]["single_p50_ms"] = p50s
            log(f"{database} {name} one at a time: p50 by round {p50s}")
        prep, proc, _ = next(iter(servers.values()))  # the big database's
        rss = peak_rss(children(proc.pid))  # the workers, not the master
    finally:
        for _, proc, _ in servers.values():
            proc.send_signal(signal.SIGTERM)
        for _, proc, _ in servers.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a worker stuck finishing a request: the numbers are in already
                proc.kill()
                proc.wait(timeout=30)
    return rows, {"queries": prep["queries"], "queries_uncached": prep["queries_uncached"], "gunicorn_worker_peak_rss_kb": rss}


def main():
    RESULTS.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(BASE / "bin/services")], check=True)
    big, small = "cadence_bench", "cadence_bench_small"
    log(f"preparing {USERS:,} learners and 10 learners")
    seed = prepare_database(big, USERS)
    prepare_database(small, 10)

    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env_for(big))  # hashed names, as in production
    both, extra = measure_web({big: USERS, small: 10})
    web, small_rows = both[big], both[small]
    # Ratios are paired: each round's figure against the one taken beside it (the floor of the same
    # round; the same endpoint on the other database, measured just before or after), and the median of
    # those. The machine's drift from one minute to the next then cancels out of each pair.
    for row in web.values():
        row["ratio_to_floor"] = paired(row["rounds_p50_ms"], web["floor"]["rounds_p50_ms"])
    # Scale: a learner's request on the 10,000-learner database against the same on the 10-learner one,
    # one request at a time (what indexes and full scans would change), paired round by round. The same
    # ratio under load (16 connections) is reported beside it; there queueing on the two CPUs dominates.
    scale = {name: paired(web[name]["single_p50_ms"], small_rows[name]["single_p50_ms"]) for name in small_rows if name != "floor"}
    scale_loaded = {name: paired(web[name]["rounds_p50_ms"], small_rows[name]["rounds_p50_ms"]) for name in small_rows if name != "floor"}

    log("reminder fan-out")
    fanout = json.loads(run([PY, "bench/fanout.py", str(RESULTS)], env_for(big), timeout=1800).stdout.strip().splitlines()[-1])

    results = {
        "machine": {"host": platform.node(), "cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "users": USERS,
        "seconds_per_endpoint": SECONDS,
        "connections": CONNECTIONS,
        "rounds": ROUNDS,
        "web": list(web.values()),
        "scale_ratio": round(max(scale.values()), 2),
        "scale_ratios": scale,
        "scale_ratios_under_load": scale_loaded,
        "single_request_p50_ms": {
            name: {str(USERS): statistics.median(web[name]["single_p50_ms"]), "10": statistics.median(small_rows[name]["single_p50_ms"])}
            for name in small_rows
        },
        "fanout": {k: fanout[k] for k in ("users", "seconds", "floor_seconds", "ratio", "duplicates", "missing", "messages_per_second")},
        "queries_per_page": extra["queries"],
        "queries_per_page_uncached": extra["queries_uncached"],
        "peak_rss_kb": {"gunicorn_worker": extra["gunicorn_worker_peak_rss_kb"], **fanout["peak_rss_kb"]},
        "import_plan_seconds": seed["import_plan_seconds"],
        "seed_demo": {"rows": seed["seed_rows"], "seconds": seed["seed_seconds"], "rows_per_second": seed["seed_rows_per_second"]},
    }
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print_table(results)


def print_table(r):
    print()
    print(f"Cadence benchmark · {r['date']} · {r['users']:,} learners · {r['machine']['cpus']} CPUs")
    print(f"{'endpoint':<14}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'×floor':>8}{'target':>8}{'queries (uncached)':>20}")
    for row in r["web"]:
        target = TARGETS.get(row["name"])
        verdict = "" if target is None else ("ok" if row["ratio_to_floor"] <= target else "MISSED")
        queries = r["queries_per_page"].get(row["name"], "")
        if row["name"] in r["queries_per_page_uncached"]:
            queries = f"{queries} ({r['queries_per_page_uncached'][row['name']]})"
        print(
            f"{row['name']:<14}{row['rps']:>9}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}{row['ratio_to_floor']:>8}"
            f"{(f'≤{target} {verdict}' if target else ''):>8}{queries:>20}"
        )
    print(f"scale 10,000 vs 10 learners, one request at a time: ×{r['scale_ratio']} (target ≤1.2) {r['scale_ratios']}")
    print(f"  the same under load (16 connections): {r['scale_ratios_under_load']}")
    f = r["fanout"]
    print(
        f"fan-out {f['users']:,} reminders: {f['seconds']} s, {f['messages_per_second']} msg/s; smtplib floor {f['floor_seconds']} s;"
        f" ×{f['ratio']} (target ≤2); duplicates {f['duplicates']}, missing {f['missing']}"
    )
    print(
        f"peak RSS kB: {r['peak_rss_kb']}; import_plan {r['import_plan_seconds']} s; seed_demo {r['seed_demo']['rows_per_second']:,} rows/s"
    )


if __name__ == "__main__":
    sys.exit(main())
