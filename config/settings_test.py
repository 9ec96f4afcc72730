"""Test settings: the real settings with static files served from the source tree (no collectstatic
needed) and a fast password hasher. Everything else, including the database, is as configured."""

from config.settings import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The live server's threads would otherwise keep connections open past the end of the test run,
# and the test database could not be dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
