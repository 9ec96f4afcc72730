"""Keep the learner's chosen language in their session, so pages need no extra query to find it."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from apps.progress.middleware import SESSION_LANGUAGE
from apps.progress.models import Enrollment


@receiver(user_logged_in)
def remember_language(sender, request, user, **kwargs):
    language = Enrollment.objects.filter(user=user).values_list("language", flat=True).first()
    if language and request is not None and hasattr(request, "session"):
        request.session[SESSION_LANGUAGE] = language
