from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """Countries, organisations, officials and their posts: who and where, with no knowledge of
    releases (which build on it). Imports run one way: this app never imports `releases`."""

    name = "directory"
    # The app was first called `people`: the label keeps its tables, migrations, permissions,
    # content types and admin addresses (/admin/people/...) as they were.
    label = "people"
    verbose_name = _("Countries, organisations and officials")

    def ready(self):
        from core.signals import watch

        watch(self)
