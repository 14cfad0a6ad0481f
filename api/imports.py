"""Releases in the API's own format, read back: `manage.py import_releases` brings an archive in.

A file holds what `/api/releases/<slug>/` answers: one release, a list of them, or a list page
(`{"results": [...]}`, whose releases have no parts). The API's `X_ja` and `X_en` fields are read;
`X` (the request's language), `url`, `web_url`, `updated_at`, and a photo's `width` and `height`
are derived again here. Beyond the API's fields, a release may say `"status": "draft"` or
`"withdrawn"` (with `withdrawal_reason_ja`): the API shows public releases only.

Two steps. First every release of the file is validated by the serializers below (the API's
fields written the other way); any error, and nothing is written. Then, in one transaction, each
release whose slug is new is written as the admin would: countries found by ISO code,
organisations, officials and agreements by slug (created from the file when missing, never
changed when found), parts in the file's order, photos and documents read from this machine and
checked as uploads are, and the publication through `releases.workflow` (an archive publication with the
original time), each release one version in its history. A release whose slug exists is skipped.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import reversion
from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.core.files import File
from django.db import DatabaseError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from rest_framework import serializers

from core.history import in_each_language
from people.models import Country, Official, Organization
from releases import workflow
from releases.documents import check_document
from releases.models import (
    Agreement,
    Attachment,
    Contact,
    Meeting,
    MeetingParticipant,
    Photo,
    Release,
    ReleaseAgreement,
    Section,
)
from releases.services import sync_release_countries
from releases.uploads import clean_image


class ImportRefused(Exception):
    """The file cannot be imported; `lines` say why, each naming the release and the field."""

    def __init__(self, lines):
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))


def stored(*names):
    """`name_ja`, `name_en` for each translated field: what the database keeps."""
    return [f"{name}_{language}" for name in names for language in ("ja", "en")]


REQUIRED_TEXT = {"required": True, "allow_null": False, "allow_blank": False}
# A slug that exists is a match (or, for a release, a skip), not an error.
NOT_UNIQUE = {"validators": []}


class CountryField(serializers.Field):
    """A country by its ISO code: "KZ", or the API's country object (`{"code": "KZ", ...}`)."""

    default_error_messages = {
        "invalid": 'Expected an ISO country code such as "KZ".',
        "unknown": 'Unknown country code "{code}".',
    }

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = data.get("code")
        if not isinstance(data, str):
            self.fail("invalid")
        country = self.context["countries"].get(data)
        if country is None:
            self.fail("unknown", code=data[:10])
        return country

    def to_representation(self, value):
        return value.code


class OrganizationIn(serializers.ModelSerializer):
    country = CountryField(required=False, allow_null=True)

    class Meta:
        model = Organization
        fields = ["slug", *stored("name", "short_name"), "kind", "country"]
        extra_kwargs = {"slug": NOT_UNIQUE, "name_ja": REQUIRED_TEXT}


class OfficialIn(serializers.ModelSerializer):
    country = CountryField()

    class Meta:
        model = Official
        fields = ["slug", *stored("name"), "country"]
        extra_kwargs = {"slug": NOT_UNIQUE, "name_ja": REQUIRED_TEXT}


class ParticipantIn(serializers.ModelSerializer):
    official = OfficialIn()

    class Meta:
        model = MeetingParticipant
        fields = ["official", *stored("title")]


class MeetingIn(serializers.ModelSerializer):
    # The meeting's id where the file came from: what its photos name it by.
    id = serializers.IntegerField(required=False, allow_null=True)
    country = CountryField()
    participants = ParticipantIn(many=True, required=False)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "date",
            "end_date",
            "kind",
            "country",
            *stored("title", "place", "summary"),
            "participants",
        ]

    def validate(self, attrs):
        if attrs.get("end_date") and attrs["end_date"] < attrs["date"]:
            raise serializers.ValidationError({"end_date": "The meeting ends before it starts."})
        seen = set()
        errors = []
        for participant in attrs.get("participants", []):
            slug = participant["official"]["slug"]
            errors.append(
                {"official": {"slug": [f'"{slug}" is listed twice.']}} if slug in seen else {}
            )
            seen.add(slug)
        if any(errors):
            raise serializers.ValidationError({"participants": errors})
        return attrs


class AgreementIn(serializers.ModelSerializer):
    parties = OrganizationIn(many=True, required=False)

    class Meta:
        model = Agreement
        fields = ["slug", "kind", *stored("title"), "signed_on", "parties"]
        extra_kwargs = {"slug": NOT_UNIQUE, "title_ja": REQUIRED_TEXT}


class AgreementLinkIn(serializers.ModelSerializer):
    agreement = AgreementIn()

    class Meta:
        model = ReleaseAgreement
        fields = ["role", "agreement"]


class SectionIn(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = stored("heading", "body")


class PhotoIn(serializers.ModelSerializer):
    # Where the file was: the API's address of it, or a path on this machine.
    image = serializers.CharField(max_length=2000)
    meeting = serializers.IntegerField(required=False, allow_null=True)

    class Meta:
        model = Photo
        fields = ["image", *stored("caption", "credit", "alt_text"), "meeting"]


class AttachmentIn(serializers.ModelSerializer):
    # Where the file was, as for a photo; its format, size and pages are read from it again.
    file = serializers.CharField(max_length=2000)

    class Meta:
        model = Attachment
        fields = ["file", *stored("title")]
        extra_kwargs = {"title_ja": REQUIRED_TEXT}


class ContactIn(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["role", *stored("department", "persons"), "phone", "email"]
        extra_kwargs = {"department_ja": REQUIRED_TEXT}


PARTS = ("sections", "meetings", "agreements", "photos", "attachments", "contacts")


class ReleaseIn(serializers.ModelSerializer):
    issuer = OrganizationIn()
    countries = serializers.ListField(child=CountryField(), required=False)
    sections = SectionIn(many=True, required=False)
    meetings = MeetingIn(many=True, required=False)
    agreements = AgreementLinkIn(many=True, required=False)
    photos = PhotoIn(many=True, required=False)
    attachments = AttachmentIn(many=True, required=False)
    contacts = ContactIn(many=True, required=False)

    class Meta:
        model = Release
        fields = [
            "slug",
            *stored("title", "subtitle", "lead"),
            "status",
            "published_at",
            "issuer",
            *stored("department"),
            "countries",
            "sections",
            "meetings",
            "agreements",
            "photos",
            "attachments",
            "contacts",
            *stored("withdrawal_reason"),
        ]
        extra_kwargs = {
            "slug": NOT_UNIQUE,
            "title_ja": REQUIRED_TEXT,
            # Absent: published when the file gives a publication time, else a draft.
            "status": {"required": False},
        }

    def validate(self, attrs):
        attrs["has_parts"] = any(name in self.initial_data for name in PARTS)
        status = attrs.get("status") or (
            Release.Status.PUBLISHED if attrs.get("published_at") else Release.Status.DRAFT
        )
        attrs["status"] = status
        at = attrs.get("published_at")
        if status == Release.Status.DRAFT:
            attrs["published_at"] = None
        elif at is None:
            raise serializers.ValidationError(
                {"published_at": "A published or withdrawn release needs its publication time."}
            )
        elif at > timezone.now():
            raise serializers.ValidationError(
                {
                    "published_at": "This time is still to come: an import brings in the past. "
                    "Import the release as a draft and schedule it in the admin."
                }
            )
        if status == Release.Status.WITHDRAWN and not (attrs.get("withdrawal_reason_ja") or ""):
            raise serializers.ValidationError(
                {"withdrawal_reason_ja": "A withdrawn release needs the reason, in Japanese."}
            )
        errors = {}
        meeting_ids = [m.get("id") for m in attrs.get("meetings", [])]
        errors["meetings"] = [
            {"id": ["Two meetings have this id."]}
            if pk is not None and meeting_ids.count(pk) > 1
            else {}
            for pk in meeting_ids
        ]
        errors["photos"] = [
            {"meeting": [f"No meeting of this release has the id {pk}."]}
            if pk is not None and pk not in meeting_ids
            else {}
            for pk in (p.get("meeting") for p in attrs.get("photos", []))
        ]
        slugs = [link["agreement"]["slug"] for link in attrs.get("agreements", [])]
        errors["agreements"] = [
            {"agreement": {"slug": ["This agreement is linked twice."]}}
            if slugs.count(slug) > 1
            else {}
            for slug in slugs
        ]
        errors = {name: rows for name, rows in errors.items() if any(rows)}
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def releases_in(data):
    """The releases of a decoded file: one release, a list, or a list page's `results`."""
    if isinstance(data, dict) and "results" in data:
        data = data["results"]
        if not isinstance(data, list):
            raise ImportRefused(['"results" must be a list of releases.'])
    elif isinstance(data, dict):
        data = [data]
    elif not isinstance(data, list):
        raise ImportRefused(["Expected a release (an object), a list of releases, or a list page."])
    return data


def _flat(errors, path=""):
    """(field path, message) for each message of a serializer's nested errors."""
    if isinstance(errors, dict):
        for name, value in errors.items():
            if isinstance(name, int):  # a list's item, as DRF names it
                inner = f"{path}[{name}]"
            elif name == "non_field_errors":
                inner = path
            else:
                inner = f"{path}.{name}" if path else name
            yield from _flat(value, inner)
    elif isinstance(errors, list) and all(isinstance(e, str) for e in errors):
        for message in errors:
            yield path, str(message)
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            yield from _flat(value, f"{path}[{index}]")
    else:
        yield path, str(errors)


def _name(item, number, total):
    slug = item.get("slug") if isinstance(item, dict) else None
    where = f"Release {number} of {total}"
    return f'{where} ("{slug}")' if isinstance(slug, str) and slug else where


def validate(items):
    """The validated data of each release, or ImportRefused naming every error found."""
    context = {"countries": {country.code: country for country in Country.objects.all()}}
    valid, problems, seen = [], [], {}
    for number, item in enumerate(items, start=1):
        name = _name(item, number, len(items))
        if not isinstance(item, dict):
            problems.append(f"{name}: expected an object (a release), got {type(item).__name__}.")
            continue
        serializer = ReleaseIn(data=item, context=context)
        if not serializer.is_valid():
            problems += [
                f"{name}: {path}: {message}" if path else f"{name}: {message}"
                for path, message in _flat(serializer.errors)
            ]
            continue
        slug = serializer.validated_data["slug"]
        if slug in seen:
            problems.append(f"{name}: slug: release {seen[slug]} of the file has it too.")
        seen[slug] = number
        valid.append(serializer.validated_data)
    if problems:
        raise ImportRefused(problems)
    return valid


class PhotoOutside(Exception):
    """A photo path that leads out of the folders the import reads."""


class PhotoFiles:
    """Where a photo's file is on this machine, which has no network.

    A file's API address (`https://host/media/photos/…`) is looked for in `media_dir` (under its
    path after MEDIA_URL, then by its file name alone), then in this site's own media storage
    (a file still there, as after a release was deleted). A path, or a `file:` address, is read
    from `base_dir` (the JSON file's folder) or `media_dir` when relative; absolute or relative,
    only a file under one of those two folders is opened, once symbolic links are followed:
    the JSON file cannot point the import at other files of this machine.
    """

    def __init__(self, media_dir=None, base_dir=None):
        self.media_dir = Path(media_dir).resolve() if media_dir else None
        self.base_dir = Path(base_dir or ".").resolve()
        self.folders = [folder for folder in (self.base_dir, self.media_dir) if folder]
        self.storage = Photo._meta.get_field("image").storage

    def open(self, value):
        """A django File to read the photo from, or None if it is not there. PhotoOutside if
        the path leads out of the folders the import reads."""
        parts = urlsplit(value)
        if parts.scheme in ("http", "https"):
            path = unquote(parts.path)
            media_url = urlsplit(settings.MEDIA_URL).path
            name = path.removeprefix(media_url) if path.startswith(media_url) else None
            candidates = [name, Path(path).name] if name else [Path(path).name]
            for candidate in candidates:
                found = self._in_media_dir(candidate)
                if found:
                    return found
            return self._in_storage(name) if name else None
        if parts.scheme == "file":
            return self._local([Path(unquote(parts.path))])
        if parts.scheme and len(parts.scheme) > 1:  # another scheme; "C:" is a drive
            return None
        path = Path(value)
        return self._local([path] if path.is_absolute() else [f / path for f in self.folders])

    def _local(self, paths):
        """The first of `paths` that is a file under the folders read; None if none is there."""
        outside = False
        for path in paths:
            path = path.resolve()
            if not any(path.is_relative_to(folder) for folder in self.folders):
                outside = True
            elif path.is_file():
                return File(path.open("rb"))
        if outside:
            raise PhotoOutside(
                f"outside {' and '.join(map(str, self.folders))}, the folders this import reads"
            )
        return None

    def _in_media_dir(self, name):
        if self.media_dir is None or not name:
            return None
        path = (self.media_dir / name).resolve()
        if not path.is_relative_to(self.media_dir) or not path.is_file():
            return None
        return File(path.open("rb"))

    def _in_storage(self, name):
        try:
            if self.storage.exists(name):
                return self.storage.open(name, "rb")
        except (SuspiciousFileOperation, OSError, ValueError):
            pass
        return None


@dataclass
class Outcome:
    slug: str
    created: bool
    state: str = ""  # what the release became: "draft", "published" or "withdrawn"
    published_at: object = None
    new_rows: Counter = field(default_factory=Counter)
    notes: list = field(default_factory=list)


class _DryRun(Exception):
    pass


def import_releases(items, *, user, source, photos, dry_run=False):
    """Import the decoded `items` (see `releases_in`) as `user`; return an Outcome for each.

    Nothing is written when any release has an error (ImportRefused), nor with `dry_run`.
    `source` names the file in each release's history; `photos` is a PhotoFiles.
    """
    releases = validate(items)
    publishes = any(data["status"] != Release.Status.DRAFT for data in releases)
    if not (user.is_active and user.is_staff):
        raise ImportRefused([f'User "{user.get_username()}" is not active staff.'])
    if publishes and not workflow.can_publish(user):
        raise ImportRefused(
            [
                f'User "{user.get_username()}" may not publish releases '
                f"({workflow.PUBLISH_PERMISSION}), and the file has published ones."
            ]
        )
    writer = _Writer(user, source, photos)
    outcomes = []
    try:
        with transaction.atomic():
            for number, data in enumerate(releases, start=1):
                try:
                    outcomes.append(writer.release(data))
                except (ValidationError, PermissionDenied, DatabaseError) as error:
                    messages = getattr(error, "messages", None) or [str(error)]
                    name = f'Release {number} of {len(releases)} ("{data["slug"]}")'
                    raise ImportRefused([f"{name}: {' '.join(messages)}"]) from error
            if dry_run:
                raise _DryRun
    except _DryRun:
        writer.remove_files()
    except BaseException:
        writer.remove_files()
        raise
    return outcomes


class _Writer:
    def __init__(self, user, source, photos):
        self.user, self.source, self.photos = user, source, photos
        self.files = []  # stored photo files, removed if the transaction does not commit
        self.outcome = None  # the release being written: rows created and notes go there

    def remove_files(self):
        for name in self.files:
            Photo._meta.get_field("image").storage.delete(name)
        self.files = []

    def release(self, data):
        if Release.objects.filter(slug=data["slug"]).exists():
            return Outcome(data["slug"], created=False)
        outcome = Outcome(data["slug"], created=True, state=data["status"])
        self.outcome = outcome
        with reversion.create_revision():
            reversion.set_user(self.user)
            release = self._write(data)
            self._publish(release, data)
            outcome.published_at = release.published_at
            with translation.override(settings.LANGUAGE_CODE):
                reversion.set_comment(self._comment(release, data["status"]))
        if not data["has_parts"]:
            outcome.notes.append("header only: the file gives no parts (a list page?)")
        return outcome

    def _write(self, data):
        release = Release(
            slug=data["slug"],
            issuer=self._organization(data["issuer"]),
            status=Release.Status.DRAFT,
            **_fields(data, *stored("title", "subtitle", "lead", "department")),
        )
        release.save()
        release.countries.set(data.get("countries", []))
        for order, row in enumerate(data.get("sections", []), start=1):
            Section(release=release, order=order, **row).save()
        meetings = {}
        for order, row in enumerate(data.get("meetings", []), start=1):
            row = dict(row)
            participants, file_id = row.pop("participants", []), row.pop("id", None)
            meeting = Meeting(release=release, order=order, **row)
            meeting.save()
            if file_id is not None:
                meetings[file_id] = meeting
            for position, participant in enumerate(participants, start=1):
                participant = dict(participant)
                official = self._official(participant.pop("official"))
                MeetingParticipant(
                    meeting=meeting, official=official, order=position, **participant
                ).save()
        for link in data.get("agreements", []):
            link = dict(link)
            agreement = self._agreement(link.pop("agreement"))
            ReleaseAgreement(release=release, agreement=agreement, **link).save()
        for order, row in enumerate(data.get("photos", []), start=1):
            self._photo(release, order, dict(row), meetings)
        for order, row in enumerate(data.get("attachments", []), start=1):
            self._attachment(release, order, dict(row))
        for order, row in enumerate(data.get("contacts", []), start=1):
            Contact(release=release, order=order, **row).save()
        # As the admin does: a release is about the countries of its meetings and agreements.
        sync_release_countries(release)
        return release

    def _publish(self, release, data):
        if data["status"] == Release.Status.DRAFT:
            return
        workflow.publish_archived(release, self.user, data["published_at"])
        if data["status"] == Release.Status.WITHDRAWN:
            workflow.withdraw(
                release,
                self.user,
                data["withdrawal_reason_ja"],
                data.get("withdrawal_reason_en") or "",
            )

    def _comment(self, release, status):
        """What the history says, in each reader's language, as the admin's publishing buttons
        do."""
        return in_each_language(lambda: self._comment_text(release, status))

    def _comment_text(self, release, status):
        if status == Release.Status.DRAFT:
            return gettext("Imported from %(file)s.") % {"file": self.source}
        at = formats.date_format(timezone.localtime(release.published_at), "DATETIME_FORMAT")
        done = str(workflow.DONE_MESSAGES[workflow.ARCHIVE] % {"at": at})
        if status == Release.Status.WITHDRAWN:
            done += " " + str(workflow.DONE_MESSAGES[workflow.WITHDRAW])
        return gettext("Imported from %(file)s: %(done)s") % {"file": self.source, "done": done}

    def _organization(self, data):
        found = Organization.objects.filter(slug=data["slug"]).first()
        if found:
            return found
        organization = Organization(**data)
        organization.save()
        self.outcome.new_rows["organisation"] += 1
        return organization

    def _official(self, data):
        found = Official.objects.filter(slug=data["slug"]).first()
        if found:
            return found
        official = Official(**data)
        official.save()
        self.outcome.new_rows["official"] += 1
        return official

    def _agreement(self, data):
        found = Agreement.objects.filter(slug=data["slug"]).first()
        if found:
            return found
        data = dict(data)
        parties = [self._organization(party) for party in data.pop("parties", [])]
        agreement = Agreement(**data)
        agreement.save()
        agreement.parties.set(parties)
        self.outcome.new_rows["agreement"] += 1
        return agreement

    def _photo(self, release, order, row, meetings):
        where = row.pop("image")
        meeting = meetings.get(row.pop("meeting", None))
        label = f"photo {order} ({where[:200]})"
        try:
            upload = self.photos.open(where)
        except PhotoOutside as refusal:
            self.outcome.notes.append(f"{label}: refused ({refusal})")
            return
        if upload is None:
            self.outcome.notes.append(f"{label}: not found on this machine, not imported")
            return
        try:
            with upload:
                image = clean_image(upload)
        except ValidationError as refusal:
            self.outcome.notes.append(f"{label}: refused ({' '.join(refusal.messages)})")
            return
        photo = Photo(release=release, meeting=meeting, order=order, image=image, **row)
        photo.save()
        self.files.append(photo.image.name)

    def _attachment(self, release, order, row):
        where = row.pop("file")
        label = f"document {order} ({where[:200]})"
        try:
            upload = self.photos.open(where)
        except PhotoOutside as refusal:
            self.outcome.notes.append(f"{label}: refused ({refusal})")
            return
        if upload is None:
            self.outcome.notes.append(f"{label}: not found on this machine, not imported")
            return
        with upload:
            try:
                found = check_document(upload)
            except ValidationError as refusal:
                self.outcome.notes.append(f"{label}: refused ({' '.join(refusal.messages)})")
                return
            attachment = Attachment(
                release=release,
                order=order,
                file=File(upload, name=Path(upload.name).name),
                format=found.format,
                size=found.size,
                pages=found.pages,
                **row,
            )
            attachment.save()
        self.files.append(attachment.file.name)


def _fields(data, *names):
    return {name: data[name] for name in names if name in data}
