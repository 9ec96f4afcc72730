from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "apps.progress"
    verbose_name = _("Progress")

    def ready(self):
        from apps.progress import signals  # noqa: F401
