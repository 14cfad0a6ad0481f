from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    """Countries, organisations, officials and their posts: who and where, with no knowledge of
    releases (which build on it). Imports run one way: this app never imports `releases`."""

    name = "people"
    verbose_name = _("Countries, organisations and officials")

    def ready(self):
        from core.signals import watch

        watch(self)
