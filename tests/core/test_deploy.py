"""The production template passes Django's deploy checks, the compose file validates, gunicorn's config starts."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)


def env_example() -> dict:
    values = {}
    for line in (BASE / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def test_env_example_passes_check_deploy_at_warning_level(tmp_path):
    env = {
        "PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings", "CADENCE_VAR_DIR": str(tmp_path),
        **env_example(),
        "SECRET_KEY": "x7#Q9v!m2Lp@4sR^8tW&kZ1yB*6nD$3fH(5jG)0cV-eA+uN_iO=lP[qS]wT{rY}",
        "DATABASE_URL": "sqlite:///" + str(tmp_path / "db"),
    }
    out = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=BASE, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_env_example_has_only_placeholders_for_secrets():
    values = env_example()
    assert values["DEBUG"] == "0" and values["SITE_URL"].startswith("https://")
    assert "CHANGE-ME" in values["SECRET_KEY"] and "CHANGE-ME" in values["POSTGRES_PASSWORD"]


def test_docker_compose_config_validates(tmp_path):
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail("docker-compose (Debian's package) is needed to validate the compose file; bin/services installs it")
    shutil.copy(BASE / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(BASE / ".env.example", tmp_path / ".env")
    out = subprocess.run([binary, "config"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    for service in ("web:", "worker:", "beat:", "db:", "redis:", "mail:"):
        assert f"  {service}" in out.stdout
    assert "postgres:16" in out.stdout and "redis:7" in out.stdout and "pgdata" in out.stdout
    assert out.stdout.count("healthcheck:") >= 3


def test_the_dockerfile_runs_as_a_user_and_collects_static_files():
    text = (BASE / "Dockerfile").read_text()
    assert "collectstatic" in text and "\nUSER cadence" in text


def test_gunicorn_starts_with_its_config(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PORT": str(port), "WEB_CONCURRENCY": "2",
           "DATABASE_URL": "sqlite:///" + str(tmp_path / "db"), "CADENCE_VAR_DIR": str(tmp_path)}
    env.pop("REDIS_URL", None)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"], cwd=BASE, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert response.status == 503 or response.status == 200
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer")
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Booting worker" in output and output.count("Booting worker") == 2
