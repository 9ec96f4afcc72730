"""The authentication backend: Django's ModelBackend, but a signed-in request reads the learner's
enrollment and plan in the same query as the user (a LEFT JOIN), since every learner page needs them
(apps.progress.learner.Learner.load uses them when they are there)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class LearnerBackend(ModelBackend):
    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("enrollment__plan")
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
