from django.urls import path

from apps.progress import api, views

app_name = "progress"
urlpatterns = [
    path("", views.today, name="today"),
    path("day/<str:on>/", views.day, name="day"),
    path("checkins/", views.checkin, name="checkin"),
    path("topics/<str:key>/", views.topic_status, name="topic"),
    path("topics/<str:key>/note/", views.note, name="note"),
    path("notes/", views.notes, name="notes"),
    path("reviews/<str:key>/", views.review_topic, name="review"),
    path("projects/<int:item_id>/", views.project, name="project"),
    path("projects/<int:item_id>/choose/", views.choose, name="choose"),
    path("plan/", views.plan_home, name="plan"),
    path("plan/<slug:slug>/blocks/<int:number>/", views.block, name="block"),
    path("history/", views.history, name="history"),
    path("catch-up/shift/", views.shift, name="shift"),
    path("catch-up/shift/undo/", views.shift_undo, name="shift-undo"),
    path("catch-up/skip/", views.skip_overdue, name="skip-overdue"),
    path("catch-up/keep-going/", views.keep_going, name="keep-going"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/pause/", views.pause, name="pause"),
    path("settings/resume/", views.resume, name="resume"),
    path("settings/tokens/", views.token_create, name="token-create"),
    path("settings/tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("api/v1/checkins", api.checkins, name="api-checkins"),
    path("api/v1/topics/<str:key>", api.topic, name="api-topic"),
    path("api/v1/progress", api.progress, name="api-progress"),
    path("api/v1/reviews", api.reviews, name="api-reviews"),
    path("api/v1/reviews/<str:key>", api.review_topic, name="api-review"),
]
