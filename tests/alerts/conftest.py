import pytest
from django.core.cache import cache
from django_tasks_db.management.commands import db_worker

from tests.smtp import start_smtp


@pytest.fixture
def mailbox(settings):
    """Django sends through a real SMTP server on 127.0.0.1; `mailbox.messages` is what it got."""
    controller, inbox = start_smtp()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.SITE_URL = "https://press.example.org"
    yield inbox
    controller.stop()


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def run_worker(monkeypatch):
    """Run the worker's loop (`db_worker --batch`) over the tasks due now, as a worker would."""
    # The worker drops stale connections between tasks; the test's transaction must stay.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run(worker_id="worker-1"):
        worker = db_worker.Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.run()

    return run
