from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = _("News releases")

    def ready(self):
        from core.signals import watch

        # checks registers the system checks, drafts its receiver of release_unpublished.
        from . import checks, drafts, signals  # noqa: F401
        from .models import Release

        signals.connect()
        watch(self, schedule=Release.objects.publication_moments, followed=signals.FOLLOWED)
