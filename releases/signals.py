"""Signals of the publishing workflow, for apps above this one (alerts) to act on; releases
imports none of them. Both are sent inside the workflow's transaction."""

from django.dispatch import Signal

# A release became public now. Arguments: release.
release_published = Signal()
# A release will become public at release.published_at, a future moment. Arguments: release.
release_scheduled = Signal()
