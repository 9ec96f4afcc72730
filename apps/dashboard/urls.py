from django.urls import path

from apps.dashboard import api, views

app_name = "dashboard"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("api/v1/burndown", api.burndown, name="api-burndown"),
    path("api/v1/hours", api.hours, name="api-hours"),
]
