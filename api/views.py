"""The open-data API: read-only, public rows only, both languages.

Every queryset starts from what is public (`Release.objects.published()`, `Meeting.objects.
public()`, `Agreement.objects.public()`, and the people verbs built on them). Lists are
filtered by the site's own FilterSets, so `/api/releases/?country=KZ&year=2025` means what
`/ja/releases/?country=KZ&year=2025` means; an invalid filter value is a 400 that says why.
"""

import django_filters
from django.db.models import Prefetch
from django.http import JsonResponse
from django.utils import translation
from django_filters import utils as filter_utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from people.models import Official, Organization, Post
from releases.filters import AgreementFilter
from releases.models import Agreement, Meeting, Release, ReleaseAgreement

from . import serializers
from .filters import MeetingFilter, OpenDataReleaseFilter

LANGUAGES = ["ja", "en"]
LANG_PARAMETER = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    enum=LANGUAGES,
    description="Language of the plain fields (`title`…) and of `web_url`; by default the "
    "request's Accept-Language. The `_ja` and `_en` fields are always both present.",
)


ERROR = {
    "type": "object",
    "additionalProperties": {},
    "description": "What was wrong: `detail`, or a list of messages for each parameter.",
}


class OpenDataSchema(AutoSchema):
    """Documents the errors a client can meet: 404 (unknown row, page out of range) and 400 (on
    lists an invalid filter value, with the reason; anywhere a control character in the address
    or a header, refused by core.middleware.ControlCharacterMiddleware)."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        content = {"application/json": {"schema": ERROR}}
        refused = "A control character in the address, a cookie or a header."
        if getattr(self.view, "action", "list") == "list":
            refused = f"An invalid filter value. {refused}"
        responses["400"] = {"description": refused, "content": content}
        responses["404"] = {"description": "Not found.", "content": content}
        return operation


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        """A `page_size` that is not a whole number from 1 is a 400, as the schema says (DRF
        would use the default); one above 100 gives 100."""
        value = request.query_params.get(self.page_size_query_param)
        if value is not None and not (value.isascii() and value.isdigit() and int(value) >= 1):
            raise ValidationError({"page_size": ["A whole number from 1 (at most 100 are used)."]})
        return super().get_page_size(request)

    def get_page_number(self, request, paginator):
        if request.query_params.get(self.page_query_param) == "":
            raise NotFound("Invalid page.")  # as `?page=abc`; DRF would give the first page
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = "Results per page, 1 to 100 (more gives 100)."
        return parameters


class OpenDataFilterBackend(DjangoFilterBackend):
    """The site's filters; a value that names nothing (`?country=AA`, `?official=nobody`)
    gives an empty list, other invalid values a 400 that says why."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        # The description allows no empty value but the words' (`?to=` is refused, as
        # `?to=soon` is; the site's lists ignore both).
        empty = [
            name
            for name, field in filterset.filters.items()
            if not isinstance(field, django_filters.CharFilter)
            and "" in request.query_params.getlist(name)
        ]
        if empty:
            raise ValidationError({name: ["This parameter cannot be empty."] for name in empty})
        if not filterset.is_valid():
            if filterset.names_nothing():
                return queryset.none()
            raise filter_utils.translate_validation(filterset.errors)
        return filterset.qs


def _organisations():
    return Organization.objects.select_related("country")


@extend_schema_view(list=extend_schema(parameters=[LANG_PARAMETER]))
@extend_schema_view(retrieve=extend_schema(parameters=[LANG_PARAMETER]))
class OpenDataViewSet(viewsets.ReadOnlyModelViewSet):
    schema = OpenDataSchema()
    pagination_class = Pagination
    filter_backends = [OpenDataFilterBackend]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Kept active until the response is rendered, so lazy strings and URLs agree.
        lang = request.query_params.get("lang")
        if lang is not None:
            if lang not in LANGUAGES:
                raise ValidationError({"lang": ["ja or en."]})
            translation.activate(lang)
            request.LANGUAGE_CODE = lang


class ReleaseViewSet(OpenDataViewSet):
    """Public releases, newest first (most relevant first with `q`)."""

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filterset_class = OpenDataReleaseFilter

    def get_queryset(self):
        releases = Release.objects.published().select_related("issuer__country")
        if self.action == "list":
            return releases.prefetch_related("countries")
        agreement_links = ReleaseAgreement.objects.select_related("agreement").prefetch_related(
            Prefetch("agreement__parties", queryset=_organisations())
        )
        return releases.prefetch_related(
            "countries",
            "sections",
            "photos",
            "attachments",
            "contacts",
            Prefetch("meetings", queryset=Meeting.objects.with_participants()),
            Prefetch("agreement_links", queryset=agreement_links),
        )

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.ReleaseSerializer
        return serializers.ReleaseDetailSerializer


class MeetingViewSet(OpenDataViewSet):
    """Meetings that public releases report, newest first."""

    lookup_value_regex = r"[0-9]{1,18}"
    filterset_class = MeetingFilter
    serializer_class = serializers.MeetingSerializer

    def get_queryset(self):
        return (
            Meeting.objects.public()
            .with_participants()
            .select_related("release")
            .order_by("-date", "-id")
        )


class AgreementViewSet(OpenDataViewSet):
    """The register: agreements that a public release announces or mentions."""

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filterset_class = AgreementFilter
    serializer_class = serializers.AgreementSerializer

    def get_queryset(self):
        return (
            Agreement.objects.public()
            .with_public_releases(parties=Prefetch("parties", queryset=_organisations()))
            .prefetch_related(
                Prefetch("signatories", queryset=Official.objects.select_related("country"))
            )
        )


class CountryViewSet(OpenDataViewSet):
    """Countries that public releases are about, with how many releases, meetings and
    agreements of each are public; all of them in one list (there are at most 249)."""

    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z]{2}"
    serializer_class = serializers.CountryCountsSerializer
    pagination_class = None

    def get_queryset(self):
        return Release.objects.published().countries().order_by("code")

    def list(self, request, *args, **kwargs):
        countries = Release.objects.published().count_by_country(self.get_queryset())
        return Response(self.get_serializer(countries, many=True).data)

    def get_object(self):
        found = Release.objects.published().count_by_country(
            self.get_queryset().filter(code=self.kwargs["code"].upper())
        )
        if not found:
            raise NotFound
        return found[0]


class OfficialViewSet(OpenDataViewSet):
    """Officials that public releases report, with the posts they have held. Their meetings:
    `/api/meetings/?official=<slug>`."""

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    serializer_class = serializers.OfficialSerializer

    def get_queryset(self):
        posts = Post.objects.select_related("organization__country")
        return (
            Release.objects.published()
            .officials()
            .select_related("country")
            .prefetch_related(Prefetch("posts", queryset=posts))
            .order_by("slug")
        )


def not_found(request):
    """Whatever else is under /api/ is a JSON 404, not the site's HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)
