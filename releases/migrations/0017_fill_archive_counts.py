"""Count the existing releases into the archive counts. Carries its own copy of the counting
(releases.archive.count_year as it is at this migration), so later changes there do not
change what this migration did."""

import datetime
from collections import Counter, defaultdict

from django.db import migrations
from django.db.models import Count, Min, Q
from django.utils import timezone


def _start_of(year):
    return timezone.make_aware(datetime.datetime(year, 1, 1))


def fill(apps, schema_editor):
    Release = apps.get_model("releases", "Release")
    Meeting = apps.get_model("releases", "Meeting")
    Agreement = apps.get_model("releases", "Agreement")
    ReleaseAgreement = apps.get_model("releases", "ReleaseAgreement")
    ArchiveCount = apps.get_model("releases", "ArchiveCount")
    Links = Release.countries.through
    published = Release.objects.filter(status="published")
    years = {timezone.localtime(m).year for m in published.values_list("published_at", flat=True)}
    for year in sorted(years):
        releases = published.filter(
            published_at__gte=_start_of(year), published_at__lt=_start_of(year + 1)
        )
        links = Links.objects.filter(release__in=releases).order_by()
        rows = defaultdict(lambda: [0, 0, 0])
        rows[None, None][0] = releases.count()
        for country_id, n in links.values_list("country_id").annotate(n=Count("pk")):
            rows[None, country_id][0] = n
        pairs = links.values_list("country_id", "release__countries").annotate(n=Count("pk"))
        for within_id, country_id, n in pairs:
            rows[within_id, country_id][0] = n
        meetings = Meeting.objects.filter(release__in=releases).order_by()
        for country_id, n in meetings.values_list("country_id").annotate(n=Count("pk")):
            rows[None, country_id][1] = n
        reported = ReleaseAgreement.objects.filter(release__in=releases).values("agreement_id")
        first = Min(
            "release_links__release__published_at",
            filter=Q(release_links__release__status="published"),
        )
        agreements = Agreement.objects.filter(pk__in=reported, country__isnull=False).order_by()
        firsts = agreements.annotate(first=first).values_list("country_id", "first")
        counted = Counter(c for c, moment in firsts if timezone.localtime(moment).year == year)
        for country_id, n in counted.items():
            rows[None, country_id][2] = n
        ArchiveCount.objects.bulk_create(
            ArchiveCount(
                year=year,
                within_id=within_id,
                country_id=country_id,
                releases=releases_n,
                meetings=meetings_n,
                agreements=agreements_n,
            )
            for (within_id, country_id), (releases_n, meetings_n, agreements_n) in rows.items()
        )


class Migration(migrations.Migration):
    dependencies = [("releases", "0016_archive_counts")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
