"""Shared fixtures: the shipped plan, and alice (the learner), bob (another learner), charlie (no enrollment)."""

import copy
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from apps.curriculum.models import Plan
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


_SEED_DATA = None


@pytest.fixture
def seed_data():
    """The shipped plan, parsed (once per session; each test gets its own copy)."""
    global _SEED_DATA
    if _SEED_DATA is None:
        _SEED_DATA = load_plan_file(SEED)
    return copy.deepcopy(_SEED_DATA)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The shipped plan is imported once per test session, into the test database itself; each test
    then sees it inside its own transaction. Tests with transaction=True flush the database when they
    end, and pytest-django runs them last: the `plan` fixture imports it again for those."""
    with django_db_blocker.unblock():
        if not Plan.objects.filter(slug="llm").exists():  # a reused database (make mutate's --reuse-db) has it
            save_plan(load_plan_file(SEED), slug="llm")


@pytest.fixture
def plan(db, seed_data):
    return Plan.objects.filter(slug="llm").first() or save_plan(seed_data, slug="llm")


@pytest.fixture
def no_plan(db):
    """A database with no plan at all (a fresh instance)."""
    Plan.objects.all().delete()


@pytest.fixture(autouse=True)
def _fresh_plan_cache():
    """Each test reads the plan afresh: a test's changes are rolled back, and a revision number it
    reached could be reached again by the next test with other content."""
    from apps.curriculum import cache

    cache.clear()


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


def move_slot(user, days: str, number: int, start, end) -> None:
    """Give `user` their own times for one of the plan's slots (an override on their enrollment)."""
    from apps.progress.models import Enrollment

    enrollment = Enrollment.objects.get(user=user)
    enrollment.slot_overrides = {**enrollment.slot_overrides, f"{days}-{number}": {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}}
    enrollment.save(update_fields=["slot_overrides"])
    user.enrollment = enrollment  # the user object may hold the enrollment it was enrolled with


def form_values(html: str, form_id: str | None = None) -> dict:
    """The values a browser would post for the (first, or `form_id`) form of a page: inputs, ticked
    boxes, textareas and selected options. For posting the admin's change forms, inlines and all."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.values, self.inside, self.textarea, self.select = {}, form_id is None, None, None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form" and form_id is not None:
                self.inside = a.get("id") == form_id
            if not self.inside:
                return
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
                if a.get("type") in ("checkbox", "radio"):
                    if "checked" in a:
                        self.values[name] = a.get("value", "on")
                else:
                    self.values[name] = a.get("value", "")
            elif tag == "textarea" and name:
                self.textarea, self.values[name] = name, ""
            elif tag == "select" and name:
                self.select, self.multiple = name, "multiple" in a
                if not self.multiple:
                    self.values.setdefault(name, "")
            elif tag == "option" and self.select and "selected" in a:
                if self.multiple:
                    self.values.setdefault(self.select, []).append(a.get("value", ""))
                else:
                    self.values[self.select] = a.get("value", "")

        def handle_endtag(self, tag):
            if tag == "textarea":
                self.textarea = None
            elif tag == "select":
                self.select = None
            elif tag == "form" and form_id is None and self.values:
                self.inside = False

        def handle_data(self, data):
            if self.textarea:
                self.values[self.textarea] += data

    reader = Reader()
    reader.feed(html)
    return {k: v.removeprefix("\n") if isinstance(v, str) else v for k, v in reader.values.items()}
