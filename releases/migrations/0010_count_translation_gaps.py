"""Count the English texts that existing releases miss. Nothing is out of date yet: the marks
that tell it start with each row's next save.

The migration carries its own copy of the rule as it was when it was written
(releases.translation_status and core.translations then), so that later changes to those
modules cannot change what it does."""

import re

from django.db import migrations
from django.db.models import Prefetch

BATCH_SIZE = 500
# Kana, CJK ideographs and half-width katakana: such text needs an English translation.
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")

# The translated fields as they are at this migration (releases/translation.py and
# people/translation.py), since a migration's models are not modeltranslation's.
FIELDS = {
    "releases.release": ["title", "subtitle", "lead", "department", "withdrawal_reason"],
    "releases.section": ["heading", "body"],
    "releases.contact": ["department", "persons"],
    "releases.meeting": ["title", "place", "summary"],
    "releases.meetingparticipant": ["title"],
    "releases.agreement": ["title", "subject"],
    "releases.photo": ["caption", "credit", "alt_text"],
    "people.official": ["name"],
    "people.organization": ["name", "short_name"],
}


def text(obj, field, language):
    return (getattr(obj, f"{field}_{language}", "") or "").strip()


def row_gaps(obj, part=(), named=False):
    """The missing English texts of one row, as the release keeps them (Gap.as_data())."""
    return [
        {
            "part": [list(step) for step in part],
            "model": obj._meta.label_lower,
            "pk": obj.pk,
            "field": field,
            "state": "missing",
            "ja_at": None,
            "en_at": None,
            "name": str(getattr(obj, f"{field}_ja", "")) if named else "",
        }
        for field in FIELDS[obj._meta.label_lower]
        if JAPANESE.search(text(obj, field, "ja")) and not text(obj, field, "en")
    ]


def release_gaps(release):
    """Every missing English text of `release`, in the order of its page."""
    gaps = row_gaps(release) + row_gaps(release.issuer, named=True)
    for n, section in enumerate(release.sections.all(), 1):
        gaps += row_gaps(section, (("section", n),))
    officials = {}
    for n, meeting in enumerate(release.meetings.all(), 1):
        gaps += row_gaps(meeting, (("meeting", n),))
        for m, participation in enumerate(meeting.participations.all(), 1):
            gaps += row_gaps(participation, (("meeting", n), ("meetingparticipant", m)))
            officials.setdefault(participation.official_id, participation.official)
    organisations = {}
    for n, link in enumerate(release.agreement_links.all(), 1):
        gaps += row_gaps(link.agreement, (("agreement", n),))
        for party in link.agreement.parties.all():
            if party.pk != release.issuer_id:
                organisations.setdefault(party.pk, party)
    for official in officials.values():
        gaps += row_gaps(official, named=True)
    for organisation in organisations.values():
        gaps += row_gaps(organisation, named=True)
    for n, photo in enumerate(release.photos.all(), 1):
        gaps += row_gaps(photo, (("photo", n),))
    for n, contact in enumerate(release.contacts.all(), 1):
        gaps += row_gaps(contact, (("contact", n),))
    return gaps


def count_gaps(apps, schema_editor):
    Release = apps.get_model("releases", "Release")
    Meeting = apps.get_model("releases", "Meeting")
    ReleaseAgreement = apps.get_model("releases", "ReleaseAgreement")
    meetings = Meeting.objects.prefetch_related("participations__official")
    links = ReleaseAgreement.objects.select_related("agreement").prefetch_related(
        "agreement__parties"
    )
    ids = list(Release.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH_SIZE):
        batch = (
            Release.objects.filter(pk__in=ids[start : start + BATCH_SIZE])
            .select_related("issuer")
            .prefetch_related(
                "sections",
                "contacts",
                "photos",
                Prefetch("meetings", queryset=meetings),
                Prefetch("agreement_links", queryset=links),
            )
        )
        changed = []
        for release in batch:
            gaps = release_gaps(release)
            if gaps:  # the rest keep the defaults: nothing missing (a write per row is costly)
                release.english_missing, release.english_outdated = len(gaps), 0
                release.translation_gaps = gaps
                changed.append(release)
        Release.objects.bulk_update(
            changed, ["english_missing", "english_outdated", "translation_gaps"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0009_translation_status"),
        ("people", "0006_translation_marks"),
    ]

    operations = [migrations.RunPython(count_gaps, migrations.RunPython.noop)]
