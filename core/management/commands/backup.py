from django.core.management.base import BaseCommand

from core.backups import backup


class Command(BaseCommand):
    help = (
        "Write the database and the media files to one archive (tar.gz), to bring back with "
        "`restore` into an empty site (SQLite or PostgreSQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the file to write, e.g. pressroom-2026-12-01.tar.gz")

    def handle(self, *args, **options):
        files = backup(options["archive"])
        self.stdout.write(
            self.style.SUCCESS(f"{options['archive']}: the database and {files} media files.")
        )
