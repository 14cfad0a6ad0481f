"""Admin forms: optimistic locking, the release form's publication rules, safe photo uploads."""

from django import forms
from django.core.exceptions import ValidationError

from core.locking import VersionLockForm

from . import workflow
from .models import Photo, Release
from .uploads import clean_image


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


class PhotoForm(VersionLockForm):
    class Meta:
        model = Photo
        fields = "__all__"  # noqa: DJ007 (the admin chooses the fields)
        field_classes = {"image": PhotoImageField}
