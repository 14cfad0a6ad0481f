from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import Country, Official


class CountryListView(ListView):
    def get_queryset(self):
        return Country.objects.filter(releases__isnull=False).distinct()


class CountryDetailView(DetailView):
    def get_object(self, queryset=None):
        return get_object_or_404(Country, code=self.kwargs["code"].upper())


class OfficialDetailView(DetailView):
    model = Official
