"""Template filters of our own."""

from datetime import date

from django.utils.html import json_script

from apps.core.templatetags.cadence import json_data


def test_json_data_is_json_script_made_faster():
    value = {"text": "</script><b>&amp; 学习", "when": date(2026, 11, 10), "n": [1, 2.5, None]}
    assert str(json_data(value, "fig-x")) == str(json_script(value, "fig-x"))
