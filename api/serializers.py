"""What the open-data API shows of each row.

Every translated field X comes three times: `X` in the language of the request (English falls
back to Japanese, as on the site), and `X_ja` and `X_en` as stored (`X_en` is null where there
is no translation yet). `url` is the row in this API, `web_url` its page on the site.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from people.models import Country, Official, Organization, Post
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
from releases.renditions import media_url


def both(*names):
    """`name`, `name_ja`, `name_en` for each translated field."""
    return [f"{name}{suffix}" for name in names for suffix in ("", "_ja", "_en")]


@extend_schema_field(OpenApiTypes.URI)
class WebUrlField(serializers.Field):
    """The row's public page, in the language of the request."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


class CountrySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:country-detail", lookup_field="code", read_only=True
    )
    web_url = WebUrlField()

    class Meta:
        model = Country
        fields = ["code", *both("name"), "url", "web_url"]


class CountryCountsSerializer(CountrySerializer):
    releases = serializers.IntegerField(source="releases_n", read_only=True)
    meetings = serializers.IntegerField(source="meetings_n", read_only=True)
    agreements = serializers.IntegerField(source="agreements_n", read_only=True)

    class Meta(CountrySerializer.Meta):
        fields = [
            *CountrySerializer.Meta.fields,
            "region_code",
            "releases",
            "meetings",
            "agreements",
        ]


class OrganizationSerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Organization
        fields = ["slug", *both("name", "short_name"), "kind", "country"]


class OfficialBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:official-detail", lookup_field="slug", read_only=True
    )
    web_url = WebUrlField()
    country = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Official
        fields = ["slug", *both("name"), "country", "url", "web_url"]


class PostSerializer(serializers.ModelSerializer):
    organization = OrganizationSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Post
        fields = [*both("title"), "organization", "start_date", "end_date"]


class OfficialSerializer(OfficialBriefSerializer):
    other_names = serializers.SerializerMethodField()
    posts = PostSerializer(many=True, read_only=True)

    class Meta(OfficialBriefSerializer.Meta):
        fields = [*OfficialBriefSerializer.Meta.fields, "other_names", "posts"]

    def get_other_names(self, official) -> list[str]:
        return [name.strip() for name in official.other_names.splitlines() if name.strip()]


class ParticipantSerializer(serializers.ModelSerializer):
    official = OfficialBriefSerializer(read_only=True)

    class Meta:
        model = MeetingParticipant
        fields = ["official", *both("title")]


class ReleaseBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:release-detail", lookup_field="slug", read_only=True
    )
    web_url = WebUrlField()

    class Meta:
        model = Release
        fields = ["slug", *both("title"), "published_at", "url", "web_url"]


class MeetingInReleaseSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:meeting-detail", read_only=True)
    country = CountrySerializer(read_only=True)
    participants = ParticipantSerializer(source="participations", many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "url",
            "date",
            "end_date",
            "kind",
            "country",
            *both("title", "place", "summary"),
            "participants",
        ]


class MeetingSerializer(MeetingInReleaseSerializer):
    release = ReleaseBriefSerializer(read_only=True)

    class Meta(MeetingInReleaseSerializer.Meta):
        fields = [*MeetingInReleaseSerializer.Meta.fields, "release"]


class ReleaseLinkSerializer(serializers.ModelSerializer):
    release = ReleaseBriefSerializer(read_only=True)

    class Meta:
        model = ReleaseAgreement
        fields = ["role", "release"]


class AgreementSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:agreement-detail", lookup_field="slug", read_only=True
    )
    web_url = WebUrlField()
    country = CountrySerializer(read_only=True, allow_null=True)
    parties = OrganizationSerializer(many=True, read_only=True)
    signatories = OfficialBriefSerializer(many=True, read_only=True)
    releases = ReleaseLinkSerializer(source="public_links", many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "slug",
            "url",
            "web_url",
            "kind",
            *both("title", "subject"),
            "signed_on",
            "country",
            "parties",
            "signatories",
            "releases",
        ]


class AgreementBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:agreement-detail", lookup_field="slug", read_only=True
    )
    parties = OrganizationSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = ["slug", "url", "kind", *both("title"), "signed_on", "parties"]


class AgreementInReleaseSerializer(serializers.ModelSerializer):
    agreement = AgreementBriefSerializer(read_only=True)

    class Meta:
        model = ReleaseAgreement
        fields = ["role", "agreement"]


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = [*both("heading", "body")]


@extend_schema_field(OpenApiTypes.URI)
class PhotoFileField(serializers.Field):
    """A stored file (a photo's original, a document) at the site's own address, which checks
    publication (never an object storage's signed address, which would expire in a cached
    answer)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, image):
        return self.context["request"].build_absolute_uri(media_url(image.name))


class PhotoSerializer(serializers.ModelSerializer):
    image = PhotoFileField()
    meeting = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Photo
        fields = ["image", "width", "height", *both("caption", "credit", "alt_text"), "meeting"]


class AttachmentSerializer(serializers.ModelSerializer):
    file = PhotoFileField(help_text="The document at the site's own address.")
    size = serializers.IntegerField(read_only=True, help_text="In bytes.")
    pages = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Pages (slides for a presentation) where the file states them.",
    )

    class Meta:
        model = Attachment
        fields = ["file", *both("title"), "format", "size", "pages"]


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["role", *both("department", "persons"), "phone", "email"]


class ReleaseSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:release-detail", lookup_field="slug", read_only=True
    )
    web_url = WebUrlField()
    issuer = OrganizationSerializer(read_only=True)
    countries = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    # What the public saw change last: the publication or the last major update (a minor
    # correction, a typo, does not count).
    updated_at = serializers.DateTimeField(source="last_modified", read_only=True)

    class Meta:
        model = Release
        fields = [
            "slug",
            "url",
            "web_url",
            *both("title", "subtitle", "lead"),
            "published_at",
            "updated_at",
            "last_major_update",
            "issuer",
            *both("department"),
            "countries",
        ]


class ReleaseDetailSerializer(ReleaseSerializer):
    sections = SectionSerializer(many=True, read_only=True)
    meetings = MeetingInReleaseSerializer(many=True, read_only=True)
    agreements = AgreementInReleaseSerializer(source="agreement_links", many=True, read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    contacts = ContactSerializer(many=True, read_only=True)

    class Meta(ReleaseSerializer.Meta):
        fields = [
            *ReleaseSerializer.Meta.fields,
            "sections",
            "meetings",
            "agreements",
            "photos",
            "attachments",
            "contacts",
        ]
