from django.urls import path

from apps.reminders import views

app_name = "reminders"
urlpatterns = [
    path("r/checkin/<str:token>/", views.checkin, name="checkin"),
    path("r/snooze/<str:token>/", views.snooze, name="snooze"),
    path("r/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("settings/reminders/", views.settings_page, name="settings"),
    path("settings/reminders/calendar/", views.new_calendar_token, name="calendar-token"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
]
