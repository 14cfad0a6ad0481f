from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app may use and none of them owns: the lowest floor of the house.
    It imports no app of ours."""

    name = "core"
    verbose_name = _("Site operations")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import second_factor

        user_logged_in.connect(second_factor.logged_in, dispatch_uid="core-second-factor")
