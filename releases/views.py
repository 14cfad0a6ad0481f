from operator import attrgetter

from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from people.models import Country

from .filters import AgreementFilter, ReleaseFilter
from .models import Agreement, Release


class ForgivingPaginationMixin:
    """A page number that is not a number, or out of range, shows the nearest page and says so
    (`page_note`), instead of a 404: `?page=abc`, `?page=0` and `?page=-1` give page 1,
    `?page=99999` the last page."""

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
        return Release.objects.published().with_related()[:8]

    def get_context_data(self, **kwargs):
        countries = Country.objects.public().order_by("name").with_public_counts()
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

    def get_context_data(self, **kwargs):
        filterset = self.filterset
        active = filterset.active_filters()
        country_facets = list(filterset.qs.country_counts())
        year_facets = list(filterset.qs.year_counts())
        if active:
            public = Release.objects.published()
            country_options = public.country_counts().order_by("name")
            year_options = public.year_counts()
        else:  # the results are all the public releases: the facets are the choices
            country_options = sorted(country_facets, key=attrgetter("name"))
            year_options = year_facets
        selected = filterset.form.cleaned_data.get("country") if filterset.is_bound else None
        return super().get_context_data(
            active_filters=active,
            ignored_filters=filterset.ignored_filters(),
            country_facets=country_facets,
            year_facets=year_facets,
            country_options=country_options,
            year_options=year_options,
            selected_countries={country.code for country in selected or []},
            **kwargs,
        )


class ReleaseDetailView(DetailView):
    def get_queryset(self):
        return Release.objects.reachable().with_details()

    def get_context_data(self, **kwargs):
        release = self.object
        public = Release.objects.published()
        countries = release.countries.all()
        related = public.for_countries(countries).exclude(pk=release.pk) if countries else []
        return super().get_context_data(
            related=related[:5],
            previous=public.before(release).first(),
            next=public.after(release).first(),
            **kwargs,
        )


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
        countries = Country.objects.filter(agreements__in=public).distinct()
        return super().get_context_data(
            ignored_filters=self.filterset.ignored_filters(),
            country_options=countries.order_by("name"),
            year_options=public.dates("signed_on", "year", order="DESC"),
            kind_options=Agreement.Kind.choices,
            selected_countries={country.code for country in selected or []},
            **kwargs,
        )


class AgreementDetailView(DetailView):
    def get_queryset(self):
        return Agreement.objects.public().with_public_releases().prefetch_related("signatories")
