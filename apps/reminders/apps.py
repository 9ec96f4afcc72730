from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "apps.reminders"
    verbose_name = _("Reminders")

    def ready(self):
        from apps.reminders import signals  # noqa: F401
