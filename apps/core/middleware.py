"""Requests refused before any view sees them."""

from django.http import Http404


class RefuseUnstorablePath:
    """A URL path with a NUL character names nothing Cadence has (and PostgreSQL would refuse it as a
    lookup value): 404 here, once, instead of in every view that looks a path part up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404("No such page")
        return self.get_response(request)
