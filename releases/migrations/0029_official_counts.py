"""The officials' counts (OfficialCount): per local year, the meetings with each official that
releases with status published report, and the agreements each official signed, counted in the
year of the agreement's first such release. Filled here for existing sites, with its own copy
of that counting (releases.archive.count_officials as it is at this migration)."""

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Min, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone


def fill(apps, schema_editor):
    Agreement = apps.get_model("releases", "Agreement")
    MeetingParticipant = apps.get_model("releases", "MeetingParticipant")
    OfficialCount = apps.get_model("releases", "OfficialCount")
    counts = defaultdict(lambda: [0, 0])
    participations = (
        MeetingParticipant.objects.filter(meeting__release__status="published")
        .annotate(year=ExtractYear("meeting__release__published_at"))  # the local year
        .order_by()
        .values_list("official_id", "year")
        .annotate(n=Count("pk"))
    )
    for official_id, year, n in participations:
        counts[official_id, year][0] = n
    first = Min(
        "release_links__release__published_at",
        filter=Q(release_links__release__status="published"),
    )
    firsts = Agreement.objects.annotate(first=first).filter(first__isnull=False).order_by()
    years = {
        pk: timezone.localtime(moment).year for pk, moment in firsts.values_list("pk", "first")
    }
    signatures = Agreement.signatories.through.objects.values_list("agreement_id", "official_id")
    for agreement_id, official_id in signatures.iterator():
        if agreement_id in years:
            counts[official_id, years[agreement_id]][1] += 1
    OfficialCount.objects.bulk_create(
        (
            OfficialCount(official_id=official_id, year=year, meetings=meetings, agreements=signed)
            for (official_id, year), (meetings, signed) in counts.items()
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0007_deterministic_orderings"),
        ("releases", "0028_archive_count_all_agreements"),
    ]

    operations = [
        migrations.CreateModel(
            name="OfficialCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField()),
                ("meetings", models.PositiveIntegerField(default=0)),
                ("agreements", models.PositiveIntegerField(default=0)),
                (
                    "official",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.official",
                    ),
                ),
            ],
            options={
                "verbose_name": "official count",
                "verbose_name_plural": "official counts",
                "constraints": [
                    models.UniqueConstraint(fields=("official", "year"), name="official_count_once")
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
