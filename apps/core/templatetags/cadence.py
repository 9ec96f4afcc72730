import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import escape
from django.utils.safestring import mark_safe

from apps.core.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Render a learner's Markdown note as sanitised HTML."""
    return mark_safe(render_markdown(text))  # noqa: S308 - nh3 has cleaned it


@register.filter
def hours(minutes):
    """90 → '1 h 30 min'; 45 → '45 min'."""
    minutes = int(minutes or 0)
    h, m = divmod(minutes, 60)
    if h and m:
        return f"{h} h {m} min"
    return f"{h} h" if h else f"{m} min"


@register.filter
def json_data(value, element_id):
    """Django's `json_script`, with the same escapes made by str.replace: `json_script`'s str.translate
    with a dict is slow on the dashboard's long figures (bench/README.md)."""
    text = json.dumps(value, cls=DjangoJSONEncoder).replace("&", "\\u0026").replace("<", "\\u003C").replace(">", "\\u003E")
    return mark_safe(f'<script id="{escape(element_id)}" type="application/json">{text}</script>')  # noqa: S308 - escaped above
