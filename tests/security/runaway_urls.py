"""Cadence's routes plus /runaway/, a request stuck in a loop (as a bug or a hostile input could make one)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as cadence


@login_not_required
def runaway(request):
    while True:  # noqa: ASYNC110 - spins on purpose, until gunicorn's timeout kills the worker
        pass
    return HttpResponse("never")


urlpatterns = [path("runaway/", runaway), *cadence]
