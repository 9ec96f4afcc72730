"""Site-wide views: the health check and (when enabled) sign-up."""

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import UserCreationForm
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.core.forms import LoginForm
from apps.core.portability import checkins_csv, export_user
from apps.curriculum.models import Plan
from apps.progress.middleware import SESSION_LANGUAGE
from apps.progress.models import Enrollment
from apps.progress.services import enroll


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


@login_not_required
@require_POST
def set_language(request):
    """Switch the interface language (and remember it on the learner's enrollment)."""
    language = request.POST.get("language", "")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = redirect(target)
    if language not in dict(settings.LANGUAGES):
        return response
    request.session[SESSION_LANGUAGE] = language
    if request.user.is_authenticated:
        Enrollment.objects.filter(user=request.user).update(language=language)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE, httponly=True)
    return response


@require_GET
def export_json(request):
    import json

    response = HttpResponse(json.dumps(export_user(request.user), ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="cadence-{request.user.username}.json"'
    return response


@require_GET
def export_csv(request):
    response = HttpResponse(checkins_csv(request.user), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cadence-{request.user.username}-checkins.csv"'
    return response


def server_error(request):
    """Django's 500 handler: a database that cannot be reached is a 503 with a plain page, not a traceback."""
    import sys

    from django.db import InterfaceError, OperationalError

    error = sys.exc_info()[1]
    unavailable = isinstance(error, OperationalError | InterfaceError)
    template = "503.html" if unavailable else "500.html"
    from django.template.loader import render_to_string

    try:
        body = render_to_string(template)
    except Exception:  # noqa: BLE001 - a template error must not hide the real one
        body = "Service unavailable" if unavailable else "Server error"
    return HttpResponse(body, status=503 if unavailable else 500, headers={"Retry-After": "10"} if unavailable else None)


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=False)

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


@login_not_required
def signup(request):
    if not settings.ALLOW_SIGNUP:
        raise Http404("Sign-up is off on this server")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        plan = Plan.objects.order_by("pk").first()
        if plan is not None:
            from django.utils import timezone

            enroll(user=user, plan=plan, start_date=timezone.localdate(), timezone=settings.TIME_ZONE)
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        return redirect("/")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)
