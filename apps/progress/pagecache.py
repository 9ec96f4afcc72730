"""A learner's pages and API answers, cached per learner and keyed on everything they depend on.

A key is made of the learner's enrollment and its revision (bumped by every write to their rows,
apps.progress.revision; a new enrollment row starts again at 0, hence its id in the key too),
their plan's revision (bumped by imports and plan edits), their day 1, timezone and *today's date in
that timezone*, and the language of the answer. Nothing on these pages depends on anything else (not
the hour: Today and the dashboard change with the date), so a hit is exactly what would be rendered
now, and nothing ever has to be deleted: a write makes the old key unreachable and the cache's own
culling drops it.

The cache is the `pages` alias of CACHES: memory in each process by default (a hit then costs no
round trip; each worker fills its own), or any Django cache backend the settings name.

Cached HTML holds forms, and a form's CSRF token belongs to one browser, not to the learner (and a
CSP nonce to one answer): a page is rendered for the cache with placeholders where they go (a context
processor supplies them, so panels that render templates of their own get them too), and each answer
puts the browser's own token and its own nonce in their place.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac
from django.utils.csp import CONTEXT_KEY as CSP_CONTEXT_KEY
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

# Derived from SECRET_KEY: the same in every process (for a shared cache), unguessable to a learner
# who might type one into a note.
PLACEHOLDER = SimpleLazyObject(lambda: "csrf" + salted_hmac("cadence.pagecache", "csrf-placeholder", algorithm="sha256").hexdigest()[:32])
NONCE_PLACEHOLDER = SimpleLazyObject(lambda: "nonce" + salted_hmac("cadence.pagecache", "csp-nonce", algorithm="sha256").hexdigest()[:32])
RENDERING = "_cadence_rendering_for_cache"


def cache():
    return caches["pages"]


def key(learner, name: str) -> str:
    enrollment, plan = learner.enrollment, learner.enrollment.plan
    return ":".join(
        str(part)
        for part in (
            name, enrollment.user_id, enrollment.pk, enrollment.revision, plan.pk, plan.revision,
            enrollment.start_date.isoformat(), enrollment.timezone, learner.today.isoformat(), get_language(),
        )
    )


def cached(learner, name: str, build: Callable[[], bytes]) -> bytes:
    """The bytes `build()` makes for this learner now, from the cache when they were made before."""
    k = key(learner, name)
    value = _get(k)
    if value is None:
        value = build()
        _put(k, value)
    return value


# Kept compressed (zlib's fastest level): pages are mostly markup and JSON and shrink to a fifth (the
# dashboard from 58 to 12 kB), for a fraction of a millisecond a hit.
def _get(k: str) -> bytes | None:
    packed = cache().get(k)
    return zlib.decompress(packed) if packed is not None else None


def _put(k: str, value: bytes) -> None:
    cache().set(k, zlib.compress(value, 1))


def page(request, learner, name: str, render_page: Callable[[], HttpResponse]) -> HttpResponse:
    """The answer of `render_page()` (a whole HTML page), cached for this learner; forms and HTMX get
    this browser's CSRF token.

    Rendered afresh, and not kept: a request with a query string (forms on the page post back to the
    full path), an HTMX request (it asks for a part), one with messages to show (they are shown once),
    and any answer but a plain 200."""
    if request.GET or getattr(request, "htmx", False) or _has_messages(request):
        return render_page()
    k = key(learner, f"{name}:{int(request.user.is_staff)}")
    body = _get(k)
    if body is None:
        setattr(request, RENDERING, True)
        try:
            response = render_page()
        finally:
            delattr(request, RENDERING)
        if response.status_code != 200 or response.streaming or not response["Content-Type"].startswith("text/html"):
            if not response.streaming:  # sent as it is, not kept: with this answer's token and nonce
                response.content = _fill(request, response.content.decode(response.charset)).encode(response.charset)
            return response
        body = response.content
        _put(k, body)
    return HttpResponse(_fill(request, body.decode()))


def _fill(request, html: str) -> str:
    """The page with this browser's CSRF token and this answer's CSP nonce in place of the placeholders
    (the CSP middleware then sends the nonce it was asked for)."""
    html = html.replace(str(PLACEHOLDER), get_token(request))
    if str(NONCE_PLACEHOLDER) in html:
        html = html.replace(str(NONCE_PLACEHOLDER), str(get_nonce(request)))
    return html


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0  # len() reads them without marking them shown


def placeholders(request):
    """Context processor: placeholders instead of the CSRF token and the CSP nonce while a page renders
    for the cache (each answer fills in its own)."""
    if getattr(request, RENDERING, False):
        return {"csrf_token": str(PLACEHOLDER), CSP_CONTEXT_KEY: str(NONCE_PLACEHOLDER)}
    return {}
