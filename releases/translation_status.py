"""A release's translation status: which English texts of the release, and of what it shows
(sections, meetings and their participants, agreements, photos, contacts, the officials and
organisations named), are missing or older than their Japanese (core.translations).

The admin's release page and the public English page work it out from the rows they load
(`release_gaps`); the release list, its filter and the page of what waits for translation read
the counts and the list that `refresh_translation_status` keeps on the release, refreshed with
its search text whenever it or anything it shows changes (releases.signals).
"""

from dataclasses import dataclass

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.translations import MISSING, OUTDATED, SOURCE, english_gaps

BATCH_SIZE = 500


@dataclass(frozen=True)
class Gap:
    """One English text to write (MISSING) or to check (OUTDATED)."""

    part: tuple  # ((model_name, number), ...): where in the release; () for the release itself
    model: str  # "app_label.model_name" of the row that holds the text
    pk: int
    field: str
    state: str
    japanese_changed: str | None = None  # ISO times, from the row's marks
    english_changed: str | None = None
    name: str = ""  # what the row is called, for officials and organisations

    def as_data(self):
        return {
            "part": [list(step) for step in self.part],
            "model": self.model,
            "pk": self.pk,
            "field": self.field,
            "state": self.state,
            "ja_at": self.japanese_changed,
            "en_at": self.english_changed,
            "name": self.name,
        }

    @classmethod
    def from_data(cls, data):
        return cls(
            part=tuple(tuple(step) for step in data["part"]),
            model=data["model"],
            pk=data["pk"],
            field=data["field"],
            state=data["state"],
            japanese_changed=data.get("ja_at"),
            english_changed=data.get("en_at"),
            name=data.get("name", ""),
        )

    @property
    def label(self):
        """Where the text is, in the current language: "Meeting 1 › Participant 2: Title"."""
        model = apps.get_model(self.model)
        field = capfirst(model._meta.get_field(self.field).verbose_name)
        steps = []
        for model_name, number in self.part:
            verbose = capfirst(apps.get_model("releases", model_name)._meta.verbose_name)
            steps.append(f"{verbose} {number}")
        if self.name:
            steps.append(f"{capfirst(model._meta.verbose_name)} {self.name}")
        return f"{' › '.join(steps)}: {field}" if steps else str(field)


def _row_gaps(obj, part=(), named=False, fields_of=None):
    label = obj._meta.label_lower
    fields = fields_of(label) if fields_of else None
    return [
        Gap(
            part=part,
            model=label,
            pk=obj.pk,
            field=field,
            state=state,
            japanese_changed=mark.get("ja_at"),
            english_changed=mark.get("en_at"),
            name=str(getattr(obj, f"{field}_ja", "")) if named else "",
        )
        for field, state, mark in english_gaps(obj, fields)
    ]


def release_gaps(release, fields_of=None):
    """Every Gap of `release`, in the order of its page; its parts prefetched as
    `Release.objects.with_details()` does (no query then). `fields_of(model_label)` names the
    translated fields where the models are not modeltranslation's (a migration's)."""

    def _gaps_of(obj, part=(), named=False):
        return _row_gaps(obj, part, named, fields_of)

    gaps = _gaps_of(release) + _gaps_of(release.issuer, named=True)
    for n, section in enumerate(release.sections.all(), 1):
        gaps += _gaps_of(section, (("section", n),))
    officials = {}
    for n, meeting in enumerate(release.meetings.all(), 1):
        gaps += _gaps_of(meeting, (("meeting", n),))
        for m, participation in enumerate(meeting.participations.all(), 1):
            gaps += _gaps_of(participation, (("meeting", n), ("meetingparticipant", m)))
            officials.setdefault(participation.official_id, participation.official)
    organisations = {}
    for n, link in enumerate(release.agreement_links.all(), 1):
        gaps += _gaps_of(link.agreement, (("agreement", n),))
        for party in link.agreement.parties.all():
            if party.pk != release.issuer_id:
                organisations.setdefault(party.pk, party)
    for official in officials.values():
        gaps += _gaps_of(official, named=True)
    for organisation in organisations.values():
        gaps += _gaps_of(organisation, named=True)
    for n, photo in enumerate(release.photos.all(), 1):
        gaps += _gaps_of(photo, (("photo", n),))
    for n, contact in enumerate(release.contacts.all(), 1):
        gaps += _gaps_of(contact, (("contact", n),))
    return gaps


def shown_in_japanese(release):
    """Where a page in another language shows the Japanese, its English being missing: labels
    of those texts ("Lead", "Photo 1: Caption"); [] on a Japanese page. Its parts are those the
    page prefetched: no query."""
    if get_language() == SOURCE:
        return []
    return [gap.label for gap in release_gaps(release) if gap.state == MISSING]


def summary(gaps):
    """(missing, outdated): how many English texts are missing, how many out of date."""
    return (
        sum(gap.state == MISSING for gap in gaps),
        sum(gap.state == OUTDATED for gap in gaps),
    )


def describe(missing, outdated):
    """ "2 missing, 1 out of date", or "Translated"."""
    if not (missing or outdated):
        return _("Translated")
    words = []
    if missing:
        words.append(_("%(n)d missing") % {"n": missing})
    if outdated:
        words.append(_("%(n)d out of date") % {"n": outdated})
    return ", ".join(words)


def refresh_translation_status(releases):
    """Recount the translation gaps of `releases` (rows or ids): a few queries per 500."""
    from .models import Release

    ids = [getattr(r, "pk", r) for r in releases]
    for start in range(0, len(ids), BATCH_SIZE):
        batch = Release.objects.filter(pk__in=ids[start : start + BATCH_SIZE]).with_details()
        changed = []
        for release in batch:
            gaps = release_gaps(release)
            status = (*summary(gaps), [gap.as_data() for gap in gaps])
            # Rows that do not change are not written (nor their search indexes touched).
            if status != (
                release.english_missing,
                release.english_outdated,
                release.translation_gaps,
            ):
                release.english_missing, release.english_outdated, release.translation_gaps = status
                changed.append(release)
        Release.objects.bulk_update(
            changed, ["english_missing", "english_outdated", "translation_gaps"]
        )
    return len(ids)
