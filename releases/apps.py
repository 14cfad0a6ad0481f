from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = _("News releases")

    def ready(self):
        from . import checks, signals  # noqa: F401 (checks registers the system checks)

        signals.connect()
