from django.core.management.base import BaseCommand

from core.cache import content_changed
from releases.archive import refresh_archive_counts
from releases.models import Agreement, refresh_signatures

BATCH_SIZE = 1000


class Command(BaseCommand):
    help = (
        "Recount the public archive's counts (the list's facets, the countries page, the "
        "officials' totals) for every year, and rewrite the officials' signatures (the latest "
        "agreements an official's page lists), after writes that send no signals "
        "(bulk_create, update())."
    )

    def handle(self, *args, **options):
        years = refresh_archive_counts()
        ids = list(Agreement.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH_SIZE):
            refresh_signatures(ids[start : start + BATCH_SIZE])
        content_changed()  # pages must show the new counts
        self.stdout.write(self.style.SUCCESS(f"Archive counts rebuilt for {len(years)} years."))
