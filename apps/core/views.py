"""Site-wide views: the health check and (when enabled) sign-up."""

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import UserCreationForm
from django.core.cache import cache
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.curriculum.models import Plan
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
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("/")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)
