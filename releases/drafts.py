"""Changes to a live release wait for a publisher.

A release that is published, scheduled or withdrawn is *live*: its rows in the tables are what
the public sees, on every surface. Staff edits to it are kept aside as a `PendingChange`: the
release and the rows saved with it (sections, meetings and their participants, agreement links,
photos, contacts), serialized as Django's serializer writes them. The admin shows and saves
them by applying them inside a transaction that it rolls back (releases.admin.release); a
publisher publishes them (`publish`) with a change note, at once or at a planned moment
(`schedule`, run by the `publish_pending_changes` task), or discards them.
"""

import json
from contextlib import contextmanager

import reversion
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from reversion.utils import mute_signals

from core.history import compare_snapshots, snapshot

from . import workflow
from .models import (
    Attachment,
    Contact,
    Meeting,
    MeetingParticipant,
    PendingChange,
    Photo,
    Release,
    ReleaseAgreement,
    ReleaseUpdate,
    Section,
    TopicalEvent,
)
from .signals import release_unpublished, release_updated

# The rows saved with a release, parents before children, and how each finds its release.
PARTS = [
    (Section, "release"),
    (Meeting, "release"),
    (MeetingParticipant, "meeting__release"),
    (ReleaseAgreement, "release"),
    (Photo, "release"),
    (Attachment, "release"),
    (Contact, "release"),
    # The release form's own list of the topical events it belongs to.
    (TopicalEvent.releases.through, "release"),
]
# Columns of the release that pending content never changes: its publication (the workflow's)
# and what is derived from the tables.
RELEASE_KEEPS = (
    *Release.restore_keeps,
    "created_at",
    "last_major_update",
    "search_title",
    "search_text",
    "search_grams",
    "english_missing",
    "english_outdated",
    "translation_gaps",
)
# Foreign keys between parts that a new row's fresh primary key must follow.
PARENT_KEYS = {MeetingParticipant: [("meeting_id", Meeting)], Photo: [("meeting_id", Meeting)]}


def is_live(release):
    """Published (or scheduled) or withdrawn: what the public sees or will see at its time."""
    return release is not None and release.pk is not None and release.status != Release.Status.DRAFT


def pending_change(release):
    return PendingChange.objects.filter(release_id=release.pk).first()


def rows_of(release):
    """The release and every row saved with it, as they are in the tables now."""
    rows = [Release.objects.get(pk=release.pk)]
    for model, path in PARTS:
        rows.extend(model.objects.filter(**{path: release.pk}).order_by("pk"))
    return rows


def serialize(release):
    return serializers.serialize("python", rows_of(release))


def keep(release, user, base_version):
    """The release as the tables show it now (inside the admin's transaction, which is then
    rolled back) as its pending change, based on the live `base_version`: `save()` the
    returned object after the rollback."""
    change = pending_change(release) or PendingChange(release_id=release.pk)
    change.content = _json_safe(serialize(release))
    change.base_version = base_version
    change.saved_at = timezone.now()
    change.saved_by = user
    return change


# Columns every save rewrites or derives: not what anyone edited.
BOOKKEEPING = {"version", "updated_at", "translation_marks", *RELEASE_KEEPS}
NOTHING_WAITS = object()


def same_content(one, other):
    """Whether two serialized contents hold the same rows with the same edited values."""

    def edited(content):
        content = _json_safe(content)
        return sorted(
            (
                row["model"],
                row["pk"],
                sorted((k, str(v)) for k, v in row["fields"].items() if k not in BOOKKEEPING),
            )
            for row in content
        )

    return edited(one) == edited(other)


def _json_safe(content):
    # The python serializer leaves dates and decimals as objects: go through its JSON form.
    return json.loads(json.dumps(content, cls=DjangoJSONEncoder))


def apply(change, *, for_real=False):
    """Write `change`'s content into the tables: rows of the release that it lacks are deleted,
    the others written as it has them. The release keeps its publication.

    Without `for_real` (to show or edit the content, in a transaction rolled back afterwards)
    rows are written exactly, primary keys and versions included, so that a form shows the
    same rows each time. A row the content adds keeps the primary key it was given when it was
    saved, unless another row took it since (SQLite gives a key again after a rollback): then
    it gets a new one. For real, rows are saved as any edit saves them (signals, search text,
    versions) and added rows always get new keys. Returns the rows written."""
    release = Release.objects.select_for_update().get(pk=change.release_id)
    objects = list(serializers.deserialize("python", change.content, ignorenonexistent=True))
    by_model = {}
    for deserialized in objects:
        by_model.setdefault(type(deserialized.object), []).append(deserialized)
    existing = {
        model: set(model.objects.filter(**{path: release.pk}).values_list("pk", flat=True))
        for model, path in PARTS
    }
    # Rows the content no longer has go first (children first): their unique pairs (an
    # official at a meeting, an agreement in a release) may come back in an added row.
    for model, path in reversed(PARTS):
        wanted = {d.object.pk for d in by_model.get(model, []) if d.object.pk in existing[model]}
        model.objects.filter(**{path: release.pk}).exclude(pk__in=wanted).delete()

    written = []
    [pending_release] = by_model[Release]
    new = pending_release.object
    for name in RELEASE_KEEPS:
        attname = Release._meta.get_field(name).attname
        setattr(new, attname, getattr(release, attname))
    # A form opened on this content is refused after any change, pending or live.
    new.version = new.version + release.version - change.base_version
    _write(pending_release, for_real)
    written.append(new)

    fresh_keys = {}
    for model, _path in PARTS:
        for deserialized in by_model.get(model, []):
            row = deserialized.object
            for attname, parent in PARENT_KEYS.get(model, []):
                old = getattr(row, attname)
                setattr(row, attname, fresh_keys.get((parent, old), old))
            if hasattr(row, "release_id"):
                row.release_id = release.pk
            old_pk = row.pk
            if old_pk not in existing[model] and (
                for_real or model.objects.filter(pk=old_pk).exists()
            ):
                row.pk = None
            _write(deserialized, for_real)
            if row.pk != old_pk:
                fresh_keys[(model, old_pk)] = row.pk
            written.append(row)
    return written


def _write(deserialized, for_real):
    row = deserialized.object
    if for_real:
        row.save()
        for name, pks in (deserialized.m2m_data or {}).items():
            getattr(row, name).set(pks)
    else:
        deserialized.save()


def check_publisher(user):
    if not workflow.can_publish(user):
        raise PermissionDenied(_("Only publishers can publish changes to a live release."))


def check_note(note_ja):
    if not (note_ja or "").strip():
        raise ValidationError(
            _("Say what changed, in Japanese at least: the note is kept in the history."),
            code="required",
        )


@transaction.atomic
def publish(release, user, *, note_ja, note_en="", major=False):
    """Make the pending changes of `release` what the public sees; returns the ReleaseUpdate.
    Call it inside a reversion revision to keep the published version in the history."""
    check_publisher(user)
    check_note(note_ja)
    change = PendingChange.objects.select_for_update().filter(release_id=release.pk).first()
    if change is None:
        raise ValidationError(_("This release has no changes waiting."), code="nothing")
    return _publish(change, user, note_ja=note_ja, note_en=note_en, major=major)


def _publish(change, user, *, note_ja, note_en, major):
    now = timezone.now()
    rows = apply(change, for_real=True)
    release = rows[0]
    if major:
        Release.objects.filter(pk=release.pk).update(last_major_update=now)
        release.last_major_update = now
    update = ReleaseUpdate.objects.create(
        release=release,
        published_at=now,
        note_ja=note_ja.strip(),
        note_en=(note_en or "").strip(),
        major=major,
        written_by=change.saved_by,
        published_by=user,
    )
    change.delete()
    if reversion.is_active():
        for row in rows:
            reversion.add_to_revision(row)
        reversion.set_user(user)
        reversion.set_comment(_history_comment(update))
    release_updated.send(sender=Release, release=release, update=update)
    return update


def _history_comment(update):
    texts = {"ja": update.note_ja, "en": update.note_en or update.note_ja}
    return json.dumps(texts, ensure_ascii=False)


@transaction.atomic
def schedule(release, user, at, *, note_ja, note_en="", major=False):
    """Publish the pending changes of `release` at `at`, a future moment."""
    check_publisher(user)
    check_note(note_ja)
    if at is None or at <= timezone.now():
        raise ValidationError(_("The time must be in the future."), code="past")
    change = PendingChange.objects.select_for_update().filter(release_id=release.pk).first()
    if change is None:
        raise ValidationError(_("This release has no changes waiting."), code="nothing")
    change.publish_at = at
    change.scheduled_by = user
    change.note_ja, change.note_en, change.major = note_ja.strip(), note_en.strip(), major
    change.save()
    transaction.on_commit(lambda: publish_pending_changes.using(run_after=at).enqueue())
    return change


@task()
def publish_pending_changes():
    """Publish the changes planned for now or earlier (`schedule` enqueues this to run at the
    planned moment; each run publishes whatever is due, so a second run, or one for a plan
    changed since, does nothing wrong). The worker's queue is a table: a plan survives a
    restart."""
    return publish_due()


def publish_due(now=None):
    """Publish every pending change whose planned moment has come; returns how many."""
    now = now or timezone.now()
    done = 0
    for release_id in PendingChange.objects.filter(publish_at__lte=now).values_list(
        "release_id", flat=True
    ):
        with transaction.atomic():
            change = (
                PendingChange.objects.select_for_update()
                .filter(release_id=release_id, publish_at__lte=now)
                .first()
            )
            if change is None:
                continue
            user = change.scheduled_by
            if user is None or not workflow.can_publish(user):
                # The publisher who planned it can no longer publish: it waits for another.
                change.publish_at = None
                change.save(update_fields=["publish_at"])
                continue
            with reversion.create_revision(atomic=False):
                _publish(
                    change, user, note_ja=change.note_ja, note_en=change.note_en, major=change.major
                )
            done += 1
    return done


def discard(release, user):
    """Forget the pending changes of `release`."""
    PendingChange.objects.filter(release_id=release.pk).delete()


def live_snapshots(release):
    """Snapshots (core.history) of the release and its rows as the tables hold them now."""
    snapshots = []
    for row in rows_of(release):
        m2m = {
            f.attname: sorted(getattr(row, f.name).values_list("pk", flat=True))
            for f in row._meta.many_to_many
            if f.remote_field.through._meta.auto_created
        }
        snapshots.append(snapshot(row, m2m))
    return snapshots


def comparison(change):
    """What publishing `change` would change, as core.history.compare_snapshots says it: the
    pending content is applied in a transaction rolled back afterwards, so that rows it adds
    are named as they will be."""
    release = Release.objects.get(pk=change.release_id)
    with rolled_back():
        old = live_snapshots(release)
        apply(change)
        new = live_snapshots(release)
        diffs = compare_snapshots(old[0], _by_key(old[1:]), new[0], _by_key(new[1:]))
    return diffs


def _by_key(snapshots):
    return {(s.content_type_id, s.object_id): s for s in snapshots}


class _RolledBack(Exception):
    pass


@contextmanager
def rolled_back():
    """A transaction that never commits, and whose writes no receiver reacts to."""
    try:
        with (
            transaction.atomic(),
            mute_signals(pre_save, post_save, pre_delete, post_delete, m2m_changed),
        ):
            yield
            raise _RolledBack
    except _RolledBack:
        pass


@receiver(release_unpublished)
def apply_to_draft(sender, release, **kwargs):
    """A live release went back to draft: its pending changes, if any, become its content."""
    change = PendingChange.objects.select_for_update().filter(release_id=release.pk).first()
    if change is not None:
        apply(change, for_real=True)
        change.delete()
        release.refresh_from_db(fields=["version", "updated_at"])
