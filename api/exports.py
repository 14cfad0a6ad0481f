"""CSV downloads of the agreements register and of the meetings, filtered like the API lists.

Both languages side by side, UTF-8 with a byte order mark (so spreadsheet programs read the
Japanese), and cells that a spreadsheet would run as a formula are quoted with a leading `'`.
"""

import csv
from itertools import groupby

from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from django.views import View

from releases.filters import AgreementFilter
from releases.models import Agreement, Meeting

from .filters import MeetingFilter
from .views import _organisations, _public_release_links

LANGUAGES = ("ja", "en")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class Echo:
    def write(self, value):
        return value


class CsvExportView(View):
    filterset_class = None
    filename = ""

    def get(self, request):
        filterset = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            lines = [f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()]
            return HttpResponse(
                "\n".join(lines), status=400, content_type="text/plain; charset=utf-8"
            )
        writer = csv.writer(Echo())
        rows = self.rows(filterset.qs)

        def lines():
            yield "\ufeff" + writer.writerow(self.header)
            for row in rows:
                yield writer.writerow([cell(value) for value in row])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response

    def urls(self, name, kwargs):
        urls = []
        for lang in LANGUAGES:
            with translation.override(lang):
                urls.append(self.request.build_absolute_uri(reverse(name, kwargs=kwargs)))
        return urls


class MeetingsCsvView(CsvExportView):
    """One query, streamed: a row per meeting and participant, folded into a row per meeting."""

    filterset_class = MeetingFilter
    filename = "meetings.csv"
    header = [
        "id",
        "date",
        "end_date",
        "kind",
        "country_code",
        "country_name_ja",
        "country_name_en",
        "title_ja",
        "title_en",
        "place_ja",
        "place_en",
        "summary_ja",
        "summary_en",
        "participants_ja",
        "participants_en",
        "official_slugs",
        "release_slug",
        "release_url_ja",
        "release_url_en",
    ]
    columns = [
        "id",
        "date",
        "end_date",
        "kind",
        "country__code",
        "country__name_ja",
        "country__name_en",
        "title_ja",
        "title_en",
        "place_ja",
        "place_en",
        "summary_ja",
        "summary_en",
        "release__slug",
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
            .values_list(*self.columns, *self.participant_columns)
            .iterator(chunk_size=2000)
        )
        width = len(self.columns)
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
                *self.urls("releases:detail", {"slug": release_slug}),
            ]


def _person(name, title):
    return f"{name} ({title})" if title else name


class AgreementsCsvView(CsvExportView):
    """The register as the site shows it; a fixed number of queries whatever its size."""

    filterset_class = AgreementFilter
    filename = "agreements.csv"
    header = [
        "slug",
        "kind",
        "title_ja",
        "title_en",
        "subject_ja",
        "subject_en",
        "signed_on",
        "country_code",
        "country_name_ja",
        "country_name_en",
        "parties_ja",
        "parties_en",
        "signatories_ja",
        "signatories_en",
        "release_slugs",
        "url_ja",
        "url_en",
    ]

    def get_queryset(self):
        return (
            Agreement.objects.public()
            .select_related("country")
            .prefetch_related(
                Prefetch("parties", queryset=_organisations()),
                "signatories",
                Prefetch("release_links", queryset=_public_release_links(), to_attr="public_links"),
            )
        )

    def rows(self, agreements):
        for agreement in agreements:
            parties = list(agreement.parties.all())
            signatories = list(agreement.signatories.all())
            country = agreement.country
            yield [
                agreement.slug,
                agreement.kind,
                agreement.title_ja,
                agreement.title_en,
                agreement.subject_ja,
                agreement.subject_en,
                agreement.signed_on,
                country.code if country else "",
                country.name_ja if country else "",
                country.name_en if country else "",
                " / ".join(p.name_ja or "" for p in parties),
                " / ".join(p.name_en or p.name_ja or "" for p in parties),
                " / ".join(o.name_ja or "" for o in signatories),
                " / ".join(o.name_en or o.name_ja or "" for o in signatories),
                " ".join(link.release.slug for link in agreement.public_links),
                *self.urls("releases:agreement", {"slug": agreement.slug}),
            ]
