"""No lost edits: optimistic locking for staff forms, with the row's `version` number."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.html import format_html
from reversion.models import Version


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
