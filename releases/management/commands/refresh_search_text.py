from django.core.management.base import BaseCommand

from core.cache import content_changed
from releases.models import Release
from releases.search import refresh_search_text


class Command(BaseCommand):
    help = "Rebuild the search text of every release (after an import or a change to search.py)."

    def handle(self, *args, **options):
        count = refresh_search_text(Release.objects.all())
        content_changed()  # bulk writes send no signal: searches must find the new text
        self.stdout.write(self.style.SUCCESS(f"Search text rebuilt for {count} releases."))
