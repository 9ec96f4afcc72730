"""HTTP helpers every learner-facing app uses: loading the learner for a page (`with_learner`), a
safe `next` target, and the JSON API's plumbing (`api_view`, `json_body`, `error`, `form_errors`).

API errors are always `{"errors": {field: [messages]}}`: 400 for bad input, 401 for a missing or bad
token, 403 for a session write without its CSRF token, 404 for anything that is not the caller's or
not there, 405 for a wrong method.
"""

from __future__ import annotations

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from apps.curriculum.models import Plan
from apps.progress.learner import Learner
from apps.progress.services import user_for_token


def with_learner(view):
    """Load the learner (user, enrollment, plan: no query of its own) or send them to choose a plan first."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        learner = Learner.load(request.user)
        if learner is None:
            if not Plan.objects.exists():
                return render(request, "progress/no_plan.html")
            messages.info(request, _("Choose your plan and its first day to begin."))
            return redirect("progress:settings")
        return view(request, learner, *args, **kwargs)

    return wrapper


def next_url(request, default: str) -> str:
    """The form's `next` when it is a path on this site, else `default` (never an open redirect)."""
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def error(status: int, errors: dict) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)


def form_errors(form) -> dict:
    return {name: [str(m) for m in found] for name, found in form.errors.items()}


def json_body(request) -> dict | None:
    """The request's JSON object, or None when the body is not one (not JSON, or too deeply nested).
    Its fields are then read by apps.core.jsoninput, which refuses text no database takes."""
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    return data


def _csrf_failure(request) -> bool:
    """Session-authenticated writes still need the CSRF token; a Bearer token does not."""
    check = CsrfViewMiddleware(lambda r: None)
    return check.process_view(request, None, (), {}) is not None


def api_view(*methods, enrolled: bool = True):
    """A JSON API view for a Bearer token or the browser session, called as view(request, learner, ...)
    in the learner's language. With enrolled=False, a user without a plan (a group's lead) is let in
    too, with learner None."""

    def decorator(view):
        @login_not_required
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            header = request.headers.get("Authorization", "")
            if header:
                scheme, _space, raw = header.partition(" ")
                user = user_for_token(raw.strip()) if scheme.lower() == "bearer" else None
                if user is None:
                    return error(401, {"token": [_("Missing or invalid token: send Authorization: Bearer <token>.")]})
                request.user = user
            elif not request.user.is_authenticated:
                return error(401, {"token": [_("Missing or invalid token: send Authorization: Bearer <token>.")]})
            elif request.method not in ("GET", "HEAD", "OPTIONS") and _csrf_failure(request):
                return error(403, {"csrf": [_("CSRF token missing or incorrect.")]})
            if request.method not in methods:
                response = error(405, {"method": [_("Use %(methods)s.") % {"methods": " / ".join(methods)}]})
                response["Allow"] = ", ".join(methods)
                return response
            learner = Learner.load(request.user)
            if learner is None and enrolled:
                return error(404, {"enrollment": [_("You are not enrolled in a plan yet.")]})
            with translation.override(learner.enrollment.language if learner is not None else translation.get_language()):
                return view(request, learner, *args, **kwargs)

        return wrapper

    return decorator
