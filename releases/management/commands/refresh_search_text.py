from django.core.management.base import BaseCommand

from releases.models import Release
from releases.search import refresh_search_text


class Command(BaseCommand):
    help = "Rebuild the search text of every release (after an import or a change to search.py)."

    def handle(self, *args, **options):
        count = refresh_search_text(Release.objects.all())
        self.stdout.write(self.style.SUCCESS(f"Search text rebuilt for {count} releases."))
