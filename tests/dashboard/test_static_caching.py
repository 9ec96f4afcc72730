"""Static files get hashed names, gzip, and a long cache, so a second load of the dashboard costs nothing."""

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_collected_static_files_are_hashed_compressed_and_cached_for_long(tmp_path, alice, frozen):
    root = tmp_path / "static"
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=root, STORAGES=storages, WHITENOISE_USE_FINDERS=False, WHITENOISE_AUTOREFRESH=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        client = Client()
        client.force_login(alice)
        html = client.get("/dashboard/").content.decode()
        import re

        plotly = re.search(r'src="(/static/vendor/plotly/plotly-cadence\.min\.[0-9a-f]{12}\.js)"', html)
        assert plotly, re.findall(r"src=\"[^\"]+\"", html)
        response = client.get(plotly.group(1), HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip"
        assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
        b"".join(response.streaming_content)
        response.close()
