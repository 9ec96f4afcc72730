from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "apps.groups"
    label = "groups"
    verbose_name = _("Study groups")

    def ready(self):
        from apps.groups import signals  # noqa: F401
