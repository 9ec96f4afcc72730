"""Top-level URLs: each app mounts its own, prefixed by its name."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from apps.core import views as core_views
from apps.core.forms import AdminLoginForm

admin.site.login_form = AdminLoginForm
_admin_login = admin.site.login


@login_not_required
def _throttled_admin_login(request, extra_context=None):
    """The admin's login, answering 429 when throttled, as the site's login does."""
    response = _admin_login(request, extra_context)
    form = (getattr(response, "context_data", None) or {}).get("form")
    if form is not None and form.is_bound and any(e.code == "throttled" for e in form.non_field_errors().as_data()):
        response.status_code = 429
    return response


admin.site.login = _throttled_admin_login

urlpatterns = [
    path("", include("apps.core.urls")),
    path("", include("apps.accounts.urls")),
    path("", include("apps.progress.urls")),
    path("", include("apps.dashboard.urls")),
    path("", include("apps.reminders.urls")),
    path("", include("apps.resources.urls")),
    path("", include("apps.milestones.urls")),
    path("", include("apps.groups.urls")),
    path("plan/", include("apps.curriculum.urls")),
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]

handler404 = "apps.core.views.not_found"
handler500 = "apps.core.views.server_error"
handler403 = "apps.core.views.forbidden"
