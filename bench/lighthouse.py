#!/usr/bin/env python3
"""Front-end budgets with Lighthouse 12.2.3 (npm, installed here under bench/.lighthouse) and Debian's
Chromium, logged in as one demo learner (a session cookie sent with --extra-headers), against a
gunicorn serving the benchmark's database with hashed, compressed static files.

    bench/lighthouse.py DATABASE        # run by bench/run.py; alone, it updates latest.json's "lighthouse"

Lighthouse is timing-based, so its scores are targets here, never assertions in the test suite (the
byte budgets are: tests/dashboard/test_frontend_budget.py). Each page is audited RUNS times and the
median kept.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE / "bench"))

from run import PY, RESULTS, env_for, log, prepare_database, run, start_gunicorn  # noqa: E402

VERSION = "12.2.3"
TOOL = BASE / "bench" / ".lighthouse"
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", 3))
# (name, path, preset): the dashboard on both, every other page on mobile (simulated 4G).
PAGES = [
    ("dashboard-desktop", "/dashboard/", "desktop"), ("dashboard-mobile", "/dashboard/", "mobile"),
    ("today", "/", "mobile"), ("history", "/history/", "mobile"), ("plan", "/plan/llm-engineer-180-days/", "mobile"),
    ("block", "/plan/llm-engineer-180-days/blocks/9/", "mobile"), ("resources", "/resources/", "mobile"),
    ("milestones", "/milestones/", "mobile"), ("settings", "/settings/", "mobile"), ("notes", "/notes/", "mobile"),
]
TARGETS = {
    "dashboard-desktop": {"performance": 95, "tbt_ms": 150},
    "dashboard-mobile": {"performance": 85, "lcp_ms": 2500},
}
OTHER_TARGET = {"performance": 95}
ACCESSIBILITY = 100


def install() -> Path:
    binary = TOOL / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        log(f"installing lighthouse@{VERSION}")
        TOOL.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "i", "-E", f"lighthouse@{VERSION}", "--prefix", str(TOOL), "--no-audit", "--no-fund", "--silent"],
                       check=True)
    return binary


def audit(binary: Path, url: str, preset: str, cookie: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "report.json"
        flags = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update " \
                "--disable-sync --no-first-run"
        args = [str(binary), url, "--quiet", "--output=json", f"--output-path={out}", f"--chrome-flags={flags}",
                "--only-categories=performance,accessibility", f"--extra-headers={json.dumps({'Cookie': cookie})}"]
        if preset == "desktop":
            args.append("--preset=desktop")
        subprocess.run(args, check=True, env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        report = json.loads(out.read_text())
    audits = report["audits"]
    return {
        "performance": round(100 * report["categories"]["performance"]["score"]),
        "accessibility": round(100 * report["categories"]["accessibility"]["score"]),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "bytes": round(audits["total-byte-weight"]["numericValue"]),
        "failed_accessibility": sorted(k for k, a in audits.items() if a.get("score") == 0 and k in _accessibility_ids(report)),
    }


def attempt(binary: Path, url: str, preset: str, cookie: str) -> dict | None:
    """An audit, tried twice: Chromium now and then fails to start on a busy machine."""
    for _ in range(2):
        try:
            return audit(binary, url, preset, cookie)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, KeyError, ValueError):
            continue
    return None


def _accessibility_ids(report) -> set[str]:
    return {ref["id"] for ref in report["categories"]["accessibility"]["auditRefs"]}


def measure(database: str) -> dict:
    binary = install()
    learners = RESULTS / "var" / f"lighthouse-{database}.txt"
    learners.parent.mkdir(parents=True, exist_ok=True)
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env_for(database))  # hashed names, as in production
    run([PY, "bench/prepare.py", str(learners), "1"], env_for(database))
    cookie = "sessionid=" + learners.read_text().split()[0]
    server, port = start_gunicorn(database)
    results = {}
    try:
        for name, path, preset in PAGES:
            runs = [r for r in (attempt(binary, f"http://127.0.0.1:{port}{path}", preset, cookie) for _ in range(RUNS)) if r]
            if not runs:
                results[name] = {"path": path, "preset": preset, "error": "lighthouse failed on every run"}
                continue
            row = {"path": path, "preset": preset, **{k: statistics.median(r[k] for r in runs)
                                                     for k in ("performance", "accessibility", "lcp_ms", "tbt_ms", "bytes")}}
            row["failed_accessibility"] = sorted({a for r in runs for a in r["failed_accessibility"]})
            targets = {**TARGETS.get(name, OTHER_TARGET), "accessibility": ACCESSIBILITY}
            row["targets"] = targets
            row["met"] = all(
                row[k] >= v if k in ("performance", "accessibility") else row[k] <= v for k, v in targets.items()
            )
            results[name] = row
            log(f"lighthouse {name}: performance {row['performance']}, accessibility {row['accessibility']}, "
                f"LCP {row['lcp_ms']} ms, TBT {row['tbt_ms']} ms, {row['bytes'] / 1024:.0f} KiB{'' if row['met'] else '  (target missed)'}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def main():
    database = sys.argv[1] if len(sys.argv) > 1 else "cadence_bench_lighthouse"
    if len(sys.argv) <= 1 and not os.environ.get("LIGHTHOUSE_KEEP_DATABASE"):
        subprocess.run([str(BASE / "bin/services")], check=True)
        prepare_database(database, 10)
    results = measure(database)
    latest = RESULTS / "latest.json"
    data = json.loads(latest.read_text()) if latest.exists() else {}
    data["lighthouse"] = results
    data["lighthouse_run"] = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "database": database, "runs_per_page": RUNS,
                              "note": "bench/lighthouse.py alone; the other figures are from the last full make bench"}
    latest.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
