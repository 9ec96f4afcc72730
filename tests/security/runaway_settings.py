"""Cadence's settings plus one route that never ends, for the request time-budget test only."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.security.runaway_urls"
