from django.core.management.base import BaseCommand

from releases.models import Photo
from releases.renditions import make_missing_renditions


class Command(BaseCommand):
    help = (
        "Make the renditions of every photo that has none yet, or none at the current widths "
        "(after an import, a restore, or a change to releases/renditions.py)."
    )

    def handle(self, *args, **options):
        count = make_missing_renditions(Photo.objects.order_by("pk"))
        self.stdout.write(self.style.SUCCESS(f"Renditions made for {count} stored photos."))
