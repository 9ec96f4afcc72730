from django.urls import path

from apps.resources import api, views

app_name = "resources"
urlpatterns = [
    path("resources/", views.resource_list, name="list"),
    path("resources/new/", views.create, name="create"),
    path("resources/<int:row_id>/", views.update, name="update"),
    path("resources/<int:row_id>/delete/", views.delete, name="delete"),
    path("api/v1/resources", api.resources, name="api-list"),
    path("api/v1/resources/<int:row_id>", api.resource, name="api-detail"),
]
