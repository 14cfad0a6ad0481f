from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPConfig
from django_tasks_db.apps import TasksAppConfig as TasksConfig


class CoreConfig(AppConfig):
    """What every app may use and none of them owns: the lowest floor of the house.
    It imports no app of ours."""

    # The app's own configuration among those below (Django picks the default one).
    default = True
    name = "core"
    verbose_name = _("Site operations")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import second_factor

        user_logged_in.connect(second_factor.logged_in, dispatch_uid="core-second-factor")


# Third-party apps under names in the admin's language (they give theirs in English only, or
# not for translation): the same apps, labels and tables.
class LoginRecordsConfig(AxesConfig):
    verbose_name = _("Login records")


class AuthenticatorAppsConfig(TOTPConfig):
    verbose_name = _("Authenticator apps")


class RecoveryCodesConfig(StaticConfig):
    verbose_name = _("Recovery codes")


class TaskQueueConfig(TasksConfig):
    verbose_name = _("Task queue")
