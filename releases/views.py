from django.views.generic import DetailView, ListView, RedirectView

from .models import Agreement, Release


class HomeView(RedirectView):
    pattern_name = "releases:list"


class ReleaseListView(ListView):
    paginate_by = 20

    def get_queryset(self):
        return Release.objects.published().with_related()


class ReleaseDetailView(DetailView):
    def get_queryset(self):
        return Release.objects.published().with_related()


class AgreementListView(ListView):
    def get_queryset(self):
        return Agreement.objects.public()


class AgreementDetailView(DetailView):
    def get_queryset(self):
        return Agreement.objects.public()
