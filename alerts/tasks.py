"""Tasks the worker runs (`manage.py db_worker`): django-tasks with its database backend."""

import datetime
import smtplib

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task

from . import services

RETRIES = 6
# Subscriptions per sending task: small enough that two workers share a release's alerts,
# large enough that a task's own cost (a row, a poll) stays small beside its messages.
CHUNK = 200


def _retry_at(attempt):
    return timezone.now() + datetime.timedelta(minutes=5 * attempt)


@task()
def send_release_alerts(release_id, attempt=1):
    """Share out the alerts of a release: the subscriptions due it, in chunks, each a task, so
    that every worker running takes some. Enqueued by publishing to run at the release's
    publication time; checks again then that it is public. (`attempt` is for tasks a version
    that retried here left in the queue: the deliveries already made are skipped.)"""
    recipients = services.release_recipients(release_id)
    if recipients is None:  # unpublished, withdrawn or rescheduled since: nothing to send now
        return 0
    for start in range(0, len(recipients), CHUNK):
        send_release_chunk.enqueue(release_id, recipients[start : start + CHUNK])
    return len(recipients)


@task()
def send_release_chunk(release_id, subscription_ids, attempt=1):
    """Send the release to those subscriptions (still due it, if it is still public)."""
    try:
        return services.send_release(release_id, subscription_ids)
    except (smtplib.SMTPException, OSError):
        # The mail server is away: what was sent is recorded, a later run sends the rest.
        if attempt < RETRIES:
            send_release_chunk.using(run_after=_retry_at(attempt)).enqueue(
                release_id, subscription_ids, attempt + 1
            )
        raise


@task()
def send_update_alerts(update_id, attempt=1):
    """E-mail a major update of a live release to the subscriptions that asked for updates."""
    try:
        return services.send_update(update_id)
    except (smtplib.SMTPException, OSError):
        # As a release's alerts: what was sent is recorded, a later run sends the rest.
        if attempt < RETRIES:
            send_update_alerts.using(run_after=_retry_at(attempt)).enqueue(update_id, attempt + 1)
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
