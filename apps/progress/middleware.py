"""Speak the learner's saved language (from their enrollment, kept in the session at login)."""

from django.conf import settings
from django.utils import translation

SESSION_LANGUAGE = "cadence_language"
LANGUAGES = {code for code, _ in settings.LANGUAGES}


class LearnerLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        language = session.get(SESSION_LANGUAGE) if session is not None else None
        if language in LANGUAGES:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
