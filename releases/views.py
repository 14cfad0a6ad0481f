import re
from operator import attrgetter

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView

from core.pagination import ForgivingPaginationMixin, first_page_query
from people.models import Country, Post

from .filters import AgreementFilter, ReleaseFilter
from .models import SEARCH_COLUMNS, Agreement, ArchiveCount, Meeting, Release
from .translation_status import shown_in_japanese


class HomeView(ListView):
    template_name = "releases/home.html"

    def get_queryset(self):
        return Release.objects.published().with_related()[:8]

    def get_context_data(self, **kwargs):
        countries = public_countries()
        top = sorted(countries, key=attrgetter("releases_n"), reverse=True)
        return super().get_context_data(
            countries=top[:12],
            country_options=countries,
            agreements=Agreement.objects.public()[:5],
            **kwargs,
        )


class ReleaseListView(ForgivingPaginationMixin, FilterView):
    filterset_class = ReleaseFilter
    strict = False  # invalid filters are ignored (and listed), valid ones still apply
    paginate_by = 20
    template_name = "releases/release_list.html"

    def get_queryset(self):
        return Release.objects.published().with_related()

    def paginate_queryset(self, queryset, page_size):
        return super().paginate_queryset(self.filterset.paged(queryset), page_size)

    def get_context_data(self, **kwargs):
        filterset = self.filterset
        active = filterset.active_filters()
        # The facets and the choices come from the archive counts (ArchiveCount), kept current
        # on commit: a few small queries whatever the archive's size.
        countries, years = filterset.facets()
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
            **kwargs,
        )


class ReleaseDetailView(DetailView):
    def get_queryset(self):
        return Release.objects.reachable().with_details().defer(*SEARCH_COLUMNS)

    def get_context_data(self, **kwargs):
        release = self.object
        if release.status == Release.Status.WITHDRAWN:  # its page shows nothing else
            return super().get_context_data(**kwargs)
        public = Release.objects.published().defer(*SEARCH_COLUMNS)
        countries = release.countries.all()
        related = public.for_countries(countries).exclude(pk=release.pk)[:5] if countries else []
        related = list(related)
        return super().get_context_data(
            related=related,
            previous=public.before(release).first(),
            next=public.after(release).first(),
            contents=contents(release, related),
            untranslated=shown_in_japanese(release),
            # Only a release with a major update asks for its updates.
            updates=list(release.updates.major()) if release.last_major_update else [],
            **kwargs,
        )


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
    template_name = "releases/agreement_list.html"

    def get_queryset(self):
        return Agreement.objects.public().with_public_releases()

    def get_context_data(self, **kwargs):
        form = self.filterset.form
        selected = form.cleaned_data.get("country") if self.filterset.is_bound else None
        public = Agreement.objects.public()
        return super().get_context_data(
            filters_key=first_page_query(self.request.GET),
            # The download holds what the list shows: the filters it applies, not those it
            # ignores.
            csv_query=first_page_query(self.request.GET, drop=form.errors),
            ignored_filters=self.filterset.ignored_filters(),
            country_options=Country.objects.filter(agreements__in=public)
            .distinct()
            .order_by("name"),
            year_options=public.dates("signed_on", "year", order="DESC"),
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
        return (
            Release.objects.published()
            .for_country(country)
            .with_reports(country)
            .defer(*SEARCH_COLUMNS)
        )

    def get_context_data(self, **kwargs):
        country = self.object
        return super().get_context_data(
            officials=Release.objects.published().officials().filter(country=country)[:30],
            agreements=Agreement.objects.public().filter(country=country)[:10],
            **kwargs,
        )


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

    def get_queryset(self):
        return (
            Meeting.objects.public()
            .filter(participants=self.object)
            .with_participants()
            .select_related("release")
            .defer(*(f"release__{column}" for column in SEARCH_COLUMNS))
            .order_by("-date", "-release__published_at", "order")
        )

    def get_context_data(self, **kwargs):
        official = self.object
        # A country has a page when public releases are about it: an official's may not.
        has_page = Release.objects.published().filter(countries=official.country_id).exists()
        return super().get_context_data(
            agreements=Agreement.objects.public().filter(signatories=official),
            country_has_page=official.country_id is not None and has_page,
            **kwargs,
        )


def public_countries():
    """The countries of public releases by name, each with its public counts."""
    return ArchiveCount.objects.countries()
