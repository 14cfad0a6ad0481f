"""History (django-reversion) for the admin: what changed between two saved versions, field by
field, and restoring a saved version as a new edit.

A version of a release is saved together with its sections, meetings (and their participants),
photos, contacts and agreement links, in one revision; the comparison covers all of them, and
restoring any version of any of them brings back that whole revision.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import formats, timezone, translation
from django.utils.text import get_text_list
from django.utils.translation import gettext
from modeltranslation.translator import NotRegistered, translator
from reversion.models import Version

from .bilingual import field_label
from .models import Versioned

# Bookkeeping columns that change on every save and say nothing to an editor.
# Bookkeeping and derived columns: not what anyone edited.
HIDDEN_FIELDS = {"id", "version", "created_at", "updated_at", "translation_marks"}
HIDDEN_FIELDS |= {"search_title", "search_text", "search_grams"}
HIDDEN_FIELDS |= {"english_missing", "english_outdated", "translation_gaps"}
HIDDEN_FIELDS |= {"meeting_date"}  # a participation's copy of its meeting's date


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class ObjectDiff:
    model_name: str
    title: str
    status: str  # "changed", "added" or "removed"
    changes: list = field(default_factory=list)


def _translated_originals(model):
    try:
        return set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return set()


def _shown_fields(model, parent_model=None):
    originals = _translated_originals(model)
    for f in model._meta.get_fields():
        if not f.concrete or f.auto_created or f.name in HIDDEN_FIELDS or f.name in originals:
            continue
        if f.is_relation and f.related_model is parent_model and parent_model is not None:
            continue
        yield f


def _display(f, value):
    if value in (None, "", []):
        return ""
    if isinstance(f, models.ManyToManyField):
        rows = f.related_model._default_manager.filter(pk__in=value)
        return ", ".join(sorted(str(r) for r in rows))
    if f.is_relation:
        row = f.related_model._default_manager.filter(pk=value).first()
        return str(row) if row else f"#{value}"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.DateTimeField):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(f, (models.DateField, models.TimeField)):
        return formats.localize(value)
    return str(value)


def _field_changes(model, old, new, parent_model=None):
    changes = []
    for f in _shown_fields(model, parent_model):
        before, after = old.get(f.attname), new.get(f.attname)
        if isinstance(f, models.ManyToManyField):
            before = sorted(map(str, before or []))
            after = sorted(map(str, after or []))
        if (before or None) != (after or None):
            changes.append(Change(str(field_label(f)), _display(f, before), _display(f, after)))
    return changes


def model_of(version):
    """The model of a reversion Version's object (ContentType's cache: no query)."""
    return ContentType.objects.get_for_id(version.content_type_id).model_class()


def changed_fields(old_version, new_version):
    """The labels of the fields of one object that differ between two of its versions."""
    model = model_of(new_version)
    return [c.label for c in _field_changes(model, old_version.field_dict, new_version.field_dict)]


@dataclass
class Snapshot:
    """One row as a version of it holds it: a reversion Version, or a row of pending changes."""

    content_type_id: int
    object_id: str
    object_repr: str
    field_dict: dict


def snapshot(row, m2m=None):
    """A Snapshot of a model instance (as loaded or deserialized; `m2m`: its many-to-many pks)."""
    values = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
    values.update(m2m or {})
    content_type = ContentType.objects.get_for_model(type(row))
    return Snapshot(content_type.pk, str(row.pk), str(row), values)


def _related_versions(version):
    return {
        (v.content_type_id, v.object_id): v
        for v in version.revision.version_set.exclude(pk=version.pk).select_related("content_type")
    }


def compare(old_version, new_version):
    """The differences from `old_version` to `new_version` of one object, main object first."""
    return compare_snapshots(
        old_version, _related_versions(old_version), new_version, _related_versions(new_version)
    )


def compare_snapshots(old, old_related, new, new_related):
    """The differences from `old` to `new` (Versions or Snapshots of one object) and between
    the rows saved with each (dicts by (content type id, object id)), main object first."""
    model = ContentType.objects.get_for_id(new.content_type_id).model_class()
    diffs = [
        ObjectDiff(
            str(model._meta.verbose_name),
            new.object_repr,
            "changed",
            _field_changes(model, old.field_dict, new.field_dict),
        )
    ]
    for key in sorted(old_related.keys() | new_related.keys(), key=lambda k: (k[0], int(k[1]))):
        before, after = old_related.get(key), new_related.get(key)
        some = after or before
        related_model = ContentType.objects.get_for_id(key[0]).model_class()
        if related_model is None:
            continue
        empty = {}
        changes = _field_changes(
            related_model,
            before.field_dict if before else empty,
            after.field_dict if after else empty,
            parent_model=model if related_model is not model else None,
        )
        status = "changed" if before and after else ("added" if after else "removed")
        if changes:
            diffs.append(
                ObjectDiff(str(related_model._meta.verbose_name), some.object_repr, status, changes)
            )
    return diffs


def in_each_language(make):
    """A history comment that each reader sees in their own language: `make()` under each of the
    site's languages, kept together (reversion's comment column holds one text)."""
    texts = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            texts[language] = str(make())
    return json.dumps(texts, ensure_ascii=False)


def comment_text(revision):
    """A revision's comment in the reader's language. Comments kept before they were kept per
    language read as they were written."""
    comment = revision.comment
    if comment.startswith("{"):
        try:
            texts = json.loads(comment)
        except ValueError:
            texts = None
        if isinstance(texts, dict):
            return texts.get(translation.get_language()) or texts.get(settings.LANGUAGE_CODE, "")
    return revision.get_comment()


def _labels(form, names):
    return [str(form.fields[name].label or name) for name in names if name in form.fields]


def change_comment(form, formsets, add):
    """What an admin save changed, in words, in each language (see in_each_language): what
    Django's admin log says, but with every name (fields, rows) in the reader's language; the
    log's own message keeps rows' names in English."""

    def describe():
        if add:
            parts = [gettext("Added.")]
        elif form.changed_data:
            labels = get_text_list(_labels(form, form.changed_data), gettext("and"))
            parts = [gettext("Changed {fields}.").format(fields=labels)]
        else:
            parts = []
        for formset in formsets:
            for row in formset.new_objects:
                name = row._meta.verbose_name
                parts.append(gettext("Added {name} “{object}”.").format(name=name, object=row))
            for row, names in formset.changed_objects:
                labels = get_text_list(_labels(formset.forms[0], names), gettext("and"))
                parts.append(
                    gettext("Changed {fields} for {name} “{object}”.").format(
                        fields=labels, name=row._meta.verbose_name, object=row
                    )
                )
            for row in formset.deleted_objects:
                name = row._meta.verbose_name
                parts.append(gettext("Deleted {name} “{object}”.").format(name=name, object=row))
        return " ".join(parts) or gettext("No fields changed.")

    return in_each_language(describe)


def _stamps(model):
    return {f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now", False)}


def _kept(model):
    """Columns a restore must not roll back: the version, and what the model reserves."""
    return {"version", *(model._meta.get_field(name).attname for name in model.restore_keeps)}


def _content(row):
    """What an editor sees of a row: every column but the bookkeeping, and its plain M2M links."""
    model = type(row)
    skip = _kept(model) | _stamps(model)
    values = [getattr(row, f.attname) for f in model._meta.concrete_fields if f.attname not in skip]
    for f in model._meta.many_to_many:
        if f.remote_field.through._meta.auto_created:
            values.append(sorted(getattr(row, f.name).values_list("pk", flat=True)))
    return values


def restore(revision):
    """Write the rows of `revision` back as they were saved, as one new edit; returns them.

    django-reversion reverts every row the revision holds: restoring a meeting's version from a
    release's page also writes the release's row back. So the rule is kept here, whichever admin
    page asks: each row keeps its `restore_keeps` fields as they are now (a release's
    publication), or takes `recovered_as` when the restore brings it back from deletion; and a
    row whose content the restore changes gets the next version, so a form opened before the
    restore is refused and one opened after it is not. Call it inside a transaction.
    """
    keys = [(model_of(v), v.object_id) for v in revision.version_set.all()]
    ids_by_model = defaultdict(list)
    for model, object_id in keys:
        ids_by_model[model].append(object_id)
    before = {}
    for model, ids in ids_by_model.items():
        if issubclass(model, Versioned):
            for row in model._default_manager.select_for_update().filter(pk__in=ids):
                before[(model, str(row.pk))] = (row, _content(row))
    revision.revert(delete=True)
    restored = []
    for model, object_id in keys:
        row = model._default_manager.filter(pk=object_id).first()
        if row is None:
            continue
        restored.append(row)
        if not issubclass(model, Versioned):
            continue
        if (model, object_id) in before:
            old, old_content = before[(model, object_id)]
            values = {name: getattr(old, name) for name in _kept(model) | _stamps(model)}
            if _content(row) != old_content:
                values["version"] = old.version + 1
                values.update(dict.fromkeys(_stamps(model), timezone.now()))
        else:
            values = {model._meta.get_field(k).attname: v for k, v in model.recovered_as.items()}
        model._default_manager.filter(pk=row.pk).update(**values)
        for name, value in values.items():
            setattr(row, name, value)
    return restored


def compare_with_previous(previous, version):
    """compare(previous, version); for the first version in an object's history (`previous`
    None: it was added then, or before its history began), everything it held."""
    if previous is not None:
        return compare(previous, version)
    model = model_of(version)
    changes = _field_changes(model, {}, version.field_dict)
    return [ObjectDiff(str(model._meta.verbose_name), version.object_repr, "first", changes)]


@dataclass
class RecordChanges:
    """The versions of one record saved since its last review, oldest first, each with `diffs`
    (compare_with_previous) and `previous`."""

    model: type
    object_id: str
    title: str
    versions: list
    last_review: object = None

    @property
    def latest(self):
        return self.versions[-1]


def unreviewed_changes(models, limit=50):
    """The records of `models` with versions saved since their last review (core.models.Review),
    those changed last first: at most `limit` records, and how many there are in all."""
    from .models import Review

    types = ContentType.objects.get_for_models(*models).values()
    latest_review = Review.objects.filter(
        content_type_id=OuterRef("content_type_id"), object_id=OuterRef("object_id")
    ).order_by("-up_to_version")
    pending = (
        Version.objects.filter(content_type__in=types)
        .annotate(reviewed=Subquery(latest_review.values("up_to_version")[:1]))
        .filter(Q(reviewed__isnull=True) | Q(pk__gt=F("reviewed")))
    )
    records = (
        pending.values("content_type_id", "object_id").annotate(last=Max("pk")).order_by("-last")
    )
    total = records.count()
    keys = [(r["content_type_id"], r["object_id"]) for r in records[:limit]]
    if not keys:
        return [], total
    match = Q()
    for type_id, object_id in keys:
        match |= Q(content_type_id=type_id, object_id=object_id)
    every = defaultdict(list)
    for version in Version.objects.filter(match).select_related("revision__user").order_by("pk"):
        every[(version.content_type_id, version.object_id)].append(version)
    reviews = {}
    for review in (
        Review.objects.filter(match).select_related("reviewed_by").order_by("up_to_version")
    ):
        reviews[(review.content_type_id, review.object_id)] = review
    result = []
    for key in keys:
        review = reviews.get(key)
        done = review.up_to_version if review else 0
        versions, previous = [], None
        for version in every[key]:
            if version.pk > done:
                version.previous = previous
                version.diffs = compare_with_previous(previous, version)
                versions.append(version)
            previous = version
        if versions:
            model = ContentType.objects.get_for_id(key[0]).model_class()
            title = versions[-1].object_repr
            result.append(RecordChanges(model, key[1], title, versions, review))
    return result, total
