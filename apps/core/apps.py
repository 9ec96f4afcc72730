from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "Cadence"

    def ready(self):
        from apps.core import throttle  # noqa: F401 - connects the login signals
