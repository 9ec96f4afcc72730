"""Settings from the environment: a bad value fails at start with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_url, email_from_url, env_bool, env_timezone


@pytest.mark.parametrize(
    "name, value, message",
    [("DEBUG", "maybe", "DEBUG must be one of"), ("TIME_ZONE", "Mars/Olympus", "TIME_ZONE must be an IANA timezone"),
     ("DATABASE_URL", "mysql://x/y", "DATABASE_URL must start with"), ("EMAIL_URL", "pigeon://coop", "EMAIL_URL must start with"),
     ("SITE_URL", "example.com", "SITE_URL must start with")],
)
def test_a_bad_variable_stops_the_app_with_its_name(name, value, message):
    env = {**os.environ, name: value, "DJANGO_SETTINGS_MODULE": "config.settings"}
    out = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, cwd=settings.BASE_DIR,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and message in out.stderr


def test_helpers(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_TZ", "Asia/Kathmandu")
    assert env_timezone("X_TZ", "UTC") == "Asia/Kathmandu"
    db = database_from_url("DATABASE_URL", "postgres://u:p%40ss@db.example:6543/cadence?sslmode=require", base_dir=Path("/x"))
    assert (db["HOST"], db["PORT"], db["USER"], db["PASSWORD"], db["NAME"]) == ("db.example", "6543", "u", "p@ss", "cadence")
    assert db["CONN_MAX_AGE"] > 0 and db["CONN_HEALTH_CHECKS"] and db["OPTIONS"] == {"sslmode": "require"}
    assert database_from_url("D", "sqlite:///var/x.db", base_dir=Path("/x"))["NAME"] == Path("/x/var/x.db")
    with pytest.raises(ImproperlyConfigured, match="needs a database name"):
        database_from_url("DATABASE_URL", "postgres://host", base_dir=Path("/x"))
    smtp = email_from_url("EMAIL_URL", "smtp://u:p@mail.example:587?tls=1", base_dir=Path("/x"))
    assert smtp["OPTIONS"]["use_tls"] and smtp["OPTIONS"]["port"] == 587
    assert email_from_url("EMAIL_URL", "file:///var/mail", base_dir=Path("/x"))["OPTIONS"]["file_path"] == "/x/var/mail"


def test_the_tests_run_on_postgresql_when_ci_says_so():
    if os.environ.get("CI"):
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.mark.parametrize("extra, site", [({"PORT": "9000"}, "http://127.0.0.1:9000"), ({}, "http://127.0.0.1:8000"),
                                         ({"PORT": "9000", "SITE_URL": "https://cadence.example/"}, "https://cadence.example")])
def test_without_a_site_url_e_mail_links_follow_the_port(extra, site):
    """`PORT=9000 make run` once left every link in e-mails pointing at :8000."""
    env = {k: v for k, v in os.environ.items() if k not in ("PORT", "SITE_URL")} | extra | {"DJANGO_SETTINGS_MODULE": "config.settings"}
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    out = subprocess.run([sys.executable, "-c", code],
                         env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == site, out.stderr[-500:]


def test_make_run_installs_only_what_cadence_runs_with():
    dry = subprocess.run(["make", "-n", "-W", "requirements.txt", "install"], cwd=settings.BASE_DIR, capture_output=True, text=True)
    assert "-r requirements.txt" in dry.stdout and "requirements-dev.txt" not in dry.stdout
    run = subprocess.run(["make", "-n", "run"], cwd=settings.BASE_DIR, capture_output=True, text=True)
    assert "requirements-dev.txt" not in run.stdout
