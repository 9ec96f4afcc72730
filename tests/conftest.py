"""Shared fixtures: the shipped plan, and alice (the learner), bob (another learner), charlie (no enrollment)."""

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from apps.curriculum.services import save_plan
from apps.curriculum.validation import load_plan_file
from apps.progress.services import enroll

SEED = Path(settings.BASE_DIR) / "fixtures" / "llm-engineer-180-days.md"
# alice starts 2026-11-01 in Asia/Shanghai; this is Tuesday 2026-11-10 at noon there: day 10.
NOW = datetime(2026, 11, 10, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
PLANS = Path(__file__).parent / "curriculum" / "plans"


@pytest.fixture
def seed_data():
    return load_plan_file(SEED)


@pytest.fixture
def plan(db, seed_data):
    return save_plan(seed_data, slug="llm")


def make_user(django_user_model, username, **extra):
    return django_user_model.objects.create_user(username, email=f"{username}@example.com", password="pw-" + username, **extra)


@pytest.fixture
def alice(django_user_model, plan):
    user = make_user(django_user_model, "alice")
    enroll(user=user, plan=plan, start_date=date(2026, 11, 1), timezone="Asia/Shanghai", language="en")
    return user


@pytest.fixture
def bob(django_user_model, plan):
    user = make_user(django_user_model, "bob")
    enroll(user=user, plan=plan, start_date=date(2026, 10, 1), timezone="America/New_York", language="zh-hans")
    return user


@pytest.fixture
def charlie(django_user_model, db):
    return make_user(django_user_model, "charlie")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (a downloaded browser is neither needed nor possible here)."""
    import os

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Each test starts with no learner's page cached (apps.progress.pagecache)."""
    from django.core.cache import caches

    caches["pages"].clear()
    yield
