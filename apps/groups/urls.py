from django.urls import path

from apps.groups import api, views

app_name = "groups"
urlpatterns = [
    path("groups/", views.mine, name="mine"),
    path("groups/<slug:slug>/", views.roster, name="roster"),
    path("groups/<slug:slug>/members.csv", views.roster_csv, name="csv"),
    path("groups/<slug:slug>/charts/", views.group_charts, name="charts"),
    path("groups/<slug:slug>/nudge/", views.nudge, name="nudge"),
    path("groups/<slug:slug>/membership/", views.membership, name="membership"),
    path("groups/<slug:slug>/membership/accept/", views.accept, name="accept"),
    path("groups/<slug:slug>/membership/withdraw/", views.withdraw, name="withdraw"),
    path("groups/<slug:slug>/membership/leave/", views.leave, name="leave"),
    path("api/v1/groups/<slug:slug>/members", api.members, name="api-members"),
]
