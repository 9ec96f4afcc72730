from django.urls import path

from apps.core import views

app_name = "core"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/signup/", views.signup, name="signup"),
    path("language/", views.set_language, name="language"),
    path("settings/export.json", views.export_json, name="export-json"),
    path("settings/export-checkins.csv", views.export_csv, name="export-csv"),
]
