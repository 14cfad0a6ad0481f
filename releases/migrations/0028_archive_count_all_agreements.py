"""The archive counts' row of no country (per year, `within` and `country` both empty) now
counts every agreement in the year of its first release with status published, those of no
country too: the agreements register's total. Carries its own copy of that counting
(releases.archive.count_year as it is at this migration)."""

from collections import Counter

from django.db import migrations
from django.db.models import Min, Q
from django.utils import timezone


def fill(apps, schema_editor):
    Agreement = apps.get_model("releases", "Agreement")
    ArchiveCount = apps.get_model("releases", "ArchiveCount")
    first = Min(
        "release_links__release__published_at",
        filter=Q(release_links__release__status="published"),
    )
    firsts = Agreement.objects.annotate(first=first).filter(first__isnull=False)
    by_year = Counter(
        timezone.localtime(moment).year
        for moment in firsts.order_by().values_list("first", flat=True)
    )
    ArchiveCount.objects.filter(within=None, country=None).exclude(year__in=by_year).update(
        agreements=0
    )
    for year, n in by_year.items():
        ArchiveCount.objects.update_or_create(
            year=year, within=None, country=None, defaults={"agreements": n}
        )


class Migration(migrations.Migration):
    dependencies = [("releases", "0027_release_full_text_index")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
