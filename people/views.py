import re

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import ListView
from django.views.generic.detail import SingleObjectMixin

from releases.models import Agreement, Meeting, Release
from releases.views import ForgivingPaginationMixin

from .models import Country, Official, Post


class CountryListView(ListView):
    template_name = "people/country_list.html"

    def get_queryset(self):
        return Country.objects.public().order_by("name").with_public_counts()


class CountryDetailView(ForgivingPaginationMixin, SingleObjectMixin, ListView):
    """A country and, page by page, the timeline of the public releases about it, each with the
    meetings in that country and the agreements it reports."""

    paginate_by = 20
    template_name = "people/country_detail.html"

    def get(self, request, *args, **kwargs):
        code = kwargs["code"]
        if not re.fullmatch(r"[A-Za-z]{2}", code, re.ASCII):
            raise Http404
        if code != code.lower():
            return redirect("people:country", code=code.lower(), permanent=True)
        self.object = self.get_object(Country.objects.public())
        return super().get(request, *args, **kwargs)

    def get_object(self, queryset):
        found = queryset.filter(code=self.kwargs["code"].upper()).with_public_counts()
        if not found:
            raise Http404
        return found[0]

    def get_queryset(self):
        return Release.objects.published().for_country(self.object).with_reports(self.object)

    def get_context_data(self, **kwargs):
        country = self.object
        agreements = Agreement.objects.public().filter(country=country)
        return super().get_context_data(
            officials=Official.objects.public().filter(country=country)[:30],
            agreements=agreements[:10],
            **kwargs,
        )


class OfficialDetailView(ForgivingPaginationMixin, SingleObjectMixin, ListView):
    """An official, the posts they held and, page by page, every public meeting with them."""

    paginate_by = 20
    template_name = "people/official_detail.html"

    def get(self, request, *args, **kwargs):
        posts = Post.objects.select_related("organization")
        self.object = self.get_object(
            Official.objects.public()
            .select_related("country")
            .prefetch_related(Prefetch("posts", queryset=posts))
        )
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return (
            Meeting.objects.public()
            .filter(participants=self.object)
            .with_participants()
            .order_by("-date", "-release__published_at", "order")
        )

    def get_context_data(self, **kwargs):
        agreements = Agreement.objects.public().filter(signatories=self.object)
        return super().get_context_data(agreements=agreements, **kwargs)
