import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apps.core.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Render a learner's Markdown note as sanitised HTML."""
    return mark_safe(render_markdown(text))  # noqa: S308 - nh3 has cleaned it


@register.filter
def hours(minutes):
    """90 → '1 h 30 min'; 45 → '45 min' ('1 小时 30 分钟' in Chinese)."""
    minutes = int(minutes or 0)
    h, m = divmod(minutes, 60)
    if h and m:
        return _("%(h)s h %(m)s min") % {"h": h, "m": m}
    return _("%(value)s h") % {"value": h} if h else minutes_text(m)


def minutes_text(minutes: int) -> str:
    return _("%(value)s min") % {"value": minutes}


@register.filter
def json_data(value, element_id):
    """Django's `json_script`, with the same escapes made by str.replace: `json_script`'s str.translate
    with a dict is slow on the dashboard's long figures (bench/README.md)."""
    text = json.dumps(value, cls=DjangoJSONEncoder).replace("&", "\\u0026").replace("<", "\\u003C").replace(">", "\\u003E")
    return mark_safe(f'<script id="{escape(element_id)}" type="application/json">{text}</script>')  # noqa: S308 - escaped above


@register.simple_tag
def offline_text():
    """The words app.js shows (offline, queued check-ins, push), in the page's language."""
    from django.utils.translation import gettext as _

    return json_data({
        "queued": _("Saved on this phone, will sync when the network is back."),
        "offline": _("Offline: this is Today as of %s."),
        "denied": _("Notifications are blocked for this site: allow them in the browser's settings."),
        "failed": _("The server did not take the subscription; try again."),
        "subscribed": _("This device will get reminders."),
    }, "offline-text")
