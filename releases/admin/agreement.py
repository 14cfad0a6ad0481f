from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.utils.text import smart_split
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TabbedTranslationAdmin,
)

from core.admin import LockedInline, LockedVersionAdmin
from core.locking import VersionLockForm
from directory.models import Country, Official, Organization

from ..models import (
    Agreement,
    ReleaseAgreement,
)


class AgreementForm(VersionLockForm):
    class Meta:
        model = Agreement
        fields = "__all__"  # noqa: DJ007 (the admin chooses the fields)

    def clean_parties(self):
        parties = self.cleaned_data["parties"]
        if len(parties) < 2:
            raise forms.ValidationError(_("An agreement has at least two parties."))
        return parties


class AgreementReleaseInline(LockedInline, admin.TabularInline):
    model = ReleaseAgreement
    extra = 0
    autocomplete_fields = ["release"]
    verbose_name = _("release that announces or mentions it")
    verbose_name_plural = _("releases that announce or mention it")


@admin.register(Agreement)
class AgreementAdmin(LockedVersionAdmin, TabbedTranslationAdmin):
    form = AgreementForm
    list_display = ["title", "kind", "country", "signed_on", "party_names", "release_count"]
    list_filter = ["kind", "signed_on", ("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title_ja", "title_en", "subject_ja", "subject_en", "slug"]
    date_hierarchy = "signed_on"
    autocomplete_fields = ["country", "parties", "signatories"]
    list_select_related = ["country"]
    prepopulated_fields = {"slug": ["title_en"]}
    fieldsets = [
        (None, {"fields": ["kind", "title", "subject"]}),
        (_("Parties and signing"), {"fields": ["parties", "country", "signed_on", "signatories"]}),
        (_("Address"), {"fields": ["slug"]}),
    ]
    inlines = [AgreementReleaseInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("parties")
            .annotate(num_releases=Count("release_links", distinct=True))
        )

    def get_search_results(self, request, queryset, search_term):
        """Every word matches the agreement's own text, or one of its parties, signatories or
        its country as their own admins find them (names in both languages, short and other
        names, the country code). Uncorrelated id subqueries: no join repeats a row, so the
        list needs no DISTINCT, and no query runs per row."""
        for word in smart_split(search_term):
            own, _ = super().get_search_results(request, Agreement.objects.all(), word)
            matches = Q(pk__in=own.values("pk"))
            parties = Agreement.parties.through.objects.filter(
                organization__in=self._found(request, Organization, word)
            )
            signatories = Agreement.signatories.through.objects.filter(
                official__in=self._found(request, Official, word)
            )
            matches |= Q(pk__in=parties.values("agreement_id"))
            matches |= Q(pk__in=signatories.values("agreement_id"))
            matches |= Q(country__in=self._found(request, Country, word))
            queryset = queryset.filter(matches)
        return queryset, False

    def _found(self, request, model, word):
        found, _ = self.admin_site._registry[model].get_search_results(
            request, model._default_manager.all(), word
        )
        return found.values("pk")

    @admin.display(description=_("parties"))
    def party_names(self, agreement):
        return " / ".join(str(p) for p in agreement.parties.all())

    @admin.display(description=_("releases"), ordering="num_releases")
    def release_count(self, agreement):
        return agreement.num_releases
