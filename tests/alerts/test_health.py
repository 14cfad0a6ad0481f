import datetime

import pytest
import time_machine
from django.utils import timezone

from alerts.health import task_queue
from alerts.tasks import send_release_alerts

pytestmark = pytest.mark.django_db


def test_queue_is_healthy_when_nothing_is_overdue(settings):
    settings.ALERTS_QUEUE_MAX_LAG = 300
    send_release_alerts.enqueue(1)
    send_release_alerts.using(run_after=timezone.now() + datetime.timedelta(days=1)).enqueue(2)
    task_queue()


@pytest.mark.parametrize("run_after", [None, datetime.timedelta(minutes=1)])
def test_queue_is_unhealthy_when_a_due_task_waits_too_long(settings, run_after):
    settings.ALERTS_QUEUE_MAX_LAG = 300
    task = send_release_alerts
    if run_after:
        task = task.using(run_after=timezone.now() + run_after)
    task.enqueue(1)
    later = timezone.now() + datetime.timedelta(minutes=7)
    with time_machine.travel(later), pytest.raises(RuntimeError, match="waited"):
        task_queue()


def test_healthz_names_the_queue_when_it_falls_behind(client, settings):
    settings.ALERTS_QUEUE_MAX_LAG = 300
    send_release_alerts.enqueue(1)
    later = timezone.now() + datetime.timedelta(minutes=7)
    with time_machine.travel(later):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["task_queue"]
