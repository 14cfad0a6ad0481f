"""No lost edits: optimistic locking for staff forms, with the row's `version` number.

A form carries, in a hidden field, the `version` of the row it was opened on (core.models.
Versioned); when it is saved, the row is locked (SELECT ... FOR UPDATE, inside the admin's
transaction) and its version compared. A change form checks its own row on every save; an inline
row is checked when it is written (changed or deleted), since the formset leaves untouched rows
alone. The refusal keeps what the person typed and says, in their language, who saved what.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.models import Version

from .history import changed_fields

MAX_VERSIONS_READ = 50

AFTER_REFUSAL = gettext_lazy(
    "Your changes have not been saved; what you typed is still below. Copy what you need, "
    "reload the page to see their version, then make your changes again."
)


def changes_since(instance, opened_version):
    """Who saved `instance` after its version `opened_version`, when last, and which fields
    differ, from the history django-reversion keeps: (users, moment, field labels); a save
    with no user known is None among the users."""
    versions = Version.objects.get_for_object(instance).select_related("revision__user")
    users, moment, opened, latest = [], None, None, None
    for version in versions[:MAX_VERSIONS_READ]:
        saved_as = version.field_dict.get("version", 0)
        if opened_version is not None and saved_as <= opened_version:
            opened = version if saved_as == opened_version else None
            break
        latest = latest or version
        moment = moment or version.revision.date_created
        if version.revision.user not in users:
            users.append(version.revision.user)
        if opened_version is None:
            break
    fields = changed_fields(opened, latest) if opened and latest else []
    return users, moment, fields


def _name(user):
    return (user.get_full_name() or user.get_username()) if user else _("someone")


def conflict_message(instance, opened_version, inline=False, editor=None):
    """Why a save is refused. `editor`, the person saving: when the only saves since were
    their own (another tab, another window), the message says so."""
    users, moment, fields = changes_since(instance, opened_version)
    params = {
        "model": capfirst(instance._meta.verbose_name),
        "object": instance,
        "who": ", ".join(map(_name, users)) or _("someone"),
        "when": formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
        if moment
        else "—",
    }
    yourself = getattr(editor, "pk", None) is not None and [
        getattr(user, "pk", None) for user in users
    ] == [editor.pk]
    if yourself and inline:
        text = _(
            "You saved %(model)s “%(object)s” in another tab or window after you opened this "
            "page (%(when)s)."
        )
    elif yourself:
        text = _("You saved this in another tab or window after you opened it here (%(when)s).")
    elif inline:
        text = _(
            "%(model)s “%(object)s” was saved by someone else after you opened this page "
            "(%(who)s, %(when)s)."
        )
    else:
        text = _("Someone else saved this after you opened it (%(who)s, %(when)s).")
    parts = [text % params]
    if fields:
        changed = (
            _("You changed there: %(fields)s.") if yourself else _("They changed: %(fields)s.")
        )
        parts.append(changed % {"fields": ", ".join(fields)})
    parts.append(str(AFTER_REFUSAL))
    return " ".join(parts)


class VersionLockForm(forms.ModelForm):
    """Refuses to save over a change someone else saved after this form was opened."""

    lock_version = forms.IntegerField(
        label=gettext_lazy("Version opened"), widget=forms.HiddenInput, required=False
    )

    # The person saving, set by the admin (core.admin.LockedVersionAdmin) on the form's class.
    editor = None

    def __init__(self, *args, in_formset=False, **kwargs):
        super().__init__(*args, **kwargs)
        # A row of a VersionLockFormSet is checked by the formset, and only if it is written.
        self.in_formset = in_formset
        if self.instance.pk is not None:
            self.fields["lock_version"].initial = self.instance.version

    @cached_property
    def changed_data(self):
        # The version is bookkeeping: an untouched row is unchanged whatever its version.
        return [name for name in super().changed_data if name != "lock_version"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and not self.in_formset:
            self.check_version()
        return cleaned

    def check_version(self):
        """Lock the row; raise ValidationError if it was saved since this form was opened."""
        opened = self.cleaned_data.get("lock_version")
        rows = type(self.instance)._default_manager.select_for_update().filter(pk=self.instance.pk)
        current = rows.first()
        if current is not None and opened != current.version:
            raise ValidationError(
                conflict_message(current, opened, inline=self.in_formset, editor=self.editor),
                code="conflict",
            )


class VersionLockFormSet(BaseInlineFormSet):
    """Inline rows, each with its hidden version: a row this save would write (changed or
    marked for deletion) is refused when someone saved it since the page was opened, and a row
    someone deleted meanwhile is reported as such."""

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "in_formset": True}

    def deleting(self, form):
        return self.can_delete and form.cleaned_data.get(DELETION_FIELD_NAME, False)

    def clean(self):
        super().clean()
        refusals = []
        for form in self.initial_forms:
            if form.instance.pk is None:
                if not self.deleting(form):
                    deleted = _(
                        "A row of “%(model)s” was deleted by someone else after you opened "
                        "this page."
                    ) % {"model": self.model._meta.verbose_name_plural}
                    refusals.append(ValidationError(f"{deleted} {AFTER_REFUSAL}", code="conflict"))
            elif form.has_changed() or self.deleting(form):
                try:
                    form.check_version()
                except ValidationError as error:
                    refusals.append(error)
        if refusals:
            raise ValidationError(refusals)
