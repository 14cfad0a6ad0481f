"""CSV downloads of the agreements register and of the meetings, filtered like the API lists.

Both languages side by side, UTF-8 with a byte order mark (so spreadsheet programs read the
Japanese), and cells that a spreadsheet would run as a formula are quoted with a leading `'`
(OWASP's CSV injection advice): those starting with = + - @ or their full-width forms, which
Japanese spreadsheets read as the same, also after leading spaces, tabs or line breaks.
"""

import csv
from itertools import chain, groupby

from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.renderers import JSONRenderer

from releases.filters import AgreementFilter
from releases.models import Agreement, Meeting, Release

from .filters import MeetingFilter
from .views import OpenDataFilterBackend, OpenDataSchema

LANGUAGES = ("ja", "en")
SLUG = "slug-placeholder"
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
LEADING_SPACE = " \t\r\n\u3000"


def cell(value):
    text = "" if value is None else str(value)
    formula = text.startswith(("\t", "\r")) or text.lstrip(LEADING_SPACE).startswith(FORMULA_STARTS)
    return f"'{text}" if formula else text


def _same(*names):
    """Columns named as the fields they are read from."""
    return {name: name for name in names}


def _both(name):
    return [f"{name}_{language}" for language in LANGUAGES]


COUNTRY_COLUMNS = {
    "country_code": "country__code",
    "country_name_ja": "country__name_ja",
    "country_name_en": "country__name_en",
}


class Echo:
    def write(self, value):
        return value


def csv_schema(what):
    return extend_schema(
        summary=f"{what} as CSV",
        description=f"{what}, filtered like the list, as one CSV file (UTF-8 with a byte order "
        "mark, both languages side by side). Cells a spreadsheet would read as a formula "
        "start with `'`.",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV")},
    )


class CsvExportView(ListAPIView):
    """A CSV download: `columns` ({CSV column: field looked up}) read straight from the rows,
    then `more_columns`, which `rows()` computes. Filters as the API's lists: an invalid
    value is a 400 that says why, a value that names nothing gives no rows."""

    schema = OpenDataSchema()
    filter_backends = [OpenDataFilterBackend]
    pagination_class = None
    filterset_class = None
    filename = ""
    columns = {}
    more_columns = []

    @property
    def header(self):
        return [*self.columns, *self.more_columns]

    def perform_content_negotiation(self, request, force=False):
        # The download is CSV whatever the client accepts (it streams its own response); an
        # error is JSON, as the API's are.
        return JSONRenderer(), JSONRenderer.media_type

    def list(self, request, *args, **kwargs):
        writer = csv.writer(Echo())
        # The first row is read before the response starts: a database that cannot be reached
        # is a 503 (core.middleware), not a 200 with a header row and a broken connection.
        rows = self.rows(self.filter_queryset(self.get_queryset()))
        first = next(rows, None)

        def lines():
            yield "\ufeff" + writer.writerow(self.header)
            for row in chain([first], rows) if first is not None else ():
                yield writer.writerow([cell(value) for value in row])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response

    def url_makers(self, name):
        """For each language, a function from a slug to the absolute URL of `name`: one
        reverse() per language rather than per row."""
        makers = []
        for lang in LANGUAGES:
            with translation.override(lang):
                template = self.request.build_absolute_uri(reverse(name, kwargs={"slug": SLUG}))
            makers.append(lambda slug, template=template: template.replace(SLUG, slug))
        return makers


@csv_schema("Meetings")
class MeetingsCsvView(CsvExportView):
    """One query, streamed: a row per meeting and participant, folded into a row per meeting."""

    filterset_class = MeetingFilter
    filename = "meetings.csv"
    columns = {
        **_same("id", "date", "end_date", "kind"),
        **COUNTRY_COLUMNS,
        **_same(*_both("title"), *_both("place"), *_both("summary")),
    }
    more_columns = [
        "participants_ja",
        "participants_en",
        "official_slugs",
        "release_slug",
        "release_url_ja",
        "release_url_en",
    ]
    participant_columns = [
        "participations__official__slug",
        "participations__official__name_ja",
        "participations__official__name_en",
        "participations__title_ja",
        "participations__title_en",
    ]

    def get_queryset(self):
        return Meeting.objects.public()

    def rows(self, meetings):
        flat = (
            meetings.order_by("-date", "-id", "participations__order", "participations__id")
            .values_list(*self.columns.values(), "release__slug", *self.participant_columns)
            .iterator(chunk_size=2000)
        )
        width = len(self.columns) + 1
        release_urls = self.url_makers("releases:detail")
        for fields, group in groupby(flat, key=lambda row: row[:width]):
            people = [row[width:] for row in group if row[width]]
            *meeting, release_slug = fields
            yield [
                *meeting,
                "; ".join(_person(name_ja, title_ja) for _, name_ja, _, title_ja, _ in people),
                "; ".join(
                    _person(name_en or name_ja, title_en or title_ja)
                    for _, name_ja, name_en, title_ja, title_en in people
                ),
                " ".join(slug for slug, *_ in people),
                release_slug,
                *(url(release_slug) for url in release_urls),
            ]


def _person(name, title):
    return f"{name} ({title})" if title else name


@csv_schema("The agreements register")
class AgreementsCsvView(CsvExportView):
    """The register as the site shows it: four queries and no model instances, whatever its
    size (parties, signatories and release links are read as plain rows)."""

    filterset_class = AgreementFilter
    filename = "agreements.csv"
    columns = {
        **_same("slug", "kind", *_both("title"), *_both("subject"), "signed_on"),
        **COUNTRY_COLUMNS,
    }
    more_columns = [
        "parties_ja",
        "parties_en",
        "signatories_ja",
        "signatories_en",
        "release_slugs",
        "url_ja",
        "url_en",
    ]

    def get_queryset(self):
        return Agreement.objects.public()

    def rows(self, agreements):
        ids = agreements.order_by().values("pk")
        parties = _grouped(
            Agreement.parties.through.objects.filter(agreement__in=ids)
            .order_by("agreement_id", "id")
            .values_list("agreement_id", "organization__name_ja", "organization__name_en")
        )
        signatories = _grouped(
            Agreement.signatories.through.objects.filter(agreement__in=ids)
            .order_by("agreement_id", "id")
            .values_list("agreement_id", "official__name_ja", "official__name_en")
        )
        # Every public link (SQLite plans the doubly nested filter badly): rows not in the
        # download are simply not looked up.
        releases = _grouped(
            Release.objects.published()
            .agreement_links()
            .order_by("agreement_id", "-release__published_at", "-release_id")
            .values_list("agreement_id", "release__slug")
        )
        urls = self.url_makers("releases:agreement")
        rows = agreements.values_list("pk", *self.columns.values()).iterator(chunk_size=2000)
        for pk, slug, *fields in rows:
            yield [
                slug,
                *fields,
                " / ".join(ja or "" for ja, _ in parties.get(pk, [])),
                " / ".join(en or ja or "" for ja, en in parties.get(pk, [])),
                " / ".join(ja or "" for ja, _ in signatories.get(pk, [])),
                " / ".join(en or ja or "" for ja, en in signatories.get(pk, [])),
                " ".join(release for (release,) in releases.get(pk, [])),
                *(url(slug) for url in urls),
            ]


def _grouped(rows):
    """{first value: [the rest, ...]} of rows ordered by their first value."""
    return {key: [row[1:] for row in group] for key, group in groupby(rows, key=lambda r: r[0])}
