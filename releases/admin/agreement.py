from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.text import smart_split
from django.utils.translation import gettext_lazy as _

from core.admin import LockedInline, LockedVersionAdmin
from core.bilingual import BilingualAdmin
from core.locking import VersionLockForm, VersionLockFormSet
from core.slugs import slug_words, unique_slug
from people.models import Country, Official, Organization

from .. import drafts
from ..models import (
    Agreement,
    ReleaseAgreement,
)


class AgreementForm(VersionLockForm):
    # A partner not in the directory yet, typed here rather than in a second popup window.
    new_party_name_ja = forms.CharField(
        label=_("New party: name (Japanese)"), max_length=200, required=False
    )
    new_party_name_en = forms.CharField(
        label=_("New party: name (English)"), max_length=200, required=False
    )

    class Meta:
        model = Agreement
        fields = "__all__"  # noqa: DJ007 (the admin chooses the fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for language in ("ja", "en"):
            self.fields[f"new_party_name_{language}"].widget.attrs.update(
                {"lang": language, "class": "vTextField"}
            )

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("new_party_name_ja") or cleaned.get("new_party_name_en")
        if new and not cleaned.get("new_party_name_ja"):
            self.add_error("new_party_name_ja", _("Give the new party's name in Japanese."))
        parties = cleaned.get("parties")
        if parties is not None and len(parties) + (1 if new else 0) < 2:
            self.add_error("parties", _("An agreement has at least two parties."))
        return cleaned


class AgreementReleaseFormSet(VersionLockFormSet):
    """A live release's links to agreements are part of its content, which changes on its own
    form and waits there for a publisher (releases.drafts): here only a draft's are changed."""

    def clean(self):
        super().clean()
        for form in self.forms:
            if not (form.has_changed() or self.deleting(form)):
                continue
            releases = [getattr(form, "cleaned_data", {}).get("release")]
            if form.instance.pk is not None:
                releases.append(form.instance.release)
            live = next((r for r in releases if r is not None and drafts.is_live(r)), None)
            if live is not None:
                raise ValidationError(
                    _(
                        "“%(release)s” is public: link or unlink its agreements on the release's "
                        "own page, where changes wait for a publisher."
                    )
                    % {"release": live},
                    code="live_release",
                )


class AgreementReleaseInline(LockedInline, admin.TabularInline):
    model = ReleaseAgreement
    formset = AgreementReleaseFormSet
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
    fieldsets = [
        (None, {"fields": ["kind", "title", "subject"]}),
        (
            _("Parties and signing"),
            {
                "fields": [
                    "parties",
                    ("new_party_name_ja", "new_party_name_en"),
                    "country",
                    "signed_on",
                    "signatories",
                ]
            },
        ),
        (_("Address"), {"fields": ["slug"]}),
    ]
    inlines = [AgreementReleaseInline]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["slug"].required = False
        form.base_fields["slug"].help_text = _("Left empty, it is made from the title.")
        return form

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
        found, _ = self.admin_site.get_model_admin(model).get_search_results(
            request, model._default_manager.all(), word
        )
        return found.values("pk")

    @admin.display(description=_("parties"))
    def party_names(self, agreement):
        return " / ".join(str(p) for p in agreement.parties.all())

    @admin.display(description=_("releases"), ordering="num_releases")
    def release_count(self, agreement):
        return agreement.num_releases

    def save_model(self, request, obj, form, change):
        if not obj.slug:
            words = slug_words(obj.title_en) or slug_words(obj.title_ja) or "agreement"
            obj.slug = unique_slug(Agreement, words)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        name_ja = form.cleaned_data.get("new_party_name_ja")
        if name_ja:
            name_en = form.cleaned_data.get("new_party_name_en", "")
            party = Organization.objects.create(
                slug=unique_slug(Organization, slug_words(name_en) or slug_words(name_ja)),
                name_ja=name_ja,
                name_en=name_en,
                country=form.instance.country,
            )
            form.instance.parties.add(party)
