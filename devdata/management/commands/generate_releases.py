from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.cache import content_changed
from devdata import synthetic
from releases.archive import refresh_archive_counts


class Command(BaseCommand):
    help = (
        "Development and benchmarks: write N synthetic releases (both languages, meetings, "
        "officials, agreements, contacts, photos) over the last fifteen years. Their slugs start "
        f"with '{synthetic.SLUG_PREFIX}'; --clear deletes those rows and nothing else."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", nargs="?", type=int, default=0, help="Releases to write.")
        parser.add_argument("--seed", type=int, help="Same seed, same releases (on the same day).")
        parser.add_argument(
            "--clear",
            action="store_true",
            help="First delete the synthetic releases, agreements, officials and organisations.",
        )
        parser.add_argument("--batch-size", type=int, default=synthetic.BATCH_SIZE)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run with DEBUG off too: only on a throwaway database, such as the benchmark's.",
        )

    def handle(self, *args, count, seed, clear, batch_size, force, **options):
        if count < 0 or batch_size < 1:
            raise CommandError("The count cannot be negative, the batch size must be positive.")
        if not (count or clear):
            raise CommandError("Give a number of releases to write, or --clear.")
        if not settings.DEBUG and not force:
            # Synthetic releases are published: on a real site the public would see them.
            raise CommandError(
                "DEBUG is off, so this may be a production database. "
                "Pass --force if it is a throwaway one."
            )
        if clear:
            deleted = synthetic.clear()
            summary = ", ".join(f"{n} {label}" for label, n in sorted(deleted.items()))
            self.stdout.write(f"Deleted {summary or 'nothing'}.")
        if not count:
            refresh_archive_counts()
            return

        def progress(done):
            if options["verbosity"] > 1:
                self.stdout.write(f"  {done} releases built")

        try:
            result = synthetic.generate(count, seed=seed, batch_size=batch_size, progress=progress)
        except LookupError as error:
            raise CommandError(str(error)) from error
        refresh_archive_counts()  # bulk writes send no signal: the counts are rebuilt here
        content_changed()  # and cached pages must show the new releases
        # The query planner's statistics, as after any bulk load: without them SQLite walks a
        # country's every meeting to find those of twenty releases (PostgreSQL's autovacuum
        # would get there later by itself).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        if options["verbosity"] > 1:
            for label, n in sorted(result.rows.items()):
                self.stdout.write(f"  {label}: {n}")
        rate = result.total_rows / result.seconds if result.seconds else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {result.releases} synthetic releases ({result.total_rows} rows) "
                f"in {result.seconds:.1f} s ({rate:,.0f} rows/s)."
            )
        )
