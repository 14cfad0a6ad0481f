import re
from functools import cache
from operator import attrgetter
from typing import NamedTuple

from django.db.models import Prefetch
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView

from core.cache import cached, prefetched_as_lists
from core.pagination import CachedOrder, ForgivingPaginationMixin, OrderedRows, first_page_query
from directory.models import Country, Post

from .filters import AgreementFilter, ReleaseFilter
from .models import SEARCH_COLUMNS, Agreement, Meeting, Release
from .translation_status import shown_in_japanese


class HomeView(ListView):
    template_name = "releases/home.html"

    def get_queryset(self):
        return Release.objects.published().with_related()[:8]

    def get_context_data(self, **kwargs):
        countries = cached_public_countries()
        top = sorted(countries, key=attrgetter("releases_n"), reverse=True)
        agreements = cached("home-agreements", lambda: list(Agreement.objects.public()[:5]))
        return super().get_context_data(
            countries=top[:12], country_options=countries, agreements=agreements, **kwargs
        )


class ReleaseListView(ForgivingPaginationMixin, FilterView):
    filterset_class = ReleaseFilter
    strict = False  # invalid filters are ignored (and listed), valid ones still apply
    paginate_by = 20
    template_name = "releases/release_list.html"

    def get_queryset(self):
        return Release.objects.published().with_related()

    def filters(self):
        """The list's valid filters ({} when none is given)."""
        return getattr(self.filterset.form, "cleaned_data", {}) if self.filterset.is_bound else {}

    @property
    def order_cached_up_to(self):
        """A filtered list (one country's releases, one year's) keeps its order (see
        ForgivingPaginationMixin); the whole list is read a page at a time through its index,
        at 1,000 releases as at 100,000, and a search (every one different) by its rank."""
        data = self.filters()
        return 10_000 if any(data.values()) and not data.get("q") else 0

    @property
    def page_ids_cached(self):
        """Each page of a list read through its index keeps its ids (a search does not)."""
        return not self.filters().get("q")

    def paginate_queryset(self, queryset, page_size):
        paged = self.filterset.paged(queryset, count_key=self.count_key())
        return super().paginate_queryset(paged, page_size)

    def get_context_data(self, **kwargs):
        filterset = self.filterset
        active = filterset.active_filters()
        filters = filters_of(self.request)
        # The facets and the filter choices are only read where the template renders their
        # fragments, which come from the cache (`{% aggregate %}`) but for a new version.
        results_facets = cache(lambda: self.facets(filterset.qs, filters))
        all_facets = cache(lambda: self.facets(Release.objects.published(), []))
        if not active:  # the results are all the public releases: the facets are the choices
            all_facets = results_facets
        selected = filterset.form.cleaned_data.get("country") if filterset.is_bound else None
        return super().get_context_data(
            active_filters=active,
            ignored_filters=filterset.ignored_filters(),
            filters_key=filters,
            country_facets=lambda: results_facets()[0],
            year_facets=lambda: results_facets()[1],
            country_options=cache(lambda: sorted(all_facets()[0], key=attrgetter("name"))),
            year_options=lambda: all_facets()[1],
            selected_countries={country.code for country in selected or []},
            **kwargs,
        )

    @staticmethod
    def facets(releases, filters):
        """The countries and years of `releases`, with counts, cached by their `filters`."""
        return (
            cached("country-facets", lambda: list(releases.country_counts()), filters),
            cached("year-facets", lambda: list(releases.year_counts()), filters),
        )


class ReleaseDetailView(DetailView):
    """A release with everything it reports. What the page shows is read from the database once
    per content version for every server (the release with its parts, and its neighbours);
    `shared = False` reads it afresh (the staff's preview)."""

    shared = True

    def get_queryset(self):
        return Release.objects.reachable().with_details().defer(*SEARCH_COLUMNS)

    def get_object(self, queryset=None):
        # The parts as lists, as the cache keeps them, for the preview too: the same page.
        if not self.shared:
            return prefetched_as_lists([super().get_object(queryset)])[0]
        slug = self.kwargs["slug"]

        def find():
            return prefetched_as_lists(list(self.get_queryset().filter(slug=slug)[:1]))

        found = cached("release", find, slug)
        if not found:
            raise Http404
        return found[0]

    def get_context_data(self, **kwargs):
        release = self.object
        if release.status == Release.Status.WITHDRAWN:  # its page shows nothing else
            return super().get_context_data(**kwargs)
        if self.shared:
            related_ids, previous, following = cached("neighbours", self.neighbours, release.pk)
            untranslated = cached("untranslated", lambda: shown_in_japanese(release), release.pk)
            # Absolute addresses: per host and scheme, as the page is.
            where = (self.request.scheme, self.request.get_host())
            head = cached("release-head", self.machine_readable, release.pk, *where)
        else:
            related_ids, previous, following = self.neighbours()
            untranslated, head = shown_in_japanese(release), self.machine_readable()
        meta, structured_data = head
        # Their items come from the cache ({% render_each %}): the rows are read only if not.
        related = OrderedRows.of(
            lambda: Release.objects.published().defer(*SEARCH_COLUMNS), related_ids
        )
        return super().get_context_data(
            related=related,
            previous=previous,
            next=following,
            contents=contents(release, related),
            untranslated=untranslated,
            release_meta=meta,
            structured_data=structured_data,
            **kwargs,
        )

    def machine_readable(self):
        """(description, Open Graph and Twitter card tags; schema.org JSON-LD) of the release,
        as HTML for the page's head: what search engines, crawlers and link previews read."""
        context = {"release": self.object, "request": self.request}
        return tuple(
            mark_safe(get_template(name).render(context))  # noqa: S308 - escaped templates
            for name in ("includes/release_meta.html", "includes/release_jsonld.html")
        )

    def neighbours(self):
        """(the ids of up to 5 releases about the same countries, the previous release and the
        next one as a `Neighbour` or None): small to keep, quick to read back."""
        release = self.object
        public = Release.objects.published().defer(*SEARCH_COLUMNS)
        countries = release.countries.all()
        related = public.for_countries(countries).exclude(pk=release.pk) if countries else None
        ids = list(related.values_list("pk", flat=True)[:5]) if related is not None else []
        return (
            ids,
            Neighbour.of(public.before(release).first()),
            Neighbour.of(public.after(release).first()),
        )


class Neighbour(NamedTuple):
    """The previous or the next release, as its link shows it."""

    url: str
    title: str

    @classmethod
    def of(cls, release):
        return cls(release.get_absolute_url(), release.title) if release else None


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
    if release.contacts.all():
        entries.append(("contacts-title", _("Contact"), ()))
    if related:
        entries.append(("related-title", _("Related releases"), ()))
    return entries


class AgreementListView(ForgivingPaginationMixin, FilterView):
    filterset_class = AgreementFilter
    strict = False
    paginate_by = 30
    order_cached_up_to = 10_000
    template_name = "releases/agreement_list.html"

    def get_queryset(self):
        return Agreement.objects.public().with_public_releases()

    def get_context_data(self, **kwargs):
        form = self.filterset.form
        selected = form.cleaned_data.get("country") if self.filterset.is_bound else None
        # The download holds what the list shows: the filters it applies, not those it ignores.
        csv_query = first_page_query(self.request.GET, drop=self.filterset.form.errors)

        def countries():
            public = Agreement.objects.public()
            return list(Country.objects.filter(agreements__in=public).distinct().order_by("name"))

        def years():
            return list(Agreement.objects.public().dates("signed_on", "year", order="DESC"))

        return super().get_context_data(
            filters_key=filters_of(self.request),
            csv_query=csv_query,
            ignored_filters=self.filterset.ignored_filters(),
            # Read (and built) only where the template renders the filters' fragment
            # ({% aggregate %}), which comes from the cache but for a new version.
            country_options=lambda: cached("agreement-countries", countries),
            year_options=cache(lambda: cached("agreement-years", years)),
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
        return cached_public_countries()


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
        code = self.kwargs["code"].upper()

        def find():
            public = Release.objects.published()
            return public.count_by_country(public.countries().filter(code=code))

        found = cached("country", find, code)
        if not found:
            raise Http404
        return found[0]

    def get_queryset(self):
        country = self.object

        def timeline():
            return Release.objects.published().for_country(country).with_reports(country)

        # The year headings are local years, read with the order: a release of 1 January
        # 08:00 in Tokyo is of the new year, though its UTC moment is of the old one.
        year = ExtractYear("published_at")
        return CachedOrder(timeline, "country-releases", country.pk, marks={"year": year})

    def get_context_data(self, **kwargs):
        country = self.object
        # Read (and built: the officials' query alone takes 2 ms to put together) only where
        # the sidebar is rendered, which comes from the cache but for a new version.
        return super().get_context_data(
            officials=cache(
                lambda: list(Release.objects.published().officials().filter(country=country)[:30])
            ),
            agreements=cache(lambda: list(Agreement.objects.public().filter(country=country)[:10])),
            **kwargs,
        )


class OfficialDetailView(ForgivingPaginationMixin, SingleObjectMixin, ListView):
    """An official, the posts they held and, page by page, every public meeting with them."""

    paginate_by = 20
    template_name = "releases/official_detail.html"

    def get(self, request, *args, **kwargs):
        slug = kwargs["slug"]

        def find():
            posts = Post.objects.select_related("organization")
            officials = (
                Release.objects.published()
                .officials()
                .select_related("country")
                .prefetch_related(Prefetch("posts", queryset=posts))
            )
            return list(officials.filter(slug=slug)[:1])

        found = cached("official", find, slug)
        if not found:
            raise Http404
        self.object = found[0]
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        official = self.object

        def meetings():
            return (
                Meeting.objects.public()
                .filter(participants=official)
                .with_participants()
                .select_related("release")
                .defer(*(f"release__{column}" for column in SEARCH_COLUMNS))
                .order_by("-date", "-release__published_at", "order")
            )

        return CachedOrder(meetings, "official-meetings", official.pk)

    def get_context_data(self, **kwargs):
        official = self.object
        # A country has a page when public releases are about it: an official's may not.
        public = {country.pk for country in cached_public_countries()}
        return super().get_context_data(
            agreements=cache(lambda: list(Agreement.objects.public().filter(signatories=official))),
            country_has_page=official.country_id in public,
            **kwargs,
        )


def filters_of(request):
    """The query string without the page number: what a list's aggregates depend on."""
    return sorted((k, v) for k, values in request.GET.lists() if k != "page" for v in values)


def cached_public_countries():
    """The countries of public releases by name, each with its public counts."""
    published = Release.objects.published()
    return cached(
        "public-countries",
        lambda: published.count_by_country(published.countries().order_by("name")),
    )
