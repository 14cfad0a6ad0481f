"""Derived data follows every change, whoever makes it: the admin, a shell, an import. Search
text, translation status and the release's PDFs (below) and photo renditions (at the end), each
once the transaction commits. (The PDFs are made by a task: `releases.tasks`.)

A release's search text copies its own text and the names of what it shows (officials,
organisations, countries, agreements). Each change here marks the releases it touches; they are
refreshed once, when the transaction commits, however many rows the transaction saved. A
transaction that rolls back refreshes nothing. Rows written with `bulk_create` or `update()`
send no signals: whoever writes that way calls `refresh_search_text()` (as `generate_releases`
computes the text itself), gives participations their meeting's date (`meeting_date`) and
writes the signatures of the agreements (`refresh_signatures()`).

Posts are not followed: a meeting keeps the title an official held on its day, copied from the
post when the participant was added, so renaming a post changes no release.

This module also defines the publishing workflow's own signals, for apps above this one (alerts)
to act on; releases imports none of their receivers.
"""

import logging
import threading

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import Signal

from core.cache import content_changed
from people.models import Country, Official, Organization

from . import archive, pdf, renditions
from .models import (
    Agreement,
    Attachment,
    Contact,
    Meeting,
    MeetingParticipant,
    PendingChange,
    Photo,
    Release,
    ReleaseAgreement,
    ReleaseRedirect,
    Section,
    Signature,
    refresh_signatures,
)
from .search import refresh_search_text, releases_showing
from .tasks import enqueue_release_pdfs
from .translation_status import refresh_translation_status

logger = logging.getLogger(__name__)

# Sent by the workflow inside its transaction. A release became public now (argument: release).
release_published = Signal()
# A release will become public at release.published_at, a future moment (argument: release).
release_scheduled = Signal()
# Changes to a live release were published (arguments: release, update, a ReleaseUpdate).
release_updated = Signal()
# Sent with `release` when a live release goes back to draft (releases.workflow.unpublish), in
# its transaction: changes waiting for a publisher become the draft's content (releases.drafts).
release_unpublished = Signal()


class _PendingRefresh:
    """The releases one transaction touched. Every change registers the same batch on commit;
    the first call refreshes what is pending, later calls find nothing left (or, where tests
    run callbacks before the transaction ends, what came since)."""

    def __init__(self):
        self.release_ids = set()
        self.meeting_ids = set()
        self.shown = {}  # (model, pk) -> releases_showing() of that row, evaluated on commit
        self.done = False

    def __call__(self):
        self.done = True
        ids, self.release_ids = self.release_ids, set()
        meeting_ids, self.meeting_ids = self.meeting_ids, set()
        shown, self.shown = self.shown, {}
        if meeting_ids:
            meetings = Meeting.objects.filter(pk__in=meeting_ids)
            ids.update(meetings.values_list("release_id", flat=True))
        for releases in shown.values():
            ids.update(releases.values_list("pk", flat=True))
        if ids:
            refresh_search_text(sorted(ids))
            refresh_translation_status(sorted(ids))
            try:
                enqueue_release_pdfs(sorted(ids))
            except Exception:  # noqa: BLE001 - the save is committed; a request makes the PDF
                logger.exception("Could not enqueue the PDFs of releases %s", sorted(ids))


# Per thread, the batch of the transaction in progress. One left by a transaction that rolled
# back is reused by the next, which registers it again (refreshing a few more rows is harmless).
_pending = threading.local()


def _mark(release_ids=(), meeting_ids=(), shown=None):
    batch = getattr(_pending, "batch", None)
    if batch is None or batch.done:
        batch = _pending.batch = _PendingRefresh()
    batch.release_ids.update(i for i in release_ids if i is not None)
    batch.meeting_ids.update(i for i in meeting_ids if i is not None)
    if shown is not None:
        batch.shown[(type(shown), shown.pk)] = releases_showing(shown)
    # Outside a transaction this runs it at once; inside, when the outermost one commits.
    transaction.on_commit(batch)


# What the public sees of a release, and so of its parts: a published one (a scheduled one too:
# its moment bounds how long pages are cached) or a withdrawn one (its page shows the notice).
# A change to a draft leaves the public caches as they are.
SEEN = (Release.Status.PUBLISHED, Release.Status.WITHDRAWN)
# Per thread, the releases about to be saved that the public saw before the save (unpublished
# by it: the row no longer says so).
_seen_before = threading.local()


def _seen(**lookup):
    return Release.objects.filter(status__in=SEEN, **lookup).exists()


def _release_deleted(sender, instance, **kwargs):
    """A deleted release's PDFs go with it (its parts' rows go by cascade; the files stay)."""
    pk = instance.pk
    transaction.on_commit(lambda: pdf.remove_pdfs(pk), robust=True)


def _release_saving(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk and instance.status not in SEEN and _seen(pk=instance.pk):
        _seen_before.ids = {*getattr(_seen_before, "ids", ()), instance.pk}


def _release_saved_or_deleted(sender, instance, using, **kwargs):
    ids = getattr(_seen_before, "ids", set())
    was_seen = instance.pk in ids
    ids.discard(instance.pk)
    if instance.status in SEEN or was_seen:
        content_changed(using)


def _release_row_changed(sender, instance, using, **kwargs):
    """A section, meeting, participant, photo, contact or agreement link changed."""
    if isinstance(instance, MeetingParticipant):
        seen = _seen(meetings=instance.meeting_id)
    else:
        seen = _seen(pk=instance.release_id)
    if seen:
        content_changed(using)


def _release_links_changed(sender, instance, action, using, **kwargs):
    """A release's countries or agreements, or a meeting's participants, added or removed."""
    if not action.startswith("post_"):
        return
    if isinstance(instance, Release):
        seen = instance.status in SEEN
    elif isinstance(instance, Meeting):
        seen = _seen(pk=instance.release_id)
    else:  # from the shared side (a country, an agreement, an official): shown anyway
        seen = True
    if seen:
        content_changed(using)


# The models whose changes are public only when their release is (`core.signals.watch` leaves
# them to the receivers above); the rest of the app (agreements, their parties and signatories)
# is shared and public.
FOLLOWED = (
    Release,
    Section,
    Meeting,
    MeetingParticipant,
    Photo,
    Attachment,
    Contact,
    ReleaseAgreement,
    Release.countries.through,
    # Changes waiting for a publisher: nothing the public sees.
    PendingChange,
    # Derived: written with a change to its agreement, which the caches follow.
    Signature,
)


def _release_part_changed(sender, instance, **kwargs):
    _mark(release_ids=[instance.release_id])


def _participant_changed(sender, instance, **kwargs):
    _mark(meeting_ids=[instance.meeting_id])


def _meeting_date_of(rows):
    """Give participations (a queryset) their meeting's date: MeetingParticipant.meeting_date."""
    date = Meeting.objects.filter(pk=OuterRef("meeting_id")).values("date")[:1]
    rows.update(meeting_date=Subquery(date))


def _participant_saving(sender, instance, **kwargs):
    # Raw saves too (a restored version, a fixture): the copy is never restored as it was.
    instance.meeting_date = (
        Meeting.objects.filter(pk=instance.meeting_id).values_list("date", flat=True).first()
    )


def _meeting_saved(sender, instance, created=False, raw=False, **kwargs):
    # Its participations follow a new date; `update()` sends no signal (nothing else changed).
    # A new meeting has none yet, unless its rows are loaded as they were (a fixture, a restore).
    if created and not raw:
        return
    instance.participations.exclude(meeting_date=instance.date).update(meeting_date=instance.date)


def _participants_added(sender, instance, action, reverse, pk_set, **kwargs):
    # `meeting.participants.add()` writes its rows with bulk_create: no pre_save.
    if action == "post_add" and pk_set:
        if reverse:  # official.meetings.add(meetings)
            rows = MeetingParticipant.objects.filter(official=instance, meeting_id__in=pk_set)
        else:
            rows = MeetingParticipant.objects.filter(meeting=instance, official_id__in=pk_set)
        _meeting_date_of(rows)


def _agreement_dated(sender, instance, created=False, raw=False, **kwargs):
    # Raw saves too (a restored version): its signatures follow the date it takes back. A new
    # agreement has none yet, unless its rows are loaded as they were (a fixture, a restore).
    if created and not raw:
        return
    day = instance.signed_on or Signature.UNDATED
    Signature.objects.filter(agreement=instance).exclude(signed_on=day).update(signed_on=day)


def _signatories_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Signatories added, removed or cleared, from either side: the `Signature` rows follow."""
    if not action.startswith("post_"):
        return
    if reverse and action == "post_clear":  # all an official's signatures taken back
        Signature.objects.filter(official=instance).delete()
    else:
        refresh_signatures(pk_set if reverse else [instance.pk])


def _release_changed(sender, instance, created=False, raw=False, **kwargs):
    if not raw:
        _mark(release_ids=[instance.pk])


def _shown_row_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _mark(shown=instance)


def _shown_row_deleted(sender, instance, **kwargs):
    # Before the deletion: the links that say which releases show it go with it (Django sends
    # no signal for the rows of a many-to-many table).
    _mark(release_ids=releases_showing(instance).values_list("pk", flat=True))


def _release_countries_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action.startswith("post_"):
            _mark(release_ids=[instance.pk])
    elif action in ("post_add", "post_remove"):
        _mark(release_ids=pk_set)
    elif action == "pre_clear":
        _mark(release_ids=instance.releases.values_list("pk", flat=True))


def _agreement_names_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Parties or signatories added, removed or cleared, from either side."""
    if not reverse:
        if action.startswith("post_"):
            _mark(shown=instance)
        return
    if action in ("post_add", "post_remove"):
        agreement_ids = pk_set
    elif action == "pre_clear":
        name = instance._meta.model_name  # the link table's column: organization or official
        links = sender.objects.filter(**{name: instance})
        agreement_ids = links.values_list("agreement_id", flat=True)
    else:
        return
    for pk in agreement_ids:
        _mark(shown=Agreement(pk=pk))


def _photo_saved(sender, instance, **kwargs):
    """A saved photo gets its renditions, once, after the commit. A failure (the storage down)
    is logged and leaves pages showing the original; `make_renditions` makes what is missing."""
    if instance.image and not renditions.is_current(instance):
        transaction.on_commit(lambda: _make_renditions(instance.pk), robust=True)


def _make_renditions(pk):
    photo = Photo.objects.filter(pk=pk).first()
    if photo is not None and not renditions.is_current(photo):
        renditions.make_renditions(photo)


# The archive counts (releases.archive): what the changes of this thread touched, recounted on
# commit. Marks left by a transaction that rolled back are recounted with the next commit,
# which costs a recount and changes nothing.
_archive_marks = threading.local()
# What a row was before it is saved: the year its counts leave, the release and agreement
# it leaves.
_BEFORE = {
    Release: ("published_at",),
    Meeting: ("release_id",),
    MeetingParticipant: ("meeting_id",),
    ReleaseAgreement: ("release_id", "agreement_id"),
}


def _pending_marks():
    marks = getattr(_archive_marks, "pending", None)
    if marks is None:
        marks = _archive_marks.pending = {"releases": set(), "agreements": set(), "years": set()}
    return marks


def _archive_changed(sender, instance, signal, **kwargs):
    """A change to what the archive counts (a release's status, moment or countries; a meeting,
    its country, the officials at it; an agreement, its country or its releases): its years are
    recounted once the transaction commits. Not for rows loaded as they are (a restore,
    fixtures): the archive counts come with them."""
    if kwargs.get("raw"):
        return
    marks = _pending_marks()
    if signal is m2m_changed:
        action = kwargs["action"]
        if not kwargs["reverse"]:
            marks["releases"].add(instance.pk)
        elif action == "pre_clear":
            marks["releases"].update(instance.releases.values_list("pk", flat=True))
        elif kwargs["pk_set"]:
            marks["releases"].update(kwargs["pk_set"])
    elif signal is pre_delete:  # a country: the links to its releases go without a signal
        marks["releases"].update(instance.releases.values_list("pk", flat=True))
    elif isinstance(instance, Agreement):
        marks["agreements"].add(instance.pk)
    else:
        row = {name: getattr(instance, name, None) for name in ("published_at", *_BEFORE[sender])}
        if signal is pre_save:
            if instance.pk is None:
                return
            fields = _BEFORE[sender]
            if sender is Release and kwargs["update_fields"] is not None:
                fields = [name for name in fields if name in kwargs["update_fields"]]
            if not fields:
                return
            row = sender.objects.filter(pk=instance.pk).values(*fields).first() or {}
        if sender is MeetingParticipant:  # an official at a meeting: its release's counts
            meetings = Meeting.objects.filter(pk=row.get("meeting_id"))
            row["release_id"] = meetings.values_list("release_id", flat=True).first()
        if row.get("published_at"):
            marks["years"].add(archive.year_of(row["published_at"]))
        marks["releases"].add(instance.pk if sender is Release else row.get("release_id"))
        marks["agreements"].add(row.get("agreement_id"))
    # Not before a save: outside a transaction the callback would run at once, before it.
    if signal is not pre_save:
        transaction.on_commit(_recount_archive, robust=True)


def _officials_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Officials added to or taken from a meeting or an agreement with `add()`, `remove()`,
    `set()` or `clear()` (which save no row one by one): the years of the releases reporting
    the meeting or the agreement are recounted (the officials' counts)."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        ids = {instance.pk}
    elif action == "pre_clear":  # an official's own: the rows go without naming them
        related = instance.meetings if sender is MeetingParticipant else instance.signed_agreements
        ids = set(related.values_list("pk", flat=True))
    else:
        ids = pk_set or set()
    marks = _pending_marks()
    if sender is MeetingParticipant:
        meetings = Meeting.objects.filter(pk__in=ids)
        marks["releases"].update(meetings.values_list("release_id", flat=True))
    else:
        marks["agreements"].update(ids)
    transaction.on_commit(_recount_archive, robust=True)


def _recount_archive():
    marks = getattr(_archive_marks, "pending", None)
    _archive_marks.pending = None
    if marks:
        years = marks["years"] | archive.years_touched(marks["releases"], marks["agreements"])
        archive.refresh_archive_counts(years)


# Old addresses: a release whose slug changes keeps its old address, which answers 301 with
# the new one (ReleaseRedirect), whoever changed it (the admin, a shell, an import).


def _slug_saving(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not instance.pk or (update_fields is not None and "slug" not in update_fields):
        return
    before = Release.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    instance._slug_before = before


def _slug_saved(sender, instance, raw=False, **kwargs):
    before = instance.__dict__.pop("_slug_before", None)
    if raw or not before or before == instance.slug:
        return
    # Its own earlier address taken back: no longer an old one (it would lead to itself).
    ReleaseRedirect.objects.filter(old_slug=instance.slug, release=instance).delete()
    ReleaseRedirect.objects.get_or_create(
        old_slug=before, defaults={"release": instance, "kind": ReleaseRedirect.Kind.MOVED}
    )


def connect():
    pre_save.connect(_slug_saving, sender=Release, dispatch_uid="redirect-release")
    post_save.connect(_slug_saved, sender=Release, dispatch_uid="redirect-release")
    for model in (Section, Meeting, Photo, ReleaseAgreement, Contact):
        post_save.connect(_release_part_changed, sender=model, dispatch_uid=f"search-{model}")
        post_delete.connect(_release_part_changed, sender=model, dispatch_uid=f"search-{model}")
    post_save.connect(_participant_changed, sender=MeetingParticipant, dispatch_uid="search-mp")
    post_delete.connect(_participant_changed, sender=MeetingParticipant, dispatch_uid="search-mp")
    post_save.connect(_release_changed, sender=Release, dispatch_uid="search-release")
    pre_save.connect(_participant_saving, sender=MeetingParticipant, dispatch_uid="date-mp")
    post_save.connect(_meeting_saved, sender=Meeting, dispatch_uid="date-meeting")
    m2m_changed.connect(_participants_added, sender=MeetingParticipant, dispatch_uid="date-mp")
    post_save.connect(_agreement_dated, sender=Agreement, dispatch_uid="date-agreement")
    m2m_changed.connect(
        _signatories_changed, sender=Agreement.signatories.through, dispatch_uid="date-signed"
    )
    for model in (Official, Organization, Country, Agreement):
        post_save.connect(_shown_row_changed, sender=model, dispatch_uid=f"search-{model}")
    for model in (Official, Organization, Country):
        pre_delete.connect(_shown_row_deleted, sender=model, dispatch_uid=f"search-{model}")
    m2m_changed.connect(
        _release_countries_changed, sender=Release.countries.through, dispatch_uid="search-rc"
    )
    for through in (Agreement.parties.through, Agreement.signatories.through):
        m2m_changed.connect(
            _agreement_names_changed, sender=through, dispatch_uid=f"search-{through}"
        )
    post_save.connect(_photo_saved, sender=Photo, dispatch_uid="renditions-photo")
    pre_save.connect(_release_saving, sender=Release, dispatch_uid="cache-release")
    post_save.connect(_release_saved_or_deleted, sender=Release, dispatch_uid="cache-release")
    post_delete.connect(_release_saved_or_deleted, sender=Release, dispatch_uid="cache-release")
    post_delete.connect(_release_deleted, sender=Release, dispatch_uid="pdf-release")
    for model in (
        Section,
        Meeting,
        MeetingParticipant,
        Photo,
        Attachment,
        Contact,
        ReleaseAgreement,
    ):
        post_save.connect(_release_row_changed, sender=model, dispatch_uid=f"cache-{model}")
        post_delete.connect(_release_row_changed, sender=model, dispatch_uid=f"cache-{model}")
    for through in (Release.countries.through, MeetingParticipant, ReleaseAgreement):
        m2m_changed.connect(_release_links_changed, sender=through, dispatch_uid=f"cache-{through}")
    for model in (Release, Meeting, MeetingParticipant, ReleaseAgreement, Agreement):
        for signal in (pre_save, post_save, post_delete):
            signal.connect(_archive_changed, sender=model, dispatch_uid=f"archive-{model}")
    for through in (MeetingParticipant, Agreement.signatories.through):
        m2m_changed.connect(_officials_changed, sender=through, dispatch_uid=f"archive-{through}")
    m2m_changed.connect(
        _archive_changed, sender=Release.countries.through, dispatch_uid="archive-rc"
    )
    pre_delete.connect(_archive_changed, sender=Country, dispatch_uid="archive-country")
