"""Panels other apps add to learner pages, named in settings.CADENCE_PANELS.

progress must not import the apps built on it (milestones, resources), yet Today and the block page
show their parts. Each panel is a function `(request, **context) -> str | None` returning rendered
HTML; a page asks for its panels by name and places them. Every panel runs a fixed number of queries.
"""

from django.conf import settings
from django.utils.module_loading import import_string


def render_panels(where: str, request, **context) -> list[str]:
    html = []
    for path in getattr(settings, "CADENCE_PANELS", {}).get(where, []):
        part = import_string(path)(request, **context)
        if part:
            html.append(part)
    return html
