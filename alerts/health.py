"""A /healthz check (settings.HEALTH_CHECKS): raises when the task queue falls behind, that is
when a task due to run has waited longer than ALERTS_QUEUE_MAX_LAG seconds (no worker is
running, or it cannot keep up)."""

import datetime

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max


def task_queue():
    ready = DBTaskResult.objects.ready()
    try:
        # A task enqueued without run_after is stored as due at the end of time: it is due
        # since it was enqueued.
        due_since = [
            ready.exclude(run_after=get_date_max()).aggregate(t=Min("run_after"))["t"],
            ready.filter(run_after=get_date_max()).aggregate(t=Min("enqueued_at"))["t"],
        ]
    except DatabaseError:
        return  # the database check names that failure; the queue cannot be read

    due_since = [t for t in due_since if t is not None]
    if not due_since:
        return
    lag = timezone.now() - min(due_since)
    if lag > datetime.timedelta(seconds=settings.ALERTS_QUEUE_MAX_LAG):
        raise RuntimeError(f"the oldest due task has waited {int(lag.total_seconds())} s")
