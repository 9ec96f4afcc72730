"""Top-level URLs: each app mounts its own, prefixed by its name."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from apps.core import views as core_views
from apps.core.forms import AdminLoginForm

admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", include("apps.core.urls")),
    path("", include("apps.accounts.urls")),
    path("", include("apps.progress.urls")),
    path("", include("apps.dashboard.urls")),
    path("", include("apps.reminders.urls")),
    path("", include("apps.resources.urls")),
    path("", include("apps.milestones.urls")),
    path("plan/", include("apps.curriculum.urls")),
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]

handler500 = "apps.core.views.server_error"
