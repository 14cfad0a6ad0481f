from django.core.management.base import BaseCommand

from core.cache import content_changed
from releases.archive import refresh_archive_counts


class Command(BaseCommand):
    help = (
        "Recount the public archive's counts (the list's facets, the countries page, the "
        "officials' totals) for every year, after writes that send no signals (bulk_create, "
        "update())."
    )

    def handle(self, *args, **options):
        years = refresh_archive_counts()
        content_changed()  # pages must show the new counts
        self.stdout.write(self.style.SUCCESS(f"Archive counts rebuilt for {len(years)} years."))
