from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurriculumConfig(AppConfig):
    name = "apps.curriculum"
    verbose_name = _("Curriculum")

    def ready(self):
        from apps.curriculum import signals  # noqa: F401
