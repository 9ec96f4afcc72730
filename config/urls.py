"""Top-level URLs: each app mounts its own, prefixed by its name."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("", include("apps.core.urls")),
    path("", include("apps.progress.urls")),
    path("", include("apps.dashboard.urls")),
    path("", include("apps.reminders.urls")),
    path("", include("apps.resources.urls")),
    path("", include("apps.milestones.urls")),
    path("plan/", include("apps.curriculum.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
