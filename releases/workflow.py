"""Moving a release between draft, scheduled, published and withdrawn.

Every change of publication goes through these functions, and each checks that the user may
publish (`releases.publish_release`, the Publishers group): the admin's buttons and actions call
them, and the admin's own form never writes the status or the publication time.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Release
from .signals import release_published, release_scheduled, release_unpublished

PUBLISH_PERMISSION = "releases.publish_release"

PUBLISH = "publish"
SCHEDULE = "schedule"
UNPUBLISH = "unpublish"
WITHDRAW = "withdraw"

# A release of the past, entered now from the archive, public with its original date.
ARCHIVE = "archive"

# The states each action can be taken from (`state()` names them).
ALLOWED_FROM = {
    PUBLISH: {"draft", "scheduled"},
    SCHEDULE: {"draft", "scheduled"},
    UNPUBLISH: {"scheduled", "published", "withdrawn"},
    WITHDRAW: {"published"},
    ARCHIVE: {"draft"},
}

# What staff read: each state, each action's button, and what it says once done.
STATE_LABELS = {
    "draft": _("Draft (not public)"),
    "scheduled": _("Scheduled (not public yet)"),
    "published": _("Published"),
    "withdrawn": _("Withdrawn"),
}
BUTTON_LABELS = {
    PUBLISH: _("Save and publish now"),
    SCHEDULE: _("Save and schedule"),
    UNPUBLISH: _("Save and unpublish (back to draft)"),
    WITHDRAW: _("Save and withdraw"),
    ARCHIVE: _("Save and publish as of this date (archive)"),
}
DONE_MESSAGES = {
    PUBLISH: _("Published."),
    SCHEDULE: _("Scheduled for %(at)s."),
    UNPUBLISH: _("Unpublished: the release is a draft again."),
    WITHDRAW: _("Withdrawn."),
    ARCHIVE: _("Published from the archive, dated %(at)s."),
}


def can_publish(user):
    return bool(user and user.is_active and user.has_perm(PUBLISH_PERMISSION))


def is_scheduled(release):
    return (
        release.status == Release.Status.PUBLISHED
        and release.published_at is not None
        and release.published_at > timezone.now()
    )


def state(release):
    """'draft', 'scheduled', 'published' or 'withdrawn'."""
    if is_scheduled(release):
        return "scheduled"
    return release.status


def available_actions(release):
    """The actions that can be taken from the state `release` is in (None: a new release)."""
    current = state(release) if release is not None else "draft"
    return [action for action, states in ALLOWED_FROM.items() if current in states]


def check_permission(user):
    if not can_publish(user):
        raise PermissionDenied(
            _("Only publishers can publish, schedule, unpublish or withdraw a release.")
        )


def check(release, action, *, at=None, reason_ja=""):
    """Raise ValidationError when `action` cannot be applied to `release` as it is now."""
    if state(release) not in ALLOWED_FROM[action]:
        messages = {
            PUBLISH: _("Only a draft or a scheduled release can be published."),
            SCHEDULE: _(
                "Only a draft or a scheduled release can be scheduled; unpublish it first."
            ),
            UNPUBLISH: _("This release is a draft already."),
            WITHDRAW: _("Only a release that is public can be withdrawn."),
            ARCHIVE: _("Only a draft can be published with an earlier date."),
        }
        raise ValidationError(messages[action], code="invalid_transition")
    if action == SCHEDULE:
        if at is None:
            raise ValidationError(_("Enter the publication date and time."), code="required")
        if at <= timezone.now():
            raise ValidationError(
                _("The publication time must be in the future; use “Publish now” instead."),
                code="past",
            )
    if action == ARCHIVE:
        if at is None:
            raise ValidationError(
                _("Enter the date and time the release was first published."), code="required"
            )
        if at > timezone.now():
            raise ValidationError(
                _("This time is still to come; use “Schedule” for a future publication."),
                code="future",
            )
    if action == WITHDRAW and not (reason_ja or "").strip():
        raise ValidationError(
            _(
                "Give the reason for the withdrawal (in Japanese at least): it is shown to the public."
            ),
            code="required",
        )


def _locked(release):
    return Release.objects.select_for_update().get(pk=release.pk)


def _apply(release, fresh):
    """Copy the fields the workflow wrote back onto the caller's instance."""
    for name in (
        "status",
        "published_at",
        "published_by_id",
        "withdrawn_at",
        "withdrawal_reason_ja",
        "withdrawal_reason_en",
        "version",
        "updated_at",
    ):
        setattr(release, name, getattr(fresh, name))
    return release


@transaction.atomic
def publish(release, user):
    """Make `release` public now."""
    check_permission(user)
    fresh = _locked(release)
    check(fresh, PUBLISH)
    fresh.status = Release.Status.PUBLISHED
    fresh.published_at = timezone.now()
    fresh.published_by = user
    fresh.save(update_fields=["status", "published_at", "published_by"])
    release_published.send(sender=Release, release=fresh)
    return _apply(release, fresh)


@transaction.atomic
def schedule(release, user, at):
    """Make `release` public at `at`, a future moment; nothing has to run then."""
    check_permission(user)
    fresh = _locked(release)
    check(fresh, SCHEDULE, at=at)
    fresh.status = Release.Status.PUBLISHED
    fresh.published_at = at
    fresh.published_by = user
    fresh.save(update_fields=["status", "published_at", "published_by"])
    release_scheduled.send(sender=Release, release=fresh)
    return _apply(release, fresh)


@transaction.atomic
def publish_archived(release, user, at):
    """Make a past release public with its original publication time `at` (not now): lists
    and feeds, ordered by that time, show it in its true place, not as news."""
    check_permission(user)
    fresh = _locked(release)
    check(fresh, ARCHIVE, at=at)
    fresh.status = Release.Status.PUBLISHED
    fresh.published_at = at
    fresh.published_by = user
    fresh.save(update_fields=["status", "published_at", "published_by"])
    return _apply(release, fresh)


@transaction.atomic
def unpublish(release, user):
    """Back to draft: cancels a schedule, or takes a public or withdrawn release off the site."""
    check_permission(user)
    fresh = _locked(release)
    check(fresh, UNPUBLISH)
    fresh.status = Release.Status.DRAFT
    fresh.published_at = None
    fresh.published_by = None
    fresh.withdrawn_at = None
    fresh.save(update_fields=["status", "published_at", "published_by", "withdrawn_at"])
    # A draft is edited in place: changes that waited for a publisher become its content.
    release_unpublished.send(sender=Release, release=fresh)
    return _apply(release, fresh)


@transaction.atomic
def withdraw(release, user, reason_ja, reason_en=""):
    """Withdraw a public release: it keeps its address and shows the reason, and leaves every list."""
    check_permission(user)
    fresh = _locked(release)
    check(fresh, WITHDRAW, reason_ja=reason_ja)
    fresh.status = Release.Status.WITHDRAWN
    fresh.withdrawn_at = timezone.now()
    fresh.withdrawal_reason_ja = reason_ja.strip()
    fresh.withdrawal_reason_en = (reason_en or "").strip()
    fresh.save(
        update_fields=["status", "withdrawn_at", "withdrawal_reason_ja", "withdrawal_reason_en"]
    )
    return _apply(release, fresh)
