"""Benchmark settings: production settings plus a floor view (an authenticated "ok") that only exists here."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "config.urls_bench"
DEBUG = False
LOGGING["root"]["level"] = "WARNING"  # noqa: F405 - no access log lines in the measurement
