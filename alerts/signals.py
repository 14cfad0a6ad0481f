"""Receivers connected in AlertsConfig.ready()."""

from django.db import DEFAULT_DB_ALIAS, connections

from .tasks import schedule_digests, send_release_alerts


def enqueue_alerts(sender, release, **kwargs):
    """The task is a row written in the publishing transaction (database task backend): it
    exists if and only if the publication commits, and runs at the publication time."""
    send_release_alerts.using(run_after=release.published_at).enqueue(release.pk)


def schedule_digest(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    from django_tasks_db.models import DBTaskResult

    if using != DEFAULT_DB_ALIAS:
        return
    if DBTaskResult._meta.db_table in connections[using].introspection.table_names():
        schedule_digests()
