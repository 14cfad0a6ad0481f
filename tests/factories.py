import datetime
import io

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from people.models import Country, Official, Organization, Post
from releases.grams import grams
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
from releases.renditions import make_renditions
from tests.documents import pdf_bytes


def country(code):
    """Countries are loaded by a migration; tests look them up."""
    return Country.objects.get(code=code)


def staff_member(group, username=None):
    """A staff user in one of the roles the migrations create: "Editors" or "Publishers"."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(
        username or group.lower(), password="pw-for-tests", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def jpeg_bytes(width=40, height=30, color=(30, 90, 160), fmt="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, fmt)
    return buffer.getvalue()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    slug = factory.Sequence(lambda n: f"organisation-{n}")
    name_ja = factory.Sequence(lambda n: f"機関{n}")
    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organization.Kind.STATE_COMPANY
    country = factory.LazyFunction(lambda: country("KZ"))


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official

    slug = factory.Sequence(lambda n: f"official-{n}")
    name_ja = factory.Sequence(lambda n: f"要人{n}")
    name_en = factory.Sequence(lambda n: f"Official {n}")
    country = factory.LazyFunction(lambda: country("KZ"))


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    official = factory.SubFactory(OfficialFactory)
    title_ja = "大統領"
    title_en = "President"


class ReleaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Release
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"release-{n}")
    title_ja = factory.Sequence(lambda n: f"リリース{n}")
    title_en = factory.Sequence(lambda n: f"Release {n}")
    lead_ja = "概要"
    lead_en = "Summary"
    status = Release.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    issuer = factory.SubFactory(OrganizationFactory, kind=Organization.Kind.AGENCY)

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create and extracted:
            self.countries.add(*extracted)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    release = factory.SubFactory(ReleaseFactory)
    heading_ja = "見出し"
    body_ja = "<p>本文</p>"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    release = factory.SubFactory(ReleaseFactory)
    role = Contact.Role.INQUIRIES
    department_ja = "金属企画部"
    department_en = "Metals Strategy Department"
    phone = "03-6758-8027"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    release = factory.SubFactory(ReleaseFactory)
    date = datetime.date(2025, 12, 19)
    country = factory.LazyFunction(lambda: country("KZ"))
    title_ja = "会談"
    title_en = "Meeting"


class MeetingParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingParticipant

    meeting = factory.SubFactory(MeetingFactory)
    official = factory.SubFactory(OfficialFactory)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"agreement-{n}")
    kind = Agreement.Kind.MOU
    title_ja = factory.Sequence(lambda n: f"覚書{n}")
    title_en = factory.Sequence(lambda n: f"Memorandum {n}")
    country = factory.LazyFunction(lambda: country("KZ"))
    signed_on = datetime.date(2025, 12, 4)

    @factory.post_generation
    def parties(self, create, extracted, **kwargs):
        if create:
            self.parties.add(*(extracted or [OrganizationFactory(), OrganizationFactory()]))


class ReleaseAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReleaseAgreement

    release = factory.SubFactory(ReleaseFactory)
    agreement = factory.SubFactory(AgreementFactory)


class PhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Photo
        skip_postgeneration_save = True

    release = factory.SubFactory(ReleaseFactory)
    image = factory.LazyFunction(lambda: ContentFile(jpeg_bytes(), name="photo.jpg"))
    caption_ja = "写真"
    caption_en = "Photo"
    credit_ja = "ROTOBO"
    credit_en = "ROTOBO"

    @factory.post_generation
    def with_renditions(photo, create, extracted, **kwargs):
        """As after the save's commit (tests run inside a transaction that never commits);
        `PhotoFactory(with_renditions=False)` is a photo whose renditions are not made yet."""
        if create and extracted is not False:
            make_renditions(photo)


class TopicalEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TopicalEvent

    slug = factory.Sequence(lambda n: f"event-{n}")
    name_ja = factory.Sequence(lambda n: f"首脳会合{n}")
    name_en = factory.Sequence(lambda n: f"Summit {n}")
    start_date = datetime.date(2025, 12, 19)
    end_date = datetime.date(2025, 12, 20)


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """A confirmed e-mail alert; `query` is a list's normalised filters ("" for every release)."""

    class Meta:
        model = "alerts.Subscription"

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    query = ""
    language = "en"
    requested_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=2))
    confirmed_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


def public_releases_in_bulk(issuer, n):
    """n public releases with their search fields, as generate_releases writes them (bulk
    inserted: no signals, no renditions), ten to a day over the last 300 days."""
    rows = []
    for i in range(n):
        title = f"定例報告 第{i}号"
        text = f"{title}\nreport number {i} on oil and gas {i * 7919 % 10007}"
        rows.append(
            Release(
                slug=f"bulk-{i}",
                title_ja=title,
                status=Release.Status.PUBLISHED,
                published_at=timezone.now() - datetime.timedelta(days=10 + i % 300),
                issuer=issuer,
                search_title=title,
                search_text=text,
                search_grams=grams(text),
            )
        )
    return Release.objects.bulk_create(rows)


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A PDF document of a release, with what releases.documents finds in such a file."""

    class Meta:
        model = Attachment

    release = factory.SubFactory(ReleaseFactory)
    file = factory.LazyFunction(lambda: ContentFile(pdf_bytes(pages=3), name="fact-sheet.pdf"))
    title_ja = "ファクトシート"
    title_en = "Fact sheet"
    format = Attachment.Format.PDF
    size = factory.LazyAttribute(lambda attachment: attachment.file.size)
    pages = 3
    order = 1
