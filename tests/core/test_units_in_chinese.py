"""Units, states and chart text speak the learner's language: no "h", "min", "upcoming" or English
month names left in the Chinese UI."""

import json
import re
from datetime import date

import pytest

from apps.core.templatetags.cadence import hours
from apps.progress.models import CheckIn, Enrollment

pytestmark = pytest.mark.django_db


def test_hours_in_both_languages():
    from django.utils import translation

    assert [hours(m) for m in (105, 60, 45)] == ["1 h 45 min", "1 h", "45 min"]
    with translation.override("zh-hans"):
        assert [hours(m) for m in (105, 60, 45)] == ["1 小时 45 分钟", "1 小时", "45 分钟"]


def test_a_chinese_learner_sees_chinese_units_states_and_chart_text(alice_client, alice, frozen):
    Enrollment.objects.filter(user=alice).update(language="zh-hans")
    CheckIn.objects.create(user=alice, local_date=date(2026, 11, 10), slot=1, status="done", minutes=45)
    session = alice_client.session
    session["cadence_language"] = "zh-hans"
    session.save()
    today = alice_client.get("/").content.decode()
    tiles = today[today.index('id="day-tiles"'):today.index("</dl>")]
    assert "45 分钟 / " in tiles and not re.search(r"\d (h|min)\b", tiles)
    assert "未到期" in alice_client.get("/milestones/").content.decode()
    dashboard = alice_client.get("/dashboard/").content.decode()
    figures = {m.group(1): json.loads(m.group(2)) for m in re.finditer(r'<script id="(fig-[a-z]+)" type="application/json">(.*?)</script>',
                                                                         dashboard, re.S)}
    assert figures["fig-heatmap"]["data"][0]["colorbar"]["title"]["text"] == "分钟"
    assert figures["fig-hours"]["data"][0]["hovertemplate"].startswith("%{y} 小时")
    for name in ("fig-burndown", "fig-hours", "fig-heatmap"):
        axis = figures[name]["layout"]["xaxis"]
        assert axis["hoverformat"] == "%Y-%m-%d" and [s["value"] for s in axis["tickformatstops"]] == ["%m-%d", "%Y-%m"]
