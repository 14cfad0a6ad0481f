import re
from bisect import bisect_right
from operator import attrgetter

from csp.decorators import csp_exempt
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, View
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView

from people.countries import world_map
from people.models import Country, Post

from . import pdf
from .filters import AgreementFilter, ReleaseFilter, first_page_query
from .models import (
    SEARCH_COLUMNS,
    Agreement,
    ArchiveCount,
    Meeting,
    OfficialCount,
    Release,
    ReleaseRedirect,
    TopicalEvent,
)
from .translation_status import shown_in_japanese


class IndexPaginator(Paginator):
    """A page of a queryset is its rows chosen by their ids in a subquery (still one query):
    `SELECT … WHERE id IN (SELECT id … ORDER BY … LIMIT 20 OFFSET n) ORDER BY …`. The database
    sorts and skips narrow index entries instead of whole rows, which keeps a deep page about as
    fast as the first. `count`, where the caller knows it already (from derived counts),
    spares counting the rows. `ids`, the rows' ids in their order by another way than the rows'
    own query (an index that gives that order), is walked instead of theirs."""

    def __init__(self, object_list, per_page, count=None, ids=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.count = count  # Paginator.count is a cached_property: this is its value
        self.ids = ids

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if isinstance(rows, QuerySet):
            ids = rows.values("pk") if self.ids is None else self.ids
            rows = rows.filter(pk__in=ids[bottom:top])
        else:
            rows = rows[bottom:top]
        return Page(rows, number, self)


class ForgivingPaginationMixin:
    """A page number that is not a number, or out of range, shows the nearest page and says so
    (`page_note`), instead of a 404: `?page=abc`, `?page=0` and `?page=-1` give page 1,
    `?page=99999` the last page."""

    paginator_class = IndexPaginator
    page_note = ""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        requested = self.request.GET.get(self.page_kwarg, "")
        try:
            number = int(requested or 1)
        except ValueError:
            number = 1
        page = paginator.page(max(1, min(number, paginator.num_pages)))
        if requested and requested != str(page.number):
            self.page_note = _("There is no page “%(requested)s”: this is page %(number)s.") % {
                "requested": requested[:20],
                "number": page.number,
            }
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # paginates
        context["page_note"] = self.page_note
        return context


class HomeView(ListView):
    template_name = "releases/home.html"

    def get_queryset(self):
        return Release.objects.published().for_list()[:8]

    def get_context_data(self, **kwargs):
        countries = public_countries()
        top = sorted(countries, key=attrgetter("releases_n"), reverse=True)
        return super().get_context_data(
            countries=top[:12],
            country_options=countries,
            agreements=Agreement.objects.public().for_links()[:5],
            **kwargs,
        )


class ReleaseListView(ForgivingPaginationMixin, FilterView):
    filterset_class = ReleaseFilter
    strict = False  # invalid filters are ignored (and listed), valid ones still apply
    paginate_by = 20
    template_name = "releases/release_list.html"

    def get_queryset(self):
        return Release.objects.published().for_list()

    def paginate_queryset(self, queryset, page_size):
        return super().paginate_queryset(self.filterset.paged(queryset), page_size)

    def get_paginator(self, queryset, per_page, **kwargs):
        return super().get_paginator(queryset, per_page, count=self.results_n, **kwargs)

    def get_context_data(self, **kwargs):
        filterset = self.filterset
        active = filterset.active_filters()
        # A search counts its results up to a limit (filters.SEARCH_COUNT_LIMIT); past it the
        # list says "more than", offers that many, and counts no facets.
        searched = filterset.search_count()
        more = searched is not None and searched[1]
        # The facets and the choices come from the archive counts (ArchiveCount), kept current
        # on commit: a few small queries whatever the archive's size.
        countries, years = ([], []) if more else filterset.facets()
        # The number of results, read by get_paginator() (above): a search's count, else the
        # sum of the year facets (every public release has a year).
        self.results_n = searched[0] if searched else sum(row["n"] for row in years)
        if active:
            country_options = ArchiveCount.objects.country_facets()
            year_options = ArchiveCount.objects.year_facets()
        else:
            country_options, year_options = countries, years
        selected = filterset.form.cleaned_data.get("country") if filterset.is_bound else None
        return super().get_context_data(
            active_filters=active,
            ignored_filters=filterset.ignored_filters(),
            filters_key=first_page_query(self.request.GET),
            country_facets=countries,
            year_facets=years,
            country_options=country_options,
            year_options=year_options,
            selected_countries={country.code for country in selected or []},
            more_than=self.results_n if more else None,
            **kwargs,
        )


class ReleaseDetailView(DetailView):
    def get_queryset(self):
        return Release.objects.reachable().with_details().defer(*SEARCH_COLUMNS)

    def get(self, request, *args, **kwargs):
        # An address that no public release answers may be an old one (ReleaseRedirect): a
        # changed slug, or a release unpublished or withdrawn in favour of another. A public
        # release's page costs no query more.
        slug = self.kwargs.get(self.slug_url_kwarg)  # None in the staff's preview (by id)
        try:
            self.object = self.get_object()
        except Http404:
            if slug and (destination := ReleaseRedirect.objects.destination(slug)):
                return redirect(destination, permanent=True)
            raise
        withdrawn = slug and self.object.status == Release.Status.WITHDRAWN
        if withdrawn and (destination := ReleaseRedirect.objects.destination(self.object.slug)):
            return redirect(destination, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        release = self.object
        if release.status == Release.Status.WITHDRAWN:  # its page shows nothing else
            return super().get_context_data(**kwargs)
        public = Release.objects.published().for_links()
        countries = release.countries.all()
        related = public.for_countries(countries).exclude(pk=release.pk)[:5] if countries else []
        related = list(related)
        return super().get_context_data(
            related=related,
            previous=Release.objects.before(release).for_links().first(),
            next=Release.objects.after(release).for_links().first(),
            contents=contents(release, related),
            untranslated=shown_in_japanese(release),
            topical_events=TopicalEvent.objects.filter(
                Q(releases=release) | Q(meetings__release=release)
            ).distinct(),
            # Only a release with a major update asks for its updates.
            updates=list(release.updates.major()) if release.last_major_update else [],
            **kwargs,
        )


# A Content-Security-Policy on a PDF stops Chromium's viewer from showing it (object-src).
@method_decorator(csp_exempt(), name="dispatch")
class ReleasePDFView(SingleObjectMixin, View):
    """The public release as a PDF in the page's language (releases.pdf), read from the storage
    (made first if missing); a 404 for anything the public may not see. HTTP caching, ETag and
    304s come from the page cache, as for the page."""

    def get_queryset(self):
        return Release.objects.published().with_details().defer(*SEARCH_COLUMNS)

    def get(self, request, *args, **kwargs):
        release = self.get_object()
        language = get_language()
        digest, data = pdf.release_pdf(release, language)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=False, filename=f"{release.slug}-{language}.pdf"
        )
        response["ETag"] = f'"{digest}"'
        return response


def contents(release, related):
    """The release page's "On this page" list: [(anchor, label, [(anchor, label)])], its parts
    in the order the page shows them (the meetings with each meeting under them). The anchors
    are the ids the page gives those parts (releases/release_detail.html)."""
    entries = []
    if meetings := release.meetings.all():
        entries.append(("meetings-title", _("Meetings"), [(m.anchor, m.heading) for m in meetings]))
    entries += [(s.anchor, s.heading, ()) for s in release.sections.all() if s.heading]
    if any(photo.meeting_id is None for photo in release.photos.all()):
        entries.append(("photos-title", _("Photos"), ()))
    if release.agreement_links.all():
        entries.append(("agreements-title", _("Agreements"), ()))
    if release.attachments.all():
        entries.append(("documents-title", pgettext("attachments", "Documents"), ()))
    if release.contacts.all():
        entries.append(("contacts-title", _("Contact"), ()))
    if related:
        entries.append(("related-title", _("Related releases"), ()))
    return entries


class AgreementListView(ForgivingPaginationMixin, FilterView):
    filterset_class = AgreementFilter
    strict = False
    paginate_by = 30
    template_name = "releases/agreement_list.html"

    def get_queryset(self):
        return Agreement.objects.public().with_public_releases()

    @cached_property
    def agreement_counts(self):
        """{country id: n} of the public agreements, None: all of them (ArchiveCount)."""
        return ArchiveCount.objects.agreement_counts()

    def get_paginator(self, queryset, per_page, **kwargs):
        # Unfiltered, the register holds every public agreement: their number is kept on
        # commit, where counting them would read them all.
        filtered = self.filterset.is_bound and any(self.filterset.form.cleaned_data.values())
        if not filtered:
            kwargs["count"] = self.agreement_counts[None]
        return super().get_paginator(queryset, per_page, **kwargs)

    def get_context_data(self, **kwargs):
        form = self.filterset.form
        selected = form.cleaned_data.get("country") if self.filterset.is_bound else None
        signatory = form.cleaned_data.get("official") if self.filterset.is_bound else None
        public = Agreement.objects.public()
        return super().get_context_data(
            signatory=signatory,
            without_signatory=first_page_query(self.request.GET, drop=("official",)),
            filters_key=first_page_query(self.request.GET),
            # The download holds what the list shows: the filters it applies, not those it
            # ignores.
            csv_query=first_page_query(self.request.GET, drop=form.errors),
            ignored_filters=self.filterset.ignored_filters(),
            country_options=Country.objects.filter(
                pk__in=[pk for pk, n in self.agreement_counts.items() if pk and n]
            ).order_by("name"),
            year_options=public.signing_years(),
            kind_options=Agreement.Kind.choices,
            selected_countries={country.code for country in selected or []},
            **kwargs,
        )


class AgreementDetailView(DetailView):
    def get_queryset(self):
        return Agreement.objects.public().with_public_releases().prefetch_related("signatories")


class CountryListView(ListView):
    template_name = "releases/country_list.html"

    def get_queryset(self):
        return public_countries()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, "world_map": world_map_of(context["object_list"])}


MAP_CLASSES = 4


def world_map_of(countries):
    """The world map of the countries page: every shape, and those of `countries` (with
    `releases_n`) as links in their order, each in one of up to MAP_CLASSES classes of
    release counts; `legend` gives each class's range [(class, lowest, highest)]."""
    drawn = world_map()
    by_code = {shape["code"]: shape["d"] for shape in drawn["shapes"] if shape["code"]}
    counts = sorted({country.releases_n for country in countries})
    # Classes of about as many distinct counts each; each starts at its first count.
    size = max(1, -(-len(counts) // MAP_CLASSES))
    starts = counts[::size]
    legend = [
        (i, start, (starts[i + 1] - 1) if i + 1 < len(starts) else counts[-1])
        for i, start in enumerate(starts)
    ]
    linked = [
        (country, by_code[country.code], bisect_right(starts, country.releases_n) - 1)
        for country in countries
        if country.code in by_code
    ]
    shown = {country.code for country, _d, _class in linked}
    return {
        "width": drawn["width"],
        "height": drawn["height"],
        "plain": [shape["d"] for shape in drawn["shapes"] if shape["code"] not in shown],
        "linked": linked,
        "legend": legend,
    }


class CountryDetailView(ForgivingPaginationMixin, SingleObjectMixin, ListView):
    """A country and, page by page, the timeline of the public releases about it, each with the
    meetings in that country and the agreements it reports."""

    paginate_by = 20
    template_name = "releases/country_detail.html"

    def get(self, request, *args, **kwargs):
        code = kwargs["code"]
        if not re.fullmatch(r"[A-Za-z]{2}", code, re.ASCII):
            raise Http404
        if code != code.lower():
            return redirect("releases:country", code=code.lower(), permanent=True)
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def get_object(self, queryset=None):
        countries = Country.objects.filter(code=self.kwargs["code"].upper())
        found = ArchiveCount.objects.count_by_country(countries)
        if not found or not found[0].releases_n:
            raise Http404
        return found[0]

    def get_queryset(self):
        country = self.object
        return Release.objects.published().for_country(country).with_reports(country).for_links()

    def get_paginator(self, queryset, per_page, **kwargs):
        # The country's public releases, counted already (the archive counts).
        return super().get_paginator(queryset, per_page, count=self.object.releases_n, **kwargs)

    def get_context_data(self, **kwargs):
        country = self.object
        return super().get_context_data(
            officials=Release.objects.published()
            .officials()
            .filter(country=country)
            .only("slug", "name")[:30],
            agreements=Agreement.objects.public().filter(country=country).for_links()[:10],
            **kwargs,
        )


SIGNED_SHOWN = 10  # agreements on an official's page


class OfficialDetailView(ForgivingPaginationMixin, SingleObjectMixin, ListView):
    """An official, the posts they held and, page by page, every public meeting with them."""

    paginate_by = 20
    template_name = "releases/official_detail.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def get_object(self, queryset=None):
        posts = Post.objects.select_related("organization")
        officials = (
            Release.objects.published()
            .officials()
            .select_related("country")
            .prefetch_related(Prefetch("posts", queryset=posts))
        )
        found = list(officials.filter(slug=self.kwargs["slug"])[:1])
        if not found:
            raise Http404
        return found[0]

    @cached_property
    def totals(self):
        """(meetings, agreements signed) of the official in the public archive, from the
        derived counts (OfficialCount): a busy official's thousands are not counted on each
        request."""
        return OfficialCount.objects.totals(self.object)

    def get_paginator(self, queryset, per_page, **kwargs):
        # The page's meetings are found in the same order by their participations' copy of the
        # meeting's date: down the official's own index (official, date), stopping at the page,
        # instead of sorting all their meetings (8,000 for the busiest at 100,000 releases).
        ids = self.meetings.order_by(
            "-participations__meeting_date", "-release__published_at", "order"
        ).values("pk")
        return super().get_paginator(queryset, per_page, count=self.totals[0], ids=ids, **kwargs)

    @cached_property
    def meetings(self):
        return Meeting.objects.public().filter(participations__official=self.object)

    def get_queryset(self):
        return (
            self.meetings.with_participants()
            .select_related("release")
            .defer(*(f"release__{column}" for column in SEARCH_COLUMNS))
            .order_by("-date", "-release__published_at", "order")
        )

    def get_context_data(self, **kwargs):
        official = self.object
        # A country has a page when public releases are about it: an official's may not.
        has_page = Release.objects.published().filter(countries=official.country_id).exists()
        # The latest they signed; the register, filtered by them, lists them all (an agency's
        # own president signs hundreds over the years).
        signed = Agreement.objects.public().signed_by(official)
        return super().get_context_data(
            agreements=signed.for_links()[:SIGNED_SHOWN],
            agreements_n=self.totals[1],
            country_has_page=official.country_id is not None and has_page,
            **kwargs,
        )


class TopicalEventListView(ListView):
    template_name = "releases/event_list.html"

    def get_queryset(self):
        return TopicalEvent.objects.public()


class TopicalEventDetailView(DetailView):
    """A topical event's story: its public releases, meetings and agreements in date order."""

    template_name = "releases/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return TopicalEvent.objects.public().prefetch_related("countries")

    def get_context_data(self, **kwargs):
        event = self.object
        releases = Release.objects.published().for_event(event).with_related()
        meetings = (
            Meeting.objects.public()
            .filter(topical_events=event)
            .with_participants()
            .select_related("release")
            .defer(*(f"release__{column}" for column in SEARCH_COLUMNS))
        )
        agreements = Agreement.objects.public().filter(topical_events=event).with_public_releases()
        return super().get_context_data(
            story=story(releases, meetings, agreements),
            # Each with its public releases: a country without any has no page to link to.
            countries=ArchiveCount.objects.count_by_country(event.countries.all()),
            filters_query=f"event={event.slug}",
            **kwargs,
        )


# On one day: the meetings, then the agreements signed, then the releases that report them.
STORY_ORDER = {"meeting": 0, "agreement": 1, "release": 2}


def story(releases, meetings, agreements):
    """[(kind, date, row)] in date order. An agreement whose signing date is not known is
    placed on the day of the first public release that reports it."""
    entries = [("release", timezone.localdate(r.published_at), r) for r in releases]
    entries += [("meeting", m.date, m) for m in meetings]
    for agreement in agreements:
        day = agreement.signed_on or timezone.localdate(
            agreement.public_links[-1].release.published_at
        )
        entries.append(("agreement", day, agreement))
    return sorted(entries, key=lambda entry: (entry[1], STORY_ORDER[entry[0]], entry[2].pk))


def public_countries():
    """The countries of public releases by name, each with its public counts."""
    return ArchiveCount.objects.countries()
