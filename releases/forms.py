"""Admin forms: optimistic locking, the release form's publication rules, safe photo uploads."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.html import format_html
from reversion.models import Version

from . import workflow
from .models import Photo, Release
from .uploads import clean_image


def last_change(instance):
    """(user, moment) of the latest saved version of `instance`, as django-reversion kept it."""
    version = Version.objects.get_for_object(instance).select_related("revision__user").first()
    if version is None:
        return None, None
    return version.revision.user, version.revision.date_created


class VersionLockForm(forms.ModelForm):
    """Refuses to save over a change someone else saved after this form was opened.

    The form carries the row's `version` in a hidden field; the row is locked and its version
    compared when the form is validated, inside the admin's transaction, so of two people who
    opened the same page, the second to save is refused and keeps what they typed.
    """

    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Set by the admin when the row in the database is not the one the user opened: a history
    # view reverts the row before the form is built, and this is the version before that.
    version_before_request = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["lock_version"].initial = self._current_version()

    def _current_version(self, lock=False):
        if self.version_before_request is not None:
            return self.version_before_request
        rows = type(self.instance)._default_manager.filter(pk=self.instance.pk)
        if lock:
            rows = rows.select_for_update()
        return rows.values_list("version", flat=True).first()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        current = self._current_version(lock=True)
        if cleaned.get("lock_version") != current:
            raise ValidationError(self.conflict_message(), code="conflict")
        # The save then stores current + 1, whatever a revert loaded into the instance.
        self.instance.version = current
        return cleaned

    def conflict_message(self):
        user, moment = last_change(self.instance)
        who = (user.get_full_name() or user.get_username()) if user else "—"
        when = formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else "—"
        return format_html(
            "他の人がこのページを開いた後に保存しました（{who}、{when}）。あなたの変更は保存されていません。"
            "入力した内容は下に残っています。必要な部分をコピーしてから、ページを再読み込みして相手の変更を確認し、"
            "もう一度編集してください。<br>"
            "Someone else saved this after you opened it ({who}, {when}). Your changes have not been "
            "saved; what you typed is still below. Copy what you need, reload the page to see "
            "their version, then make your changes again.",
            who=who,
            when=when,
        )


class ReleaseAdminForm(VersionLockForm):
    """The release form. Publication changes only through the workflow buttons, for publishers.

    The admin sets, per request: `user`, `workflow_action` (the button pressed, if any) and
    `tampered` (publication fields present in the POST although this user's form has none).
    """

    schedule_at = forms.SplitDateTimeField(
        label="予約公開の日時 · Scheduled publication time",
        required=False,
        widget=forms.SplitDateTimeWidget(
            date_attrs={"type": "date"}, time_attrs={"type": "time", "step": "60"}
        ),
        help_text="「予約公開」ボタンで使います。この時刻に自動的に公開されます。"
        " · Used by the “Schedule” button: the release becomes public at this moment by itself.",
    )

    user = None
    workflow_action = None
    tampered = ()

    class Meta:
        model = Release
        fields = "__all__"  # noqa: DJ007 (the admin chooses the fields)

    def clean(self):
        if self.tampered:
            raise ValidationError(
                "公開状態・公開日時は編集者のフォームからは変更できません。何も保存されていません。"
                " · The status and publication time cannot be changed from this form; "
                "nothing was saved. (%(fields)s)",
                code="publication_fields",
                params={"fields": ", ".join(sorted(self.tampered))},
            )
        cleaned = super().clean()
        action = self.workflow_action
        if action:
            if not workflow.can_publish(self.user):
                raise ValidationError(
                    "公開・予約・非公開・取り下げは公開担当者（Publishers）だけが行えます。何も保存されていません。"
                    " · Only publishers can publish, schedule, unpublish or withdraw; "
                    "nothing was saved.",
                    code="permission",
                )
            release = self.instance if self.instance.pk else Release()
            reason_ja = cleaned.get("withdrawal_reason_ja", release.withdrawal_reason_ja)
            try:
                workflow.check(release, action, at=cleaned.get("schedule_at"), reason_ja=reason_ja)
            except ValidationError as error:
                field = {workflow.SCHEDULE: "schedule_at", workflow.WITHDRAW: None}.get(action)
                if field and field in self.fields and error.code in ("required", "past"):
                    self.add_error(field, error)
                elif action == workflow.WITHDRAW and "withdrawal_reason_ja" in self.fields:
                    self.add_error("withdrawal_reason_ja", error)
                else:
                    raise
        return cleaned


class PhotoImageField(forms.ImageField):
    """Accepts JPEG, PNG and WebP recognised by content; returns the re-encoded copy to store."""

    def to_python(self, data):
        # forms.ImageField.to_python would open the file with every Pillow plugin: skip it.
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        return clean_image(upload)


class PhotoForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = "__all__"  # noqa: DJ007 (the admin chooses the fields)
        field_classes = {"image": PhotoImageField}
