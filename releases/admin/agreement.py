from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.admin import LockedVersionAdmin
from core.bilingual import BilingualAdmin
from core.locking import VersionLockForm

from ..models import (
    Agreement,
    ReleaseAgreement,
)
from ..search import refresh_search_text


class AgreementForm(VersionLockForm):
    class Meta:
        model = Agreement
        fields = "__all__"  # noqa: DJ007 (the admin chooses the fields)

    def clean_parties(self):
        parties = self.cleaned_data["parties"]
        if len(parties) < 2:
            raise forms.ValidationError(_("An agreement has at least two parties."))
        return parties


class AgreementReleaseInline(admin.TabularInline):
    model = ReleaseAgreement
    extra = 0
    autocomplete_fields = ["release"]
    verbose_name = _("release that announces or mentions it")
    verbose_name_plural = _("releases that announce or mention it")


@admin.register(Agreement)
class AgreementAdmin(LockedVersionAdmin, BilingualAdmin):
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

    @admin.display(description=_("parties"))
    def party_names(self, agreement):
        return " / ".join(str(p) for p in agreement.parties.all())

    @admin.display(description=_("releases"), ordering="num_releases")
    def release_count(self, agreement):
        return agreement.num_releases

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_search_text(form.instance.release_links.values_list("release_id", flat=True))
