import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, no_translations
from django.utils import timezone

from api.imports import ImportRefused, PhotoFiles, import_releases, releases_in


class Command(BaseCommand):
    help = (
        "Import releases from a JSON file in the API's own format: what /api/releases/<slug>/ "
        'answers, a list of such answers, or a list page ({"results": [...]}, releases without '
        "their parts). FILE may be - for standard input. "
        "Countries are found by ISO code; organisations, officials and agreements by slug, and "
        "created from the file when missing (never changed when found). A release with a "
        "publication time comes in published with that time, through the workflow's archive "
        "publication (a time still to come is refused: schedule it in the admin); one without, "
        'as a draft; "status": "withdrawn" with "withdrawal_reason_ja" comes in withdrawn. '
        "A release whose slug exists is skipped, so running a file again changes nothing; to "
        "replace one, delete it in the admin first. Photos are read from this machine (see "
        "--media) and cleaned as uploads are; one not found, or outside the folders the import "
        "reads, is left out and named in the output. "
        "Any error in the file: nothing is imported, and the message names the release and the "
        "field. Each release imported is one version in its history, by --user, "
        '"Imported from FILE". Exported and imported again, a release gives the same API answer '
        "but for updated_at, its meetings' id and url, and its photos' image (a new stored name) "
        "and meeting (the new meeting's id)."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="a JSON file, or - for standard input")
        parser.add_argument(
            "--user",
            required=True,
            metavar="USERNAME",
            help="who the history names for the import; publishing needs a publisher "
            "(releases.publish_release). Required: the history must name who brought the "
            "releases in, not a guess.",
        )
        parser.add_argument(
            "--media",
            metavar="DIR",
            help="a folder holding the photos: a copy of the old site's media folder (a photo "
            "at https://host/media/photos/2025/12/x.jpg is read from DIR/photos/2025/12/x.jpg) "
            "or the files side by side (DIR/x.jpg). Without it, or when a file is not there, "
            "photos are looked for in this site's media storage. A photo given as a path (or a "
            "file: address) is read only from under FILE's folder or DIR, symbolic links "
            "followed; one elsewhere is left out and named in the output.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and report what would be imported; save nothing",
        )

    @no_translations
    def handle(self, *args, **options):
        user = self._user(options["user"])
        items, base_dir = self._read(options["file"], options.get("stdin") or sys.stdin)
        source = "stdin" if options["file"] == "-" else Path(options["file"]).name
        try:
            outcomes = import_releases(
                releases_in(items),
                user=user,
                source=source,
                photos=PhotoFiles(media_dir=options["media"], base_dir=base_dir),
                dry_run=options["dry_run"],
            )
        except ImportRefused as refusal:
            raise CommandError(
                "\n".join([*refusal.lines, "Nothing was imported."]), returncode=1
            ) from None
        self._report(outcomes, options["dry_run"])

    def _user(self, username):
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f'No user "{username}".')
        return user

    def _read(self, name, stdin):
        try:
            if name == "-":
                raw, base_dir = stdin.read(), Path.cwd()
            else:
                path = Path(name)
                if path.is_dir():
                    raise CommandError(f"{name} is a folder, not a JSON file.")
                raw, base_dir = path.read_bytes(), path.resolve().parent
        except OSError as error:
            raise CommandError(f"Cannot read {name}: {error.strerror or error}.") from None
        name = "Standard input" if name == "-" else name
        try:
            return json.loads(raw), base_dir
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{name} is not valid JSON: {error.msg} (line {error.lineno}, column "
                f"{error.colno}). Nothing was imported."
            ) from None
        except (UnicodeDecodeError, RecursionError, ValueError) as error:
            raise CommandError(
                f"{name} is not valid JSON ({type(error).__name__}). Nothing was imported."
            ) from None

    def _report(self, outcomes, dry_run):
        created = [o for o in outcomes if o.created]
        for outcome in outcomes:
            if not outcome.created:
                self.stdout.write(f"skipped  {outcome.slug}: a release with this slug exists")
                continue
            verb = "would create" if dry_run else "created"
            self.stdout.write(f"{verb}  {outcome.slug}: {self._state(outcome)}")
            new = [f"{n} {kind}{'s' if n > 1 else ''}" for kind, n in outcome.new_rows.items()]
            if new:
                self.stdout.write(f"    new: {', '.join(new)}")
            for note in outcome.notes:
                self.stdout.write(self.style.WARNING(f"    {note}"))
        total = (
            f"{len(outcomes)} release{'' if len(outcomes) == 1 else 's'}: {len(created)} "
            f"{'to create' if dry_run else 'created'}, {len(outcomes) - len(created)} skipped."
        )
        if dry_run:
            self.stdout.write(f"Dry run: nothing was saved. {total}")
        else:
            self.stdout.write(self.style.SUCCESS(total))

    def _state(self, outcome):
        if outcome.state == "draft":
            return "draft"
        at = f"{timezone.localtime(outcome.published_at):%Y-%m-%d %H:%M %Z}"
        if outcome.state == "withdrawn":
            return f"withdrawn (published from the archive, dated {at})"
        return f"published from the archive, dated {at}"
