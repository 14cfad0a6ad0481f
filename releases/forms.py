"""Admin forms: optimistic locking, the release form's publication rules, safe photo and
document uploads."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.locking import VersionLockForm

from . import workflow
from .documents import EXTENSIONS, check_document
from .models import Attachment, Photo, Release, ReleaseRedirect
from .uploads import MAX_BYTES, clean_image


class DateTimeInputs(forms.SplitDateTimeWidget):
    """The browser's own date and time inputs, each with its label, as the admin lays them out."""

    template_name = "admin/widgets/split_datetime.html"

    def __init__(self):
        super().__init__(date_attrs={"type": "date"}, time_attrs={"type": "time", "step": "60"})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["date_label"] = _("Date:")
        context["time_label"] = _("Time:")
        return context


# /<lang>/releases/feed/ is the feed page (releases.feeds.FeedPageView), matched before a
# release's address: a release with this slug could never be opened.
RESERVED_SLUGS = {"feed"}


class ReleaseAdminForm(VersionLockForm):
    """The release form. Publication changes only through the workflow buttons, for publishers.

    The admin sets, per request: `user`, `workflow_action` (the button pressed, if any) and
    `tampered` (publication fields present in the POST although this user's form has none).
    """

    schedule_at = forms.SplitDateTimeField(
        label=_("Publication time"),
        required=False,
        widget=DateTimeInputs(),
        help_text=_(
            "For “Schedule”: a future moment, when the release becomes public by itself. "
            "For “Publish as of this date”: the original date of a past release (archive)."
        ),
    )

    english_checked = forms.BooleanField(
        label=_("The English is checked against the Japanese"),
        required=False,
        help_text=_(
            "Tick it when the English texts listed as out of date still say what the Japanese "
            "says: they are then marked up to date on save. Texts you edit are marked by the save."
        ),
    )

    user = None
    workflow_action = None
    tampered = ()

    class Meta:
        model = Release
        fields = "__all__"  # noqa: DJ007 (the admin chooses the fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            # A Japanese-only draft saves without anyone inventing an address (Release.save).
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _(
                "The release's address on the site. Left empty, it is made from the month and "
                "the title when saved; it cannot change once the release is published."
            )

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if slug in RESERVED_SLUGS:
            raise ValidationError(
                _("“%(slug)s” is the address of another page of the site; choose another.")
                % {"slug": slug},
                code="reserved",
            )
        taken = ReleaseRedirect.objects.filter(old_slug=slug).exclude(release=self.instance.pk)
        if slug and taken.exists():
            raise ValidationError(
                _("This is an old address of another release, which it leads to; choose another."),
                code="old_address",
            )
        return slug

    def clean(self):
        if self.tampered:
            raise ValidationError(
                _(
                    "The status and publication time cannot be changed from this form; "
                    "nothing was saved. (%(fields)s)"
                ),
                code="publication_fields",
                params={"fields": ", ".join(sorted(self.tampered))},
            )
        cleaned = super().clean()
        action = self.workflow_action
        if action:
            if not workflow.can_publish(self.user):
                raise ValidationError(
                    _(
                        "Only publishers can publish, schedule, unpublish or withdraw; "
                        "nothing was saved."
                    ),
                    code="permission",
                )
            release = self.instance if self.instance.pk else Release()
            reason_ja = cleaned.get("withdrawal_reason_ja", release.withdrawal_reason_ja)
            try:
                workflow.check(release, action, at=cleaned.get("schedule_at"), reason_ja=reason_ja)
            except ValidationError as error:
                field = {
                    workflow.SCHEDULE: "schedule_at",
                    workflow.ARCHIVE: "schedule_at",
                    workflow.WITHDRAW: None,
                }.get(action)
                if field and field in self.fields and error.code in ("required", "past", "future"):
                    self.add_error(field, error)
                elif action == workflow.WITHDRAW and "withdrawal_reason_ja" in self.fields:
                    self.add_error("withdrawal_reason_ja", error)
                else:
                    raise
        return cleaned


class PhotoImageField(forms.ImageField):
    """Accepts JPEG, PNG and WebP recognised by content; returns the re-encoded copy to store.
    The input carries the size limit, so that the browser refuses a larger file before sending
    it (static/desk/desk.js)."""

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "data-max-bytes": MAX_BYTES}

    def to_python(self, data):
        # forms.ImageField.to_python would open the file with every Pillow plugin: skip it.
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        return clean_image(upload)


def meeting_label(position, meeting=None):
    """How a photo row names a meeting of the same form: by its place in the form."""
    if meeting is None:
        return _("Meeting %(n)s (new)") % {"n": position + 1}
    return f"{position + 1}. {meeting.date:%Y-%m-%d} {meeting.title or meeting.get_kind_display()}"


class PhotoForm(VersionLockForm):
    """A photo's meeting is chosen by its place among the meetings of the form, so a photo can
    show a meeting that is saved in the same submit (static/desk/desk.js keeps the list current).
    The admin sets `meetings`: the release's saved meetings, in the order the form shows them."""

    meeting_position = forms.TypedChoiceField(
        label=_("Meeting"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Optional: the meeting of this release that the photo shows."),
    )

    meetings = ()

    class Meta:
        model = Photo
        fields = "__all__"  # noqa: DJ007 (the admin chooses the fields)
        field_classes = {"image": PhotoImageField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "---------")]
        choices += [(str(n), meeting_label(n, m)) for n, m in enumerate(self.meetings)]
        # Meetings added in this submit come after the saved ones.
        for n in range(len(self.meetings), self._meetings_in_form()):
            choices.append((str(n), meeting_label(n)))
        self.fields["meeting_position"].choices = choices
        saved = [m.pk for m in self.meetings]
        if self.instance.meeting_id in saved:
            self.fields["meeting_position"].initial = saved.index(self.instance.meeting_id)

    def _meetings_in_form(self):
        try:
            return min(int(self.data.get("meetings-TOTAL_FORMS", 0)), 1000)
        except (TypeError, ValueError):
            return 0

    def clean_meeting_position(self):
        position = self.cleaned_data["meeting_position"]
        if position is not None and self.data.get(f"meetings-{position}-DELETE"):
            raise ValidationError(_("This meeting is being deleted; choose another."))
        return position


class AttachmentFileField(forms.FileField):
    """Accepts the document formats recognised by content (releases.documents); what was found
    travels with the upload as its `document`."""

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "accept": ",".join(f".{e}" for e in EXTENSIONS)}

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        upload.document = check_document(upload)
        return upload


class AttachmentForm(VersionLockForm):
    """An attachment's format, size and page count come from its checked file."""

    class Meta:
        model = Attachment
        fields = "__all__"  # noqa: DJ007 (the admin chooses the fields)
        field_classes = {"file": AttachmentFileField}

    def clean(self):
        cleaned = super().clean()
        document = getattr(cleaned.get("file"), "document", None)
        if document is not None:
            self.instance.format = document.format
            self.instance.size = document.size
            self.instance.pages = document.pages
        return cleaned


class PublishChangesForm(forms.Form):
    """What a publisher says when publishing changes to a live release (releases.drafts)."""

    note_ja = forms.CharField(
        label=_("What changed (Japanese)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required. For a major change, the public page shows it with the date."),
    )
    note_en = forms.CharField(
        label=_("What changed (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Left empty, English pages show the Japanese note."),
    )
    major = forms.BooleanField(
        label=_("Major change"),
        required=False,
        help_text=_(
            "A correction readers should know of: shown on the release's page, in its date of "
            "last update, and sent to subscribers who asked for updates. A minor change (a typo) "
            "shows only in the history."
        ),
    )
    publish_at = forms.SplitDateTimeField(
        label=_("Publish at"),
        required=False,
        widget=DateTimeInputs(),
        help_text=_(
            "For “Schedule”: a future moment, when the changes become public by themselves."
        ),
    )
