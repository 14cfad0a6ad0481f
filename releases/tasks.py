"""Tasks the worker runs (`manage.py db_worker`): django-tasks with its database backend, whose
queue is a table, so a planned task survives a restart."""

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
    older contents; remove them all once it is no longer public (withdrawn or unpublished). A
    scheduled release is left alone: its own task runs at its moment."""
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
    """After a commit that changed `release_ids`: a task for each of them that the public sees
    (at its publication moment, if that is to come) or that was withdrawn."""
    found = Release.objects.filter(pk__in=release_ids, status__in=FOLLOWED_STATES)
    now = timezone.now()
    for pk, published_at in found.values_list("pk", "published_at"):
        if published_at and published_at > now:
            make_release_pdfs.using(run_after=published_at).enqueue(pk)
        else:
            make_release_pdfs.enqueue(pk)
