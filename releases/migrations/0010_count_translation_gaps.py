"""Count the English texts that existing releases miss. Nothing is out of date yet: the marks
that tell it start with each row's next save."""

from django.db import migrations
from django.db.models import Prefetch

from releases.translation_status import BATCH_SIZE, release_gaps, summary

# The translated fields as they are at this migration (releases/translation.py and
# directory/translation.py), since a migration's models are not modeltranslation's.
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
            gaps = release_gaps(release, fields_of=FIELDS.__getitem__)
            if gaps:  # the rest keep the defaults: nothing missing (a write per row is costly)
                release.english_missing, release.english_outdated = summary(gaps)
                release.translation_gaps = [gap.as_data() for gap in gaps]
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
