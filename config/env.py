"""Strict readers for settings that come from the environment.

Every helper fails at start-up with a message naming the variable, so a typo in a
deployment shows up as one clear line instead of a mysterious behaviour later.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_timezone(name: str, default: str) -> str:
    value = env_str(name, default)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(f"{name} must be an IANA timezone such as Asia/Shanghai; got {value!r}") from None
    return value


def env_url(name: str, default: str, *, schemes: set[str]) -> str:
    value = env_str(name, default)
    scheme = urlsplit(value).scheme
    if scheme not in schemes:
        allowed = ", ".join(sorted(f"{s}://" for s in schemes))
        raise ImproperlyConfigured(f"{name} must start with one of {allowed}; got {value!r}")
    return value


def database_from_url(name: str, url: str, *, base_dir: Path) -> dict:
    """Turn postgres://user:pass@host:port/db?sslmode=… or sqlite:///path into a DATABASES entry."""
    parts = urlsplit(url)
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if not path or path == "/":
            raise ImproperlyConfigured(f"{name} needs a file path, such as sqlite:///var/cadence.sqlite3")
        # sqlite:///relative/path is relative to the project; sqlite:////abs/path is absolute.
        file = Path(path[1:])
        if not file.is_absolute():
            file = base_dir / file
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": file,
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
        }
    if parts.scheme in {"postgres", "postgresql"}:
        database = unquote(parts.path.lstrip("/"))
        if not database:
            raise ImproperlyConfigured(f"{name} needs a database name, such as postgres://user@host:5432/cadence")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"{name} has a port that is not a number: {url!r}") from None
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": database,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "OPTIONS": options,
            # Reusing connections is what keeps an authenticated page fast on PostgreSQL;
            # health checks drop a connection the server closed (a restart) instead of failing a request.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(f"{name} must start with postgres://, postgresql:// or sqlite:///; got {url!r}")


def email_from_url(name: str, url: str, *, base_dir: Path) -> dict:
    """Django's MAILERS["default"] for smtp://user:pass@host:587?tls=1, smtps://…, file:///var/mail,
    console:// or locmem://."""
    parts = urlsplit(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    backends = "django.core.mail.backends."
    if parts.scheme in {"smtp", "smtps"}:
        if not parts.hostname:
            raise ImproperlyConfigured(f"{name} needs a host, such as smtp://user:pass@mail.example.com:587?tls=1")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"{name} has a port that is not a number: {url!r}") from None
        use_ssl = parts.scheme == "smtps"
        use_tls = query.get("tls", "0").lower() in TRUE and not use_ssl
        return {
            "BACKEND": backends + "smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname,
                "port": port or (465 if use_ssl else 587 if use_tls else 25),
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_ssl": use_ssl,
                "use_tls": use_tls,
                "timeout": 20,
            },
        }
    if parts.scheme == "file":
        folder = Path(unquote(parts.netloc + parts.path).lstrip("/") or "var/mail")
        if str(parts.path).startswith("//"):
            folder = Path(unquote(parts.path)[1:])
        if not folder.is_absolute():
            folder = base_dir / folder
        return {"BACKEND": backends + "filebased.EmailBackend", "OPTIONS": {"file_path": str(folder)}}
    if parts.scheme == "console":
        return {"BACKEND": backends + "console.EmailBackend"}
    if parts.scheme == "locmem":
        return {"BACKEND": backends + "locmem.EmailBackend"}
    raise ImproperlyConfigured(f"{name} must start with smtp://, smtps://, file://, console:// or locmem://; got {url!r}")
