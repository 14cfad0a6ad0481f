"""Receivers connected in AlertsConfig.ready()."""

from .tasks import send_release_alerts, send_update_alerts


def enqueue_alerts(sender, release, **kwargs):
    """The task is a row written in the publishing transaction (database task backend): it
    exists if and only if the publication commits, and runs at the publication time."""
    send_release_alerts.using(run_after=release.published_at).enqueue(release.pk)


def enqueue_update_alerts(sender, release, update, **kwargs):
    """A major update of a live release goes to the subscriptions that asked for updates; a
    minor one (a typo) to no one. Like the alerts, the task is a row written in the publishing
    transaction: it runs only once the update is committed."""
    if update.major:
        send_update_alerts.enqueue(update.pk)
