from django.urls import path

from apps.curriculum import views

app_name = "curriculum"
urlpatterns = [
    path("<slug:slug>/", views.overview, name="overview"),
    path("<slug:slug>/resources/", views.resources, name="resources"),
    path("<slug:slug>/milestones/", views.milestones, name="milestones"),
]
