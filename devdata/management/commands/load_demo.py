from django.core.management.base import BaseCommand

from devdata.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo release (JOGMEC, the Central Asia + Japan Dialogue, December 2025) with its "
        "meetings, agreements, officials, organisations, contacts, photos and a document. Safe to "
        "run again."
    )

    def handle(self, *args, **options):
        summary = load_demo()
        release = summary.release
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo release {release.slug}: {summary.created} rows created, "
                f"{summary.updated} updated, {summary.images} images and {summary.documents} "
                f"documents written."
            )
        )
        self.stdout.write(
            f"{release.meetings.count()} meetings, {release.agreements.count()} agreements, "
            f"{release.photos.count()} photos, {release.attachments.count()} documents, "
            f"{release.contacts.count()} contacts, {release.sections.count()} sections."
        )
