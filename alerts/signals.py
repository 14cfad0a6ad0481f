"""Receivers connected in AlertsConfig.ready()."""

from .tasks import send_release_alerts


def enqueue_alerts(sender, release, **kwargs):
    """The task is a row written in the publishing transaction (database task backend): it
    exists if and only if the publication commits, and runs at the publication time."""
    send_release_alerts.using(run_after=release.published_at).enqueue(release.pk)
