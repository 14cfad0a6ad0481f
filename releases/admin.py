from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.db.models import Count, Prefetch
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from people.models import Official

from .models import (
    Agreement,
    Contact,
    Meeting,
    MeetingParticipant,
    Photo,
    Release,
    ReleaseAgreement,
    Section,
)
from .services import set_meeting_officials, sync_release_countries

admin.site.site_header = _("JOGMEC news releases")
admin.site.site_title = _("News releases")
admin.site.index_title = _("Staff")


class SectionInline(TranslationStackedInline):
    model = Section
    extra = 0
    fields = ["heading", "body", "order"]


class MeetingInlineForm(forms.ModelForm):
    officials = forms.ModelMultipleChoiceField(
        label=_("officials"),
        queryset=Official.objects.all(),
        required=False,
        help_text=_(
            "Their titles are taken from the post each held on the meeting's date; "
            "correct them on the meeting's own page."
        ),
    )

    class Meta:
        model = Meeting
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["officials"].initial = [p.official_id for p in self.instance.participations.all()]


class MeetingInline(TranslationStackedInline):
    model = Meeting
    form = MeetingInlineForm
    extra = 0
    autocomplete_fields = ["country"]
    fields = [
        ("date", "end_date"),
        ("kind", "country"),
        "title",
        "place",
        "officials",
        "participants_with_titles",
        "summary",
        "order",
    ]
    readonly_fields = ["participants_with_titles"]
    show_change_link = True

    def get_queryset(self, request):
        participations = MeetingParticipant.objects.select_related("official")
        return (
            super()
            .get_queryset(request)
            .select_related("country")
            .prefetch_related(Prefetch("participations", queryset=participations))
        )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        rel_field = Meeting._meta.get_field("participants")
        formset.form.base_fields["officials"].widget = RelatedFieldWidgetWrapper(
            AutocompleteSelectMultiple(rel_field, self.admin_site),
            rel_field.remote_field,
            self.admin_site,
            can_add_related=True,
            can_change_related=False,
            can_delete_related=False,
            can_view_related=False,
        )
        return formset

    @admin.display(description=_("participants as shown"))
    def participants_with_titles(self, meeting):
        if not meeting.pk:
            return "—"
        rows = [(p.official, p.title) for p in meeting.participations.all()]
        return format_html_join(mark_safe("<br>"), "{} ({})", rows) or "—"


class PhotoInline(TranslationStackedInline):
    model = Photo
    extra = 0
    fields = ["image", "preview", "caption", "credit", "alt_text", "meeting", "order"]
    readonly_fields = ["preview"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "meeting":
            # Only this release's meetings; none yet on a release that is being created.
            release_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Meeting.objects.filter(release_id=release_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("preview"))
    def preview(self, photo):
        if not photo.image:
            return "—"
        return format_html('<img src="{}" alt="" style="max-height:120px">', photo.image.url)


class ContactInline(TranslationTabularInline):
    model = Contact
    extra = 0
    fields = ["role", "department", "persons", "phone", "email", "order"]


class ReleaseAgreementInline(admin.TabularInline):
    model = ReleaseAgreement
    extra = 0
    autocomplete_fields = ["agreement"]
    verbose_name = _("agreement announced or mentioned")
    verbose_name_plural = _("agreements announced or mentioned")


@admin.register(Release)
class ReleaseAdmin(TabbedTranslationAdmin):
    list_display = ["title", "status", "published_at", "country_codes", "issuer"]
    list_filter = ["status", "published_at", ("countries", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title_ja", "title_en", "lead_ja", "lead_en", "slug"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["issuer", "countries"]
    list_select_related = ["issuer"]
    prepopulated_fields = {"slug": ["title_en"]}
    fieldsets = [
        (_("Text"), {"fields": ["title", "subtitle", "lead"]}),
        (_("Publication"), {"fields": ["status", "published_at", "slug"]}),
        (_("Issuer and subject"), {"fields": ["issuer", "department", "countries"]}),
        (_("Withdrawal"), {"classes": ["collapse"], "fields": ["withdrawal_reason"]}),
    ]
    inlines = [SectionInline, MeetingInline, ReleaseAgreementInline, PhotoInline, ContactInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("countries")

    @admin.display(description=_("countries"))
    def country_codes(self, release):
        return ", ".join(c.code for c in release.countries.all())

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Meeting:
            for meeting_form in formset.forms:
                meeting = meeting_form.instance
                if meeting.pk and meeting_form.has_changed() and "officials" in meeting_form.cleaned_data:
                    set_meeting_officials(meeting, meeting_form.cleaned_data["officials"])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        sync_release_countries(form.instance)


class MeetingParticipantInline(TranslationTabularInline):
    model = MeetingParticipant
    extra = 1
    autocomplete_fields = ["official"]
    fields = ["official", "title", "order"]


@admin.register(Meeting)
class MeetingAdmin(TabbedTranslationAdmin):
    list_display = ["__str__", "date", "kind", "country", "release"]
    list_filter = ["kind", "date", ("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title_ja", "title_en", "summary_ja", "summary_en", "place_ja", "place_en"]
    date_hierarchy = "date"
    autocomplete_fields = ["release", "country"]
    list_select_related = ["country", "release"]
    fieldsets = [
        (None, {"fields": ["release", ("date", "end_date"), ("kind", "country"), "title", "place"]}),
        (_("Summary"), {"fields": ["summary", "order"]}),
    ]
    inlines = [MeetingParticipantInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        sync_release_countries(form.instance.release)


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = "__all__"

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
class AgreementAdmin(TabbedTranslationAdmin):
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
