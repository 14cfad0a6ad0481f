"""Bilingual admin forms: each Japanese field beside its English one, one switch for the page.

modeltranslation gives every translated field a `_ja` and an `_en` form field. These classes put
the two on one line and label each with its language ("タイトル（日本語）", "Title (English)"); the
page shows Japanese, English, or both side by side (Japanese read-only, for translating),
as the editor last chose (`EditorPreference`). static/desk/desk.js switches without a reload;
without JavaScript the switch is a plain form and the page comes back in the chosen mode.
"""

from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from modeltranslation.utils import get_translation_fields

from .models import EditorPreference
from .translations import MISSING, TARGET, english_gaps

LANGUAGE_LABELS = {
    "ja": _("%(field)s (Japanese)"),
    "en": _("%(field)s (English)"),
}


def _language_label(db_field):
    return LANGUAGE_LABELS[db_field.language] % {
        "field": capfirst(db_field.translated_field.verbose_name)
    }


# "副題（日本語）", "Subtitle (English)" for a field modeltranslation added ("subtitle [ja]"),
# in the language active when it is shown: forms, the history and the edit-conflict message.
language_label = lazy(_language_label, str)


def field_label(db_field):
    """A model field's label as the bilingual forms show it."""
    if getattr(db_field, "language", None) in LANGUAGE_LABELS:
        return language_label(db_field)
    return db_field.verbose_name


class BilingualFieldsMixin:
    """Translated fields in language pairs, labelled with their language."""

    def pair_translations(self, fields):
        lines = []
        for item in fields:
            names = [item] if isinstance(item, str) else list(item)
            translated = [name for name in names if name in self.trans_opts.all_fields]
            if not translated:
                lines.append(item)
                continue
            # A translated field gets a line of its own: Japanese and English side by side.
            for name in names:
                if name in translated:
                    lines.append(tuple(get_translation_fields(name)))
                else:
                    lines.append(name)
        return lines

    def pair_fieldsets(self, fieldsets):
        return [
            (name, {**options, "fields": self.pair_translations(options["fields"])})
            if "fields" in options
            else (name, options)
            for name, options in fieldsets
        ]

    def get_fieldsets(self, request, obj=None):
        # Declared fields and fieldsets, paired; modeltranslation's otherwise (every field).
        if self.fieldsets:
            return self.pair_fieldsets(self.fieldsets)
        if self.fields:
            return [(None, {"fields": self.pair_translations(self.get_fields(request, obj))})]
        return super().get_fieldsets(request, obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        language = getattr(db_field, "language", None)
        if field is not None and language in LANGUAGE_LABELS:
            field.label = language_label(db_field)
            widget = field.widget
            if isinstance(widget, RelatedFieldWidgetWrapper):
                widget = widget.widget
            widget.attrs["lang"] = language
        return field


class EnglishStateForm:
    """Says under each English input whose text is missing or older than its Japanese; the
    input carries `data-english` ("missing" or "outdated") for the eye."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None or self.is_bound:
            return
        for field, state, _mark in english_gaps(self.instance):
            formfield = self.fields.get(f"{field}_{TARGET}")
            if formfield is None:
                continue
            formfield.widget.attrs["data-english"] = state
            note = ENGLISH_MISSING if state == MISSING else ENGLISH_OUTDATED
            formfield.help_text = f"{note} {formfield.help_text}".strip()


ENGLISH_MISSING = _("Not translated yet.")
ENGLISH_OUTDATED = _("Older than the Japanese: the Japanese changed after this was saved.")


def _with_english_state(form):
    return type(form.__name__, (EnglishStateForm, form), {})


class BilingualAdmin(BilingualFieldsMixin, TranslationAdmin):
    """A model admin whose form has the page-wide language switch."""

    change_form_template = "admin/desk/change_form.html"

    def get_form(self, request, obj=None, **kwargs):
        return _with_english_state(super().get_form(request, obj, **kwargs))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["translation_mode"] = EditorPreference.mode_for(request.user)
        context["translation_modes"] = EditorPreference.Mode.choices
        return super().render_change_form(request, context, add, change, form_url, obj)


class BilingualInlineMixin(BilingualFieldsMixin):
    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _with_english_state(formset.form)
        return formset


class BilingualStackedInline(BilingualInlineMixin, TranslationStackedInline):
    pass


class BilingualTabularInline(BilingualInlineMixin, TranslationTabularInline):
    pass
