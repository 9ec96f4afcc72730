from django.urls import path

from apps.reminders import api, views

app_name = "reminders"
urlpatterns = [
    path("r/checkin/<str:token>/", views.checkin, name="checkin"),
    path("r/snooze/<str:token>/", views.snooze, name="snooze"),
    path("r/push/<str:action>/<str:token>/", views.push_action, name="push-action"),
    path("r/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("settings/reminders/", views.settings_page, name="settings"),
    path("settings/reminders/calendar/", views.new_calendar_token, name="calendar-token"),
    path("api/v1/push/subscriptions", api.push_subscriptions, name="api-push"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("settings/reminders/channels/", views.channel_add, name="channel-add"),
    path("settings/reminders/channels/<int:channel_id>/", views.channel_update, name="channel-update"),
    path("settings/reminders/channels/<int:channel_id>/test/", views.channel_test, name="channel-test"),
    path("settings/reminders/channels/<int:channel_id>/remove/", views.channel_remove, name="channel-remove"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
]
