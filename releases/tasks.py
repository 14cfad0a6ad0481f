"""Tasks the worker runs (`manage.py db_worker`): django-tasks with its database backend, whose
queue is a table, so a planned task survives a restart."""

from django_tasks import task

from . import drafts


@task()
def publish_pending_changes():
    """Publish the changes planned for now or earlier (releases.drafts.schedule enqueues this
    to run at the planned moment; each run publishes whatever is due, so a second run, or one
    for a plan changed since, does nothing wrong)."""
    return drafts.publish_due()
