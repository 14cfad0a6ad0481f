"""Tasks the worker runs (`manage.py db_worker`): django-tasks with its database backend."""

import logging

from django.utils import timezone
from django_tasks import task

from . import pdf
from .models import SEARCH_COLUMNS, Release

logger = logging.getLogger(__name__)

# The releases whose PDF follows their changes: those the public sees or will see at their
# moment (and withdrawn ones, whose PDFs are removed).
FOLLOWED_STATES = (Release.Status.PUBLISHED, Release.Status.WITHDRAWN)


@task()
def make_release_pdfs(release_id):
    """Make the PDFs of a public release in both languages (releases.pdf), removing those of
    older contents; remove them all once it is no longer public (withdrawn, unpublished or
    deleted). A scheduled release is left alone: its own task runs at its moment."""
    release = (
        Release.objects.published()
        .with_details()
        .defer(*SEARCH_COLUMNS)
        .filter(pk=release_id)
        .first()
    )
    if release is not None:
        pdf.make_pdfs(release)
        return True
    if not Release.objects.filter(pk=release_id, status=Release.Status.PUBLISHED).exists():
        pdf.remove_pdfs(release_id)
    return False


def enqueue_release_pdfs(release_ids):
    """After a commit that changed `release_ids`: a task for each release the public sees (at
    its publication moment, if that is to come), was shown (withdrawn) or no longer exists."""
    found = Release.objects.filter(pk__in=release_ids).values_list("pk", "status", "published_at")
    now = timezone.now()
    tasks = dict.fromkeys(release_ids)
    for pk, status, published_at in found:
        if status not in FOLLOWED_STATES:
            del tasks[pk]
        elif status == Release.Status.PUBLISHED and published_at and published_at > now:
            tasks[pk] = published_at
    for pk, run_after in tasks.items():
        if run_after is None:
            make_release_pdfs.enqueue(pk)
        else:
            make_release_pdfs.using(run_after=run_after).enqueue(pk)
