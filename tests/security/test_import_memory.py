"""Item 6's last part: 200k check-ins once took 686 MB to import. A learner document is now bounded
(50 MB, 50,000 check-ins) and the memory an import takes at those bounds is measured here, in a child
process of its own (not a time), against generous ceilings: how far the import raises the process's
peak resident size above what it was once Django was set up. (The absolute peak is no measure: after
the rest of the suite, django.setup() alone reached 350 MB in CI against 130 MB in a fresh process.)"""

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings

from apps.accounts.portability import MAX_CHECKINS
from tests.faults.conftest import database_url

pytestmark = pytest.mark.django_db(transaction=True)
BASE = Path(settings.BASE_DIR)
MEASURE = """
import os, resource, sys, django
django.setup()
from django.core.management import call_command, CommandError
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
try:
    call_command("import_user", sys.argv[1], verbosity=0)
    outcome = "imported"
except CommandError:
    outcome = "refused"
print(outcome, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024 - baseline)
"""


def document(path: Path, username: str, count: int) -> None:
    day, checkins = date(1990, 1, 1), []
    while len(checkins) < count:
        checkins += [{"date": day.isoformat(), "slot": slot, "status": "done", "minutes": 60, "note": "read the paper again",
                      "topics": ["1.1"]} for slot in (1, 2, 3)][: count - len(checkins)] if day.weekday() < 5 else []
        day += timedelta(days=1)
    path.write_text(json.dumps({
        "cadence_export": 2, "plan": "llm", "user": {"username": username},
        "enrollment": {"start_date": "1990-01-01", "timezone": "UTC", "language": "en", "slots": []}, "checkins": checkins,
    }))


def peak(path: Path) -> tuple[str, int]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": database_url()}
    run = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=BASE, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    outcome, megabytes = run.stdout.split()[-2:]  # after what import_user prints
    return outcome, int(megabytes)


def test_the_most_check_ins_a_document_may_hold_import_in_bounded_memory(plan, tmp_path):
    path = tmp_path / "most.json"
    document(path, "most", MAX_CHECKINS)
    outcome, megabytes = peak(path)
    assert outcome == "imported"
    assert megabytes < 250, f"{megabytes} MB more for {MAX_CHECKINS:,} check-ins"  # measured: 35-55 MB


def test_a_document_past_the_limit_is_refused_before_it_costs_much(plan, tmp_path):
    path = tmp_path / "too-many.json"
    document(path, "too-many", 200_000)
    outcome, megabytes = peak(path)
    assert outcome == "refused"
    assert megabytes < 300, f"{megabytes} MB more to refuse 200,000 check-ins"
