from django.urls import path

from apps.milestones import api, views

app_name = "milestones"
urlpatterns = [
    path("milestones/", views.milestone_list, name="list"),
    path("milestones/checks/<int:check_id>/", views.check, name="check"),
    path("outputs/", views.output_list, name="outputs"),
    path("outputs/new/", views.output_create, name="output-create"),
    path("outputs/<int:output_id>/delete/", views.output_delete, name="output-delete"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("portfolio/share/", views.portfolio_share, name="portfolio-share"),
    path("p/<str:token>/", views.public_portfolio, name="public"),
    path("api/v1/milestones", api.milestones, name="api-list"),
    path("api/v1/milestones/items/<int:check_id>", api.item, name="api-item"),
]
