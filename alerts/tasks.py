"""Tasks the worker runs (`manage.py db_worker`): django-tasks with its database backend."""

import datetime
import smtplib

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task

from . import services

RETRIES = 6


def _retry_at(attempt):
    return timezone.now() + datetime.timedelta(minutes=5 * attempt)


@task()
def send_release_alerts(release_id, attempt=1):
    """Alert the subscriptions that follow a list showing this release. Enqueued by publishing
    to run at the release's publication time; checks again then that it is public."""
    try:
        return services.send_release(release_id)
    except (smtplib.SMTPException, OSError):
        # The mail server is away: what was sent is recorded, a later run sends the rest.
        if attempt < RETRIES:
            send_release_alerts.using(run_after=_retry_at(attempt)).enqueue(release_id, attempt + 1)
        raise


def next_digest_time(now=None):
    """The next ALERTS_DIGEST_HOUR:00, local time, after `now`."""
    local = timezone.localtime(now)
    at = local.replace(hour=settings.ALERTS_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    return at if at > local else at + datetime.timedelta(days=1)


def schedule_digests():
    """Enqueue the daily digest for its next time, unless it is waiting already."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=send_daily_digests.module_path, status=TaskResultStatus.READY
    )
    if not waiting.exists():
        send_daily_digests.using(run_after=next_digest_time()).enqueue()


@task()
def send_daily_digests():
    """Send the day's digests, then enqueue itself for the next day: no cron job."""
    try:
        return services.send_digests()
    finally:
        schedule_digests()
