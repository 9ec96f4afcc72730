"""Cadence settings: one module, every deploy-time value read from the environment.

With nothing set, Cadence runs on an embedded default that needs no server: SQLite under
var/, a file-system Celery broker, and e-mail written to files under var/mail/. Set
DATABASE_URL and REDIS_URL to run on PostgreSQL and Redis.
"""

import os
import secrets
from pathlib import Path

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import (
    database_from_url,
    email_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    env_timezone,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CADENCE_VAR_DIR", str(BASE_DIR / "var")))


def _embedded_secret_key() -> str:
    """A key made once and kept under var/, so a self-hosted instance works with no configuration
    and its sessions survive a restart. Deployments with more than one host set SECRET_KEY."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY") or _embedded_secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
# With no SITE_URL, links in e-mails point at this machine on the port `make run` serves (PORT).
SITE_URL = env_url("SITE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}", schemes={"http", "https"}).rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL])
ALLOW_SIGNUP = env_bool("ALLOW_SIGNUP", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "apps.core",
    "apps.curriculum",
    "apps.progress",
    "apps.dashboard",
    "apps.reminders",
    "apps.resources",
    "apps.milestones",
    "apps.accounts",
    "apps.groups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "apps.core.middleware.RefuseUnstorablePath",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.progress.middleware.LearnerLanguageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        "DATABASE_URL",
        env_url("DATABASE_URL", "sqlite:///var/cadence.sqlite3", schemes={"sqlite", "postgres", "postgresql"}),
        base_dir=BASE_DIR,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    env_url("REDIS_URL", REDIS_URL, schemes={"redis", "rediss", "unix"})
    # A Redis that accepts connections and never answers must not hold a request (or /healthz) for
    # long: every cache call gives up after a second (sessions then read the database).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Learner data is never cached (pages are rendered afresh); only the plan's own rows are, per
# process and plan revision (apps.curriculum.cache). Sessions are read from Redis when there is one,
# written through to the database (read from it while Redis is down, apps.core.sessions): a page then
# spends no SQL query on its session. Without Redis the
# embedded default keeps them in the database, since a per-process memory cache would let a session
# logged out in one process live on in another.
SESSION_ENGINE = "apps.core.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"

# Celery: Redis in production, a broker that lives in files under var/ in the embedded default.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    _broker_dir = VAR_DIR / "celery" / "broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(_broker_dir), "data_folder_out": str(_broker_dir)}
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "cadence")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The periodic tasks live here, in code (no database scheduler): a UTC tick every 60 s that
# dispatches due reminders. Exactly one beat runs it; the claim in the database makes a second harmless.
REMINDER_TICK_SECONDS = env_int("REMINDER_TICK_SECONDS", 60, minimum=1)  # tests shorten it; keep 60 in production
CELERY_BEAT_SCHEDULE = {
    "reminders-tick": {
        "task": "reminders.tick", "schedule": float(REMINDER_TICK_SECONDS), "options": {"expires": REMINDER_TICK_SECONDS * 0.9},
    },
    # Study groups: members' standings kept current, and the weekly automatic nudges (apps.groups.tasks).
    "groups-tick": {"task": "groups.tick", "schedule": 60.0, "options": {"expires": 54}},
}
CELERY_TASK_ACKS_LATE = True
REMINDER_LEASE_SECONDS = env_int("REMINDER_LEASE_SECONDS", 150, minimum=5)
CELERY_TASK_REJECT_ON_WORKER_LOST = True

# file:///var/mail is var/mail inside the project (like sqlite:///); file:////srv/mail is absolute.
MAILERS = {
    "default": email_from_url(
        "EMAIL_URL",
        env_url("EMAIL_URL", "file:///var/mail", schemes={"smtp", "smtps", "file", "console", "locmem"}),
        base_dir=BASE_DIR,
    )
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Cadence <cadence@localhost>")
# A relay's sending limit (messages a second, across every worker; 0: none): reminders wait their
# turn instead of being refused (apps.reminders.services.Pace).
EMAIL_RATE_PER_SECOND = env_int("EMAIL_RATE_PER_SECOND", 0, minimum=0)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Web Push (apps.reminders.channels): the VAPID key is made once and kept in the database unless
# VAPID_PRIVATE_KEY (a PEM) is set; VAPID_SUBJECT is the contact push services see (default: the From
# address). PUSH_ALLOW_INSECURE_ENDPOINTS=1 accepts http:// push services: for tests only.
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = env_str("VAPID_SUBJECT", "")
PUSH_ALLOW_INSECURE_ENDPOINTS = env_bool("PUSH_ALLOW_INSECURE_ENDPOINTS", False)

# ModelBackend, reading the learner's enrollment with the user (one query fewer on every page).
AUTHENTICATION_BACKENDS = ["apps.core.auth.LearnerBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_timezone("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],  # plotly.js injects its own <style>; scripts stay strict
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
}
# HTTPS: on when SITE_URL is https:// (behind a TLS proxy that sets X-Forwarded-Proto).
HTTPS = SITE_URL.startswith("https://")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # htmx gets the token from the page, never from the cookie
CSRF_FAILURE_VIEW = "apps.core.views.csrf_failure"  # the site's own 403 page, in the learner's language
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Container health checks and the smoke test reach the app on the loopback address.
ALLOWED_HOSTS += [host for host in ("localhost", "127.0.0.1") if host not in ALLOWED_HOSTS]

# Login throttling: 5 failures for a username or an IP within 15 minutes lock it for 15 minutes.
# Behind N reverse proxies, the client is the N-th address from the right of X-Forwarded-For.
LOGIN_FAILURE_LIMIT = 5
LOGIN_FAILURE_WINDOW = 15 * 60
PROXY_COUNT = env_int("PROXY_COUNT", 0, minimum=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Apprise's own log lines can name a channel's host or parts of its URL: they are kept out of the
    # logs, and apps.reminders.channels reads them (scrubbed) only to say why a send failed.
    "loggers": {"apprise": {"handlers": [], "propagate": False, "level": "CRITICAL"}},
}

# Parts of learner pages contributed by apps built on progress (see apps/progress/panels.py).
CADENCE_PANELS = {
    "today": ["apps.groups.views.today_panel", "apps.milestones.views.today_panel"],
    "block": ["apps.resources.views.block_panel", "apps.milestones.views.block_panel"],
}
