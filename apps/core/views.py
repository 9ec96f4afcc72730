"""Site-wide views: the health check, the login page and the error pages. Imports no other app."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import page_not_found

from apps.core.forms import LoginForm


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 when it does not. Redis is reported but does not fail the check:
    check-ins keep working without it, only reminders wait."""
    body = {"status": "ok", "database": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any driver error means the same thing to a load balancer
        body["status"], body["database"] = "error", "unreachable"
    if settings.REDIS_URL:
        try:
            cache.get("healthz")
            body["redis"] = "ok"
        except Exception:
            body["redis"] = "unreachable"
    return JsonResponse(body, status=200 if body["database"] == "ok" else 503)


class LoginView(auth_views.LoginView):
    """Django's login with throttling; a refused attempt answers 429."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if any(e.code == "throttled" for e in form.non_field_errors().as_data()):
            response.status_code = 429
        return response


def _api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception):
    """Django's 404 page; the JSON API answers its promised JSON error instead."""
    if _api(request):
        return JsonResponse({"errors": {"path": ["Not found."]}}, status=404)
    return page_not_found(request, exception)


def forbidden(request, exception=None):
    """403 in the site's style and the learner's language (also the CSRF failure view)."""
    from django.shortcuts import render

    if _api(request):
        return JsonResponse({"errors": {"permission": ["Not allowed."]}}, status=403)
    return render(request, "403.html", {"csrf": False}, status=403)


def csrf_failure(request, reason=""):
    from django.shortcuts import render

    return render(request, "403.html", {"csrf": True}, status=403)


def server_error(request):
    """Django's 500 handler: a database that cannot be reached is a 503 with a plain page, not a traceback
    (and for the JSON API, a JSON error either way)."""
    import sys

    from django.db import InterfaceError, OperationalError

    error = sys.exc_info()[1]
    unavailable = isinstance(error, OperationalError | InterfaceError)
    if _api(request):
        message = "The database cannot be reached; try again shortly." if unavailable else "Server error."
        return JsonResponse(
            {"errors": {"server": [message]}}, status=503 if unavailable else 500, headers={"Retry-After": "10"} if unavailable else None
        )
    template = "503.html" if unavailable else "500.html"
    from django.template.loader import render_to_string

    try:
        body = render_to_string(template)
    except Exception:  # noqa: BLE001 - a template error must not hide the real one
        body = "Service unavailable" if unavailable else "Server error"
    return HttpResponse(body, status=503 if unavailable else 500, headers={"Retry-After": "10"} if unavailable else None)
