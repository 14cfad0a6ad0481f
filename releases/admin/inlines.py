"""The parts of a release edited on its page: sections, meetings, photos, contacts, agreement links."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationStackedInline,
    TranslationTabularInline,
)

from core.admin import LockedInline
from core.locking import VersionLockForm
from directory.models import Official

from ..forms import PhotoForm
from ..models import (
    Contact,
    Meeting,
    Photo,
    ReleaseAgreement,
    Section,
)
from ..renditions import media_url


class SectionInline(LockedInline, TranslationStackedInline):
    model = Section
    extra = 0
    fields = ["heading", "body", "order"]


class MeetingInlineForm(VersionLockForm):
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
        fields = "__all__"  # noqa: DJ007 (the admin chooses the fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["officials"].initial = [
                p.official_id for p in self.instance.participations.all()
            ]


class MeetingInline(LockedInline, TranslationStackedInline):
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
        return super().get_queryset(request).with_participants()

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


class PhotoInline(LockedInline, TranslationStackedInline):
    model = Photo
    form = PhotoForm
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
        return format_html(
            '<img src="{}" alt="" style="max-height:120px">', media_url(photo.image.name)
        )


class ContactInline(LockedInline, TranslationTabularInline):
    model = Contact
    extra = 0
    fields = ["role", "department", "persons", "phone", "email", "order"]


class ReleaseAgreementInline(LockedInline, admin.TabularInline):
    model = ReleaseAgreement
    extra = 0
    autocomplete_fields = ["agreement"]
    verbose_name = _("agreement announced or mentioned")
    verbose_name_plural = _("agreements announced or mentioned")
