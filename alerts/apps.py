from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("E-mail alerts")

    def ready(self):
        from releases.signals import release_published, release_scheduled, release_updated

        from . import signals

        release_published.connect(signals.enqueue_alerts, dispatch_uid="alerts.published")
        release_scheduled.connect(signals.enqueue_alerts, dispatch_uid="alerts.scheduled")
        release_updated.connect(signals.enqueue_update_alerts, dispatch_uid="alerts.updated")
