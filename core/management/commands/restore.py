from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Bring an archive written by `backup` into this site, whose database must be empty and "
        "migrated (to the archive's migrations) and whose media storage must be empty."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a file written by `backup`")

    def handle(self, *args, **options):
        try:
            files = restore(options["archive"])
        except BackupError as refusal:
            raise CommandError(refusal) from None
        self.stdout.write(self.style.SUCCESS(f"Restored the database and {files} media files."))
