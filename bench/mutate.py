#!/usr/bin/env python3
"""Mutation testing of Cadence's core with mutmut (pinned in requirements-dev.txt): `make mutate`.

Each core module is mutated on its own, in a copy of the project under var/mutate/<name>/ (the working
tree is never touched), and each mutant is run against the tests meant to guard that module, on
PostgreSQL (a database of its own per module, reused between mutants). The schedule and the learner-day
summary are measured on every mutant; the other modules on a fixed random sample (MUTATE_SAMPLE, 300).

Results go to bench/results/mutation.json: {module: {mutants, killed, survived, timeout, equivalent,
score, survivors}}, where the score is (killed + timeout) / (mutants - equivalent). EQUIVALENT below
lists the mutants that cannot change behaviour, each with the reason; bench/README.md discusses the rest.

    bench/mutate.py [NAME...]              # all modules, or only these (schedule, summary, reminders, ...)
    bench/mutate.py --survivors [NAME...]  # again, only the last run's survivors, against today's tests
    bench/mutate.py --report [NAME...]     # the results again from the mutants' recorded states (no run)

Tests are only ever added or sharpened, so a mutant killed once stays killed: --survivors re-runs the
survivors of the last full run (the same mutants, the same sample) after new tests, in a minute or two.

Not part of `make test` or CI: a full run takes about half an hour on two cores.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
PY = BASE / ".venv" / "bin" / "python"
MUTMUT = BASE / ".venv" / "bin" / "mutmut"
RESULTS = BASE / "bench" / "results" / "mutation.json"
WORK = BASE / "var" / "mutate"
SAMPLE = int(os.environ.get("MUTATE_SAMPLE", 300))
SEED = 2026
# A mutant's tests are stopped after (their usual time + 1 s) × this, and count as detected (mutmut's
# default, 15, let a mutant that makes a reminder test wait on its retry sit for minutes; 5 is still
# five times the usual run on a busy machine).
TIMEOUT_MULTIPLIER = float(os.environ.get("MUTATE_TIMEOUT_MULTIPLIER", 5))

# name: (module file, the tests that guard it, sample size or None for every mutant)
MODULES = {
    "schedule": ("apps/progress/schedule.py", [
        "tests/progress/test_schedule.py", "tests/progress/test_schedule_edges.py", "tests/progress/test_streaks.py",
        "tests/progress/test_history_and_pause.py",
    ], None),
    "summary": ("apps/progress/summary.py", [
        "tests/progress/test_one_truth.py", "tests/progress/test_today.py", "tests/progress/test_falling_behind.py",
        "tests/progress/test_streaks.py", "tests/progress/test_review.py", "tests/progress/test_schedule_edges.py",
        "tests/progress/test_suggestions.py", "tests/progress/test_summary_rows.py", "tests/reminders/test_email.py",
        "tests/reminders/test_falling_behind_mail.py",
    ], None),
    "reminders": ("apps/reminders/services.py", [
        "tests/reminders/test_exactly_once.py", "tests/reminders/test_local_times.py", "tests/reminders/test_channels.py",
        "tests/reminders/test_push.py", "tests/reminders/test_sending_rate.py", "tests/reminders/test_reminder_gaps.py",
    ], SAMPLE),
    "parsing": ("apps/curriculum/parsing.py", ["tests/curriculum"], SAMPLE),
    "validation": ("apps/curriculum/validation.py", ["tests/curriculum"], SAMPLE),
    "checkins": ("apps/progress/services.py", [
        "tests/progress/test_today.py", "tests/progress/test_api.py", "tests/progress/test_checkin_race.py",
        "tests/progress/test_falling_behind.py", "tests/progress/test_history_and_pause.py",
        "tests/progress/test_settings_tokens.py", "tests/progress/test_topics_and_projects.py",
        "tests/progress/test_notes_and_review.py", "tests/progress/test_enroll_command.py",
        "tests/progress/test_checkin_service_edges.py", "tests/security/test_requests.py",
    ], SAMPLE),
    "throttle": ("apps/core/throttle.py", [
        "tests/core/test_throttle.py", "tests/core/test_throttle_edges.py", "tests/security/test_login_lockout.py",
    ], SAMPLE),
}

# Mutants that cannot change what the code does, with the reason (bench/README.md has the list too).
EQUIVALENT: dict[str, str] = {
    "apps.progress.schedule.xǁScheduleǁ_merged__mutmut_11":
        "two touching pause spans are left unmerged: date_of and paused_days_through walk adjacent spans to the same answer",
    "apps.core.throttle.x_attempt__mutmut_15":
        "with no address, the query also reads rows without one; only the username's rows are counted for it",
    "apps.core.throttle.x_attempt__mutmut_30":
        "the query reads every recent attempt, not only this name's and address's; each is counted by its own key",
    "apps.core.throttle.x_attempt__mutmut_44": "the username is never None, so break and continue both end the loop at the address",
    "apps.core.throttle.x_client_ip__mutmut_19": "ip_address('') and ip_address(None) raise ValueError, which returns None too",
    "apps.progress.summary.x__load_checkins__mutmut_66": "no check-in's id is '' any more than None: the first row always starts one",
    **{f"apps.progress.summary.x__day__mutmut_{n}": "before the plan the day number is clamped to 1, the cutoff 'before' gives anyway"
       for n in (47, 48)},
    "apps.progress.summary.x__day__mutmut_91": "yesterday's open slots are only ever tested for truth, which None and [] both fail",
    "apps.progress.summary.x__day__mutmut_53": "after the plan no topic ends past total_days: total + 1 and total + 2 cut alike",
    **{f"apps.progress.summary.x__day__mutmut_{n}": "check-ins are only looked up for the day and the day before; keeping more changes nothing"
       for n in (64, 68)},
    "apps.progress.summary.x_slot_instants__mutmut_2":
        "astimezone(None) gives the same instant in the machine's zone; every use compares or subtracts instants",
    **{f"apps.progress.summary.xǁLearnerDayǁnext_resource__mutmut_{n}":
       "a block of another plan gets a number above any plan's last block (MAX_BLOCKS, 500): 10**6, 11**6 and 10**7 alike"
       for n in (22, 23)},
    **{f"apps.progress.services.x_record_checkin__mutmut_{n}":
       "the statement only locks the learner's enrollment row; which of its columns it reads, and in what shape, is never used"
       for n in (11, 12, 13, 17)},
    **{f"apps.progress.services.x_record_checkin__mutmut_{n}":
       "without create_defaults a new check-in's note is the model's default, which is '' too"
       for n in (58, 63)},
    "apps.progress.services.x_issue_token__mutmut_4": "secrets.token_urlsafe(None) draws its default, 32 bytes",
    **{f"apps.curriculum.validation.x_from_json__mutmut_{n}":
       "the JSON reader joins a path with `if path`: a top-level list's prefix None and '' name its items alike"
       for n in (155, 159, 555, 616)},
    **{f"apps.curriculum.validation.x_from_json__mutmut_{n}": "required=None and required=False are both false to the reader"
       for n in (613, 695)},
    **{f"apps.curriculum.validation.x_from_json__mutmut_{n}":
       "the default of a required field only stands in while the reader notes it missing; from_json then refuses the plan "
       "before the value is used" for n in (459, 579, 642, 674)},
    "apps.curriculum.validation.x__int__mutmut_6":
        "the default of a required number only stands in while the reader notes it missing; the plan is refused before it is used",
    "apps.curriculum.validation.x_check_and_layout__mutmut_27":
        "with no phase there are no blocks or topics, so no limit is passed and the message that names the days never shows",
    **{f"apps.curriculum.validation.x__check_lengths__mutmut_{n}":
       "every phase has its blocks list (from_json and the Markdown parser both make one), so the default is never read"
       for n in (72, 74)},
    "apps.curriculum.parsing.x__phase_parts__mutmut_11":
        "the text before a phase's day range was stripped already; what is left is stripped again where it is used",
    "apps.curriculum.parsing.x__heading__mutmut_116": "a week without a day range is refused before its end day is read",
    "apps.curriculum.parsing.x__heading__mutmut_119": "a week's goal is read with a default of ''",
    **{f"apps.curriculum.parsing.x__heading__mutmut_{n}":
       "after a section heading only a new phase heading starts weeks again, and it sets the phase: "
       "what the section heading leaves in st.phase is never read ('phases' is no section name)"
       for n in (165, 166, 170)},
    "apps.curriculum.parsing.x__heading__mutmut_206": "None and '' both mean 'not a weekday or weekend list'",
    "apps.curriculum.parsing.x__heading__mutmut_239": "no code asks whether the section is 'other': any name that is no known section works",
    "apps.curriculum.parsing.x_parse_markdown__mutmut_35":
        "a plan without a title is refused with its own 'line 1' message; the default line is never shown",
    "apps.curriculum.parsing.x_parse_markdown__mutmut_81":
        "a table row split with its outer pipes gives an empty first cell to the header and to every row alike",
}

STATUS = re.compile(r"^\s*(\S+__mutmut_\d+): (.+)$")


def log(message: str) -> None:
    print(f"[mutate {datetime.now():%H:%M:%S}] {message}", flush=True)


def project_copy(name: str, module: str, tests: list[str]) -> Path:
    """The project's tracked files in var/mutate/<name>/, with mutmut's settings for this module."""
    where = WORK / name
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    files = subprocess.run(["git", "ls-files", "-z"], cwd=BASE, check=True, capture_output=True).stdout.split(b"\0")
    for raw in filter(None, files):
        source = BASE / raw.decode()
        if source.is_file():
            target = where / raw.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    (where / ".venv").symlink_to(BASE / ".venv")
    write_config(where, module, tests)
    return where


def write_config(where: Path, module: str, tests: list[str]) -> None:
    """The project's pyproject.toml with mutmut's settings for this module and today's test list."""
    config = f"""

[tool.mutmut]
source_paths = ["apps/"]
only_mutate = ["{module}"]
also_copy = ["config/", "fixtures/", "templates/", "static/", "locale/", "manage.py", "bench/", "bin/"]
pytest_add_cli_args_test_selection = {json.dumps(tests)}
pytest_add_cli_args = ["-p", "no:cacheprovider", "--reuse-db", "-m", "not browser and not faults"]
timeout_multiplier = {TIMEOUT_MULTIPLIER}
"""
    (where / "pyproject.toml").write_text((BASE / "pyproject.toml").read_text(encoding="utf-8") + config, encoding="utf-8")


def refresh_tests(where: Path) -> None:
    """Today's tests into a module's copy (and into mutmut's own copy of it), and fresh test statistics."""
    for target in (where / "tests", where / "mutants" / "tests"):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(BASE / "tests", target, ignore=shutil.ignore_patterns("__pycache__"))
    (where / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)


def statuses(where: Path, env: dict) -> dict[str, str]:
    out = subprocess.run([str(MUTMUT), "results", "--all", "true"], cwd=where, env=env, capture_output=True, text=True).stdout
    return {m.group(1): m.group(2).strip() for m in map(STATUS.match, out.splitlines()) if m}


def rerun_survivors(name: str) -> dict:
    """The last run's survivors again, against today's tests, in the module's copy (made afresh on a
    machine that has none: mutmut makes the same mutants from the same source). Tests are only ever
    added, so the rest of the last run's figures stand; the survivors' new states are added to them."""
    module, tests, _ = MODULES[name]
    previous = json.loads(RESULTS.read_text())[name]
    where = WORK / name
    if (where / "mutants").exists():
        refresh_tests(where)
        write_config(where, module, tests)
    else:
        where = project_copy(name, module, tests)
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/cadence_mutate_{name}",
           "REDIS_URL": "redis://127.0.0.1:6379/14", "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}
    started = time.monotonic()
    log(f"{name}: the {len(previous['survivors'])} survivors of the last run, against today's tests")
    if previous["survivors"]:
        subprocess.run([str(MUTMUT), "run", "--max-children", "1", *previous["survivors"]], cwd=where, env=env, check=True)
    now = statuses(where, env)
    killed = [k for k in previous["survivors"] if now.get(k) == "killed"]
    timeout = [k for k in previous["survivors"] if now.get(k) == "timeout"]
    equivalent = [k for k in previous["survivors"] if k in EQUIVALENT and k not in killed and k not in timeout]
    survivors = sorted(k for k in previous["survivors"] if k not in killed and k not in timeout and k not in equivalent)
    row = {**previous, "killed": previous["killed"] + len(killed), "timeout": previous["timeout"] + len(timeout),
           "equivalent": previous["equivalent"] + len(equivalent), "survived": previous["survived"] - len(killed) - len(timeout),
           "survivors": survivors, "seconds": round(time.monotonic() - started)}
    considered = row["mutants"] - row["equivalent"]
    row["score"] = round(100 * (row["killed"] + row["timeout"]) / considered, 1) if considered else None
    log(f"{name}: {row['score']}% of {considered} non-equivalent mutants detected ({len(survivors)} survive)")
    row.pop("date", None)
    return row


def run_module(name: str, *, survivors_only: bool = False, report_only: bool = False) -> dict:
    if survivors_only:
        return rerun_survivors(name)
    module, tests, sample = MODULES[name]
    where = WORK / name if report_only else project_copy(name, module, tests)
    database = f"cadence_mutate_{name}"
    # As bin/test runs the suite: PostgreSQL, and Redis for the cache and sessions (the query budgets count on it).
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}", "REDIS_URL": "redis://127.0.0.1:6379/14",
           "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}
    started = time.monotonic()
    # One child: a test with transaction=True empties the database when it ends, which would fail another
    # child's test at the same moment and count as a kill that no test made.
    chosen_file = where / "chosen.txt"
    if not chosen_file.exists() and report_only:  # made by an older mutate.py: the same draw again
        names = sorted(statuses(where, env))
        chosen_file.write_text("\n".join(sorted(random.Random(SEED).sample(names, min(sample, len(names))) if sample else names)) + "\n")
    if report_only:
        chosen = chosen_file.read_text().split()
    elif sample is None:
        log(f"{name}: every mutant of {module}")
        subprocess.run([str(MUTMUT), "run", "--max-children", "1"], cwd=where, env=env, check=True)
    else:
        log(f"{name}: making the mutants of {module}")
        subprocess.run([str(MUTMUT), "run", "--max-children", "1", "no-such-mutant"], cwd=where, env=env, check=False,
                       stdout=subprocess.DEVNULL)
        names = sorted(statuses(where, env))
        chosen = sorted(random.Random(SEED).sample(names, min(sample, len(names))))
        log(f"{name}: {len(chosen)} sampled of {len(names)} mutants")
        subprocess.run([str(MUTMUT), "run", "--max-children", "1", *chosen], cwd=where, env=env, check=True)
    if not report_only:
        chosen = sorted(statuses(where, env)) if sample is None else chosen
        chosen_file.write_text("\n".join(chosen) + "\n")
    found = {k: v for k, v in statuses(where, env).items() if k in set(chosen)}
    counts = {"killed": 0, "survived": 0, "timeout": 0, "no tests": 0, "other": 0}
    for status in found.values():
        counts[status if status in counts else "other"] += 1
    equivalent = sorted(k for k, v in found.items() if k in EQUIVALENT and v != "killed")
    survivors = sorted(k for k, v in found.items() if v not in ("killed", "timeout") and k not in EQUIVALENT)
    considered = len(found) - len(equivalent)
    row = {
        "module": module, "mutants": len(found), "of": len(statuses(where, env)),
        "killed": counts["killed"], "survived": counts["survived"] + counts["no tests"] + counts["other"],
        "timeout": counts["timeout"], "equivalent": len(equivalent),
        "score": round(100 * (counts["killed"] + counts["timeout"]) / considered, 1) if considered else None,
        "survivors": survivors, "seconds": round(time.monotonic() - started),
    }
    log(f"{name}: {row['score']}% of {considered} non-equivalent mutants detected ({len(survivors)} survive)")
    return row


def main() -> None:
    arguments = sys.argv[1:]
    survivors_only, report_only = "--survivors" in arguments, "--report" in arguments
    names = [a for a in arguments if not a.startswith("--")] or list(MODULES)
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        sys.exit(f"unknown module(s): {', '.join(unknown)}; known: {', '.join(MODULES)}")
    if not report_only:
        subprocess.run([str(BASE / "bin" / "services")], check=True)
    for name in names:
        row = run_module(name, survivors_only=survivors_only, report_only=report_only)
        results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}  # read afresh: another run may have written
        results[name] = row | {"date": datetime.now(UTC).isoformat(timespec="seconds")}
        results["run"] = {"mutmut": "3.8.1", "sample": SAMPLE, "seed": SEED}
        RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    low = {n: r["score"] for n, r in results.items() if n in MODULES and r["score"] is not None and r["score"] < 90}
    if low:
        log(f"under 90%: {low}")


if __name__ == "__main__":
    main()
