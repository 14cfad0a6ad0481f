"""The demo release: the data is `data/demo_release.yaml`; this writes it.

`load_demo()` can run again at any time: rows are found by their natural keys (slugs, ISO codes;
a release's parts by their order), and only rows that differ from the file are saved. The
original photos are not available: each photo gets a stand-in image, made once; the documents
are stand-ins kept beside the data file, stored once.
"""

import io
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import escape
from PIL import Image, ImageDraw, ImageFont

from people.models import Country, Official, Organization, Post
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
    TopicalEvent,
)
from releases.search import refresh_search_text
from releases.services import sync_release_countries

DATA = Path(__file__).resolve().parent / "data" / "demo_release.yaml"


@dataclass
class Summary:
    release: Release
    created: int = 0
    updated: int = 0
    images: int = 0
    documents: int = 0


def load_demo(path=DATA):
    """Write the demo release and everything it refers to; return what was created or updated."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    with transaction.atomic():
        return _Loader().load(data)


def _stand_in_jpeg(label, colour, size=(1200, 800)):
    top = Image.new("RGB", size, tuple(colour))
    bottom = Image.new("RGB", size, tuple(c // 2 for c in colour))
    image = Image.composite(bottom, top, Image.linear_gradient("L").resize(size))
    draw = ImageDraw.Draw(image)
    middle = (size[0] // 2, size[1] // 2)
    draw.text(
        middle, f"Photo: {label}", font=ImageFont.load_default(size=64), fill="white", anchor="mm"
    )
    draw.text(
        (middle[0], middle[1] + 80),
        "Stand-in image: the original photo is not available",
        font=ImageFont.load_default(size=28),
        fill=(230, 230, 230),
        anchor="mm",
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


class _Loader:
    def __init__(self):
        self.countries = {c.code: c for c in Country.objects.all()}
        self.organizations, self.officials, self.agreements = {}, {}, {}
        self.created = self.updated = 0

    def upsert(self, model, lookup, values):
        """The row `lookup` finds, created or brought up to date with `values`; saved only if new
        or changed, so a second run leaves every row (and its last-changed time) as it was."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            self.created += 1
            return model.objects.create(**lookup, **values)
        changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
        if changed:
            for name, value in changed.items():
                setattr(obj, name, value)
            obj.save()
            self.updated += 1
        return obj

    def by_key(self, row, **tables):
        """`row` without the keys in `tables`, each of which becomes the row it names there."""
        row = dict(row)
        for name, table in tables.items():
            key = row.pop(name, None)
            if key is not None:
                row[name] = table[key]
        return row

    def load(self, data):
        for row in data["organizations"]:
            row = self.by_key(row, country=self.countries, parent=self.organizations)
            slug = row.pop("slug")
            self.organizations[slug] = self.upsert(Organization, {"slug": slug}, row)

        for row in data["officials"]:
            row = self.by_key(row, country=self.countries)
            posts, slug = row.pop("posts"), row.pop("slug")
            official = self.officials[slug] = self.upsert(Official, {"slug": slug}, row)
            for post in posts:
                post = self.by_key(post, organization=self.organizations)
                lookup = {"official": official, "title_ja": post.pop("title_ja")}
                lookup["organization"] = post.pop("organization", None)
                self.upsert(Post, lookup, {"start_date": None, **post})

        for row in data["agreements"]:
            row = self.by_key(row, country=self.countries)
            parties, signatories = row.pop("parties"), row.pop("signatories", [])
            slug = row.pop("slug")
            agreement = self.agreements[slug] = self.upsert(Agreement, {"slug": slug}, row)
            agreement.parties.set([self.organizations[key] for key in parties])
            agreement.signatories.set([self.officials[key] for key in signatories])

        row = self.by_key(data["release"], issuer=self.organizations)
        names = ("contacts", "meetings", "sections", "photos", "attachments")
        parts = {name: row.pop(name) for name in names}
        links, countries = row.pop("agreements"), row.pop("countries")
        release = self.upsert(Release, {"slug": row.pop("slug")}, row)
        release.countries.set([self.countries[code] for code in countries])
        for link in links:
            agreement = self.agreements[link["agreement"]]
            lookup = {"release": release, "agreement": agreement}
            self.upsert(ReleaseAgreement, lookup, {"role": link["role"]})

        for row in parts["contacts"]:
            row = dict(row)
            self.upsert(Contact, {"release": release, "role": row.pop("role")}, row)

        for row in parts["sections"]:
            row = dict(row)
            for language in ("ja", "en"):
                paragraphs = row.pop(f"paragraphs_{language}")
                row[f"body_{language}"] = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
            self.upsert(Section, {"release": release, "order": row.pop("order")}, row)

        meetings = {}
        for row in parts["meetings"]:
            row = self.by_key(row, country=self.countries)
            participants, order = row.pop("participants"), row.pop("order")
            meeting = meetings[order] = self.upsert(
                Meeting, {"release": release, "order": order}, row
            )
            for position, participant in enumerate(participants, start=1):
                participant = self.by_key(participant, official=self.officials)
                lookup = {"meeting": meeting, "official": participant.pop("official")}
                self.upsert(MeetingParticipant, lookup, {**participant, "order": position})

        # The admin's rule: a release is about the countries of its meetings and agreements.
        sync_release_countries(release)

        images = 0
        for row in parts["photos"]:
            row = self.by_key(row, meeting=meetings)
            stand_in, order = row.pop("stand_in"), row.pop("order")
            photo = self.upsert(Photo, {"release": release, "order": order}, row)
            # The image is made once; a row whose file is gone (new media folder) gets a new one.
            if not photo.image or not photo.image.storage.exists(photo.image.name):
                name = f"{release.slug}-{order}.jpg"
                image = _stand_in_jpeg(stand_in["label"], stand_in["colour"])
                # A ContentFile without a name leaves the width and height empty.
                photo.image.save(name, ContentFile(image, name=name))
                images += 1

        documents = 0
        for row in parts["attachments"]:
            row = dict(row)
            path, order = DATA.parent / row.pop("file"), row.pop("order")
            upload = ContentFile(path.read_bytes(), name=path.name)
            found = check_document(upload)
            row.update(format=found.format, size=found.size, pages=found.pages)
            attachment = self.upsert(Attachment, {"release": release, "order": order}, row)
            if not attachment.file or not attachment.file.storage.exists(attachment.file.name):
                attachment.file.save(path.name, upload)
                documents += 1
        for row in data.get("events", []):
            row = dict(row)
            countries, releases = row.pop("countries"), row.pop("releases")
            meeting_orders, agreements = row.pop("meetings"), row.pop("agreements")
            event = self.upsert(TopicalEvent, {"slug": row.pop("slug")}, row)
            # set() writes only what differs: a second run changes nothing.
            event.countries.set([self.countries[code] for code in countries])
            event.releases.set(Release.objects.filter(slug__in=releases))
            event.meetings.set([meetings[order] for order in meeting_orders])
            event.agreements.set([self.agreements[slug] for slug in agreements])

        refresh_search_text([release])
        return Summary(release, self.created, self.updated, images, documents)
