"""URLs for benchmarks: the app's, plus /bench/floor, the cost of Django, the session and the database
connection with nothing else (login required, answers "ok")."""

from django.http import HttpResponse
from django.urls import path

from config.urls import handler500  # noqa: F401 - the 503 page for an unreachable database, here too
from config.urls import urlpatterns as app_urlpatterns


def floor(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/floor", floor), *app_urlpatterns]
