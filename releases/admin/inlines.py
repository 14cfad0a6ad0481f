"""The parts of a release edited on its page: sections, meetings, photos, documents, contacts,
agreement links."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    RelatedFieldWidgetWrapper,
)
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.admin import LockedInline
from core.bilingual import BilingualStackedInline
from core.locking import VersionLockForm
from people.models import Official, Organization, Post

from ..forms import AttachmentForm, PhotoForm
from ..models import (
    Attachment,
    Contact,
    Meeting,
    Photo,
    ReleaseAgreement,
    Section,
)
from ..renditions import media_url
from ..templatetags.site_tags import describe_attachment


class SectionInline(LockedInline, BilingualStackedInline):
    model = Section
    extra = 0
    fold_over = 3
    fields = ["heading", "body", "order"]


class MeetingInlineForm(VersionLockForm):
    officials = forms.ModelMultipleChoiceField(
        label=_("Officials"),
        queryset=Official.objects.all(),
        required=False,
        help_text=_(
            "Their titles are taken from the post each held on the meeting's date; "
            "correct them on the meeting's own page."
        ),
    )
    # An official who is not in the directory yet, typed here instead of in popup windows.
    new_official_name_ja = forms.CharField(
        label=_("Name (Japanese)"), max_length=200, required=False
    )
    new_official_name_en = forms.CharField(
        label=_("Name (English)"), max_length=200, required=False
    )
    new_official_post_ja = forms.CharField(
        label=_("Post (Japanese)"), max_length=200, required=False, help_text=_("e.g. 大統領")
    )
    new_official_post_en = forms.CharField(
        label=_("Post (English)"), max_length=200, required=False, help_text=_("e.g. President")
    )
    new_official_organization = forms.ModelChoiceField(
        label=_("Organisation of the post"),
        queryset=Organization.objects.all(),
        required=False,
    )

    class Meta:
        model = Meeting
        fields = "__all__"  # noqa: DJ007 (the admin chooses the fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for language in ("ja", "en"):
            for part in ("name", "post"):
                field = self.fields[f"new_official_{part}_{language}"]
                field.widget.attrs.update({"lang": language, "class": "vTextField"})
        if self.instance.pk:
            self.fields["officials"].initial = [
                p.official_id for p in self.instance.participations.all()
            ]

    def clean(self):
        cleaned = super().clean()
        new = [cleaned.get(f"new_official_{part}") for part in NEW_OFFICIAL_TEXTS]
        if any(new) and not cleaned.get("new_official_name_ja"):
            self.add_error("new_official_name_ja", _("Give the new official's name in Japanese."))
        return cleaned

    def new_official(self):
        """What was typed for a new official, as keyword arguments, or None."""
        data = self.cleaned_data
        if not data.get("new_official_name_ja"):
            return None
        texts = {part: data.get(f"new_official_{part}", "") for part in NEW_OFFICIAL_TEXTS}
        return {**texts, "organization": data.get("new_official_organization")}


NEW_OFFICIAL_TEXTS = ["name_ja", "name_en", "post_ja", "post_en"]


class MeetingInline(LockedInline, BilingualStackedInline):
    model = Meeting
    form = MeetingInlineForm
    extra = 0
    fold_over = 2
    autocomplete_fields = ["country"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("date", "end_date", "order"),
                    ("kind", "country"),
                    "title",
                    "place",
                    "officials",
                    "participants_with_titles",
                ]
            },
        ),
        (
            _("An official not in the list yet"),
            {
                "classes": ["collapse", "new-official"],
                "fields": [
                    ("new_official_name_ja", "new_official_name_en"),
                    ("new_official_post_ja", "new_official_post_en"),
                    "new_official_organization",
                ],
            },
        ),
        (None, {"fields": ["summary"]}),
    ]
    readonly_fields = ["participants_with_titles"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).with_participants()

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # With "+" (a popup), as the admin's own autocomplete fields: an official added there is
        # saved at once, so the same form can also choose them as an agreement's signatory.
        participants = Meeting._meta.get_field("participants")
        formset.form.base_fields["officials"].widget = self._with_add_link(
            request, AutocompleteSelectMultiple(participants, self.admin_site), participants
        )
        post_organization = Post._meta.get_field("organization")
        formset.form.base_fields["new_official_organization"].widget = self._with_add_link(
            request, AutocompleteSelect(post_organization, self.admin_site), post_organization
        )
        return formset

    def _with_add_link(self, request, widget, field):
        related = field.related_model._meta
        return RelatedFieldWidgetWrapper(
            widget,
            field.remote_field,
            self.admin_site,
            can_add_related=request.user.has_perm(f"{related.app_label}.add_{related.model_name}"),
        )

    @admin.display(description=_("participants as shown"))
    def participants_with_titles(self, meeting):
        if not meeting.pk:
            return "—"
        rows = [(p.official, p.title) for p in meeting.participations.all()]
        return format_html_join(mark_safe("<br>"), "{} ({})", rows) or "—"


class PhotoInline(LockedInline, BilingualStackedInline):
    model = Photo
    form = PhotoForm
    extra = 0
    fold_over = 2
    fields = [("image", "preview"), ("meeting_position", "order"), "caption", "credit", "alt_text"]
    readonly_fields = ["preview"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The meetings in the order the meeting rows show them (Meeting's ordering).
        meetings = list(Meeting.objects.filter(release=obj)) if obj is not None else []
        formset.form = type(formset.form.__name__, (formset.form,), {"meetings": meetings})
        return formset

    @admin.display(description=_("preview"))
    def preview(self, photo):
        if not photo.image:
            return "—"
        return format_html(
            '<img src="{}" alt="" style="max-height:120px">', media_url(photo.image.name)
        )


class AttachmentInline(LockedInline, BilingualStackedInline):
    model = Attachment
    form = AttachmentForm
    extra = 0
    fold_over = 3
    fields = [("file", "found"), "title", "order"]
    readonly_fields = ["found"]

    @admin.display(description=_("what the file is"))
    def found(self, attachment):
        if not attachment.pk:
            return "—"
        return describe_attachment(attachment)


class ContactInline(LockedInline, BilingualStackedInline):
    model = Contact
    extra = 0
    fold_over = 3
    fields = [("role", "order"), "department", "persons", ("phone", "email")]


class ReleaseAgreementInline(LockedInline, admin.TabularInline):
    model = ReleaseAgreement
    extra = 0
    autocomplete_fields = ["agreement"]
    fold_over = 6
    verbose_name = _("agreement announced or mentioned")
    verbose_name_plural = _("agreements announced or mentioned")
