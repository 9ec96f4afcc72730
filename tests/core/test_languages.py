"""Chinese and English: a switcher that is remembered, e-mails and pages in the learner's language,
and a catalogue with no untranslated string."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_switching_language_is_remembered_on_the_enrollment(alice_client, alice):
    response = alice_client.post("/language/", {"language": "zh-hans", "next": "/settings/"})
    assert response.status_code == 302 and response["Location"] == "/settings/"
    alice.enrollment.refresh_from_db()
    assert alice.enrollment.language == "zh-hans"
    html = alice_client.get("/settings/").content.decode()
    assert "设置" in html and "你的计划" in html and 'lang="zh-hans"' in html
    alice_client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert "Your plan" in alice_client.get("/settings/").content.decode()


def test_the_login_page_follows_the_switcher_without_an_account(client):
    client.post("/language/", {"language": "zh-hans"})
    assert "登录" in client.get("/accounts/login/").content.decode()
    assert client.post("/language/", {"language": "klingon"}).status_code == 302  # ignored, not an error


def test_error_messages_come_in_chinese(client, bob):
    client.force_login(bob)
    session = client.session
    session["cadence_language"] = "zh-hans"
    session.save()
    response = client.post("/checkins/", {"date": "2099-01-01", "slot": "1", "status": "done"})
    assert response.status_code == 400 and "不能为未来的日期签到" in response.content.decode()


def test_every_string_has_a_chinese_translation(tmp_path):
    """Extract the strings from a copy of the code as makemessages would, and look each up in our catalogue."""
    if not shutil.which("xgettext"):
        pytest.fail("xgettext (GNU gettext) is needed; bin/services installs it")
    base = Path(settings.BASE_DIR)
    for name in ("apps", "config", "templates", "manage.py"):
        source = base / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=tmp_path, check=True, capture_output=True, env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings",
                                                          "CADENCE_VAR_DIR": str(tmp_path / "var")},
    )
    extracted = polib.pofile(str(tmp_path / "locale/zh_Hans/LC_MESSAGES/django.po"))
    ours = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(base / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    missing = []
    for entry in extracted:
        mine = ours.get((entry.msgctxt, entry.msgid))
        translated = mine and not mine.obsolete and "fuzzy" not in mine.flags and (
            mine.msgstr_plural.get(0) if entry.msgid_plural else mine.msgstr
        )
        if not translated:
            missing.append(entry.msgid)
    assert missing == [], f"{len(missing)} strings have no zh-hans translation: {missing[:10]}"
    assert (base / "locale/zh_Hans/LC_MESSAGES/django.mo").exists()
