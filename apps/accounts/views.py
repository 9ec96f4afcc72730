"""Pages that tie the apps together for a person: sign-up (when enabled), the language switch, and
the learner's own data as JSON or CSV."""

import json

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import UserCreationForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.portability import checkins_csv, export_user
from apps.curriculum.models import Plan
from apps.progress.middleware import SESSION_LANGUAGE
from apps.progress.models import Enrollment
from apps.progress.services import enroll


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
    response = HttpResponse(json.dumps(export_user(request.user), ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = content_disposition_header(True, f"cadence-{request.user.username}.json")
    return response


@require_GET
def export_csv(request):
    response = HttpResponse(checkins_csv(request.user), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"cadence-{request.user.username}-checkins.csv")
    return response


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
            enroll(user=user, plan=plan, start_date=timezone.localdate(), timezone=settings.TIME_ZONE)
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        return redirect("/")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)
