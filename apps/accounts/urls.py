from django.urls import path

from apps.accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("language/", views.set_language, name="language"),
    path("settings/export.json", views.export_json, name="export-json"),
    path("settings/export-checkins.csv", views.export_csv, name="export-csv"),
]
