"""Which English texts are missing, or older than the Japanese they translate.

Japanese is the language releases are written in; English is the translation. Each row of a
translated model keeps, per translated field, a short fingerprint of its Japanese and of its
English text, when each last changed, and which Japanese the English was saved against
(`translation_marks`, written by `TranslationTracked.save()`). The English of a field is then:

- missing: the Japanese needs translating (it has Japanese script in it) and the English is empty;
- outdated: the Japanese changed after the English was last saved (it is not the Japanese the
  English was saved against); saving both in one go counts as translating;
- current otherwise. A text without Japanese script (a name in Latin letters, "ROTOBO", a
  phone number) reads the same in both languages and needs no English.

Rows saved before the marks existed (or written with `bulk_create`) have none: their English,
where there is some, counts as current until the next save.
"""

import hashlib
import re

from django.utils import timezone
from modeltranslation.translator import NotRegistered, translator

SOURCE, TARGET = "ja", "en"
MISSING, OUTDATED = "missing", "outdated"

# Kana, CJK ideographs and half-width katakana.
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")


def translated_fields(model):
    """The names of `model`'s translated fields, in their registered order; [] if it has none."""
    try:
        names = translator.get_options_for_model(model).fields
    except NotRegistered:
        return []
    # In the model's own order: the options keep them in a set.
    return [f.name for f in model._meta.get_fields() if f.name in names]


def text(obj, field, language):
    return (getattr(obj, f"{field}_{language}", "") or "").strip()


def needs_english(japanese):
    return bool(_JAPANESE.search(japanese))


def fingerprint(value):
    return hashlib.blake2b(value.encode(), digest_size=8).hexdigest() if value else ""


def updated_marks(obj, now=None):
    """`obj.translation_marks` brought up to date with the texts `obj` holds now."""
    marks = dict(obj.translation_marks or {})
    now = (now or timezone.now()).isoformat(timespec="seconds")
    for field in translated_fields(type(obj)):
        ja, en = fingerprint(text(obj, field, SOURCE)), fingerprint(text(obj, field, TARGET))
        old = marks.get(field)
        if old is None:
            # First seen: whatever English there is translates this Japanese.
            marks[field] = {"ja": ja, "en": en, "en_of": ja if en else "", "ja_at": now}
            marks[field]["en_at"] = now if en else None
            continue
        mark = dict(old)
        if ja != mark.get("ja"):
            mark["ja"], mark["ja_at"] = ja, now
        if en != mark.get("en"):
            mark["en"], mark["en_at"], mark["en_of"] = en, now, ja if en else ""
        marks[field] = mark
    return marks


def checked_marks(obj):
    """The marks of `obj` once a translator has checked its English against the Japanese: every
    English text present counts as a translation of the Japanese as it is now."""
    marks = updated_marks(obj)
    for mark in marks.values():
        if mark.get("en"):
            mark["en_of"] = mark["ja"]
    return marks


def english_state(obj, field):
    """MISSING, OUTDATED or None (nothing to do) for the English of `obj`'s `field`."""
    japanese = text(obj, field, SOURCE)
    if not needs_english(japanese):
        return None
    if not text(obj, field, TARGET):
        return MISSING
    mark = (getattr(obj, "translation_marks", None) or {}).get(field)
    if mark and mark.get("en_of") != fingerprint(japanese):
        return OUTDATED
    return None


def english_gaps(obj, fields=None):
    """[(field, state, mark)] for each translated field of `obj` (or of `fields`) whose English
    needs work."""
    gaps = []
    for field in translated_fields(type(obj)) if fields is None else fields:
        state = english_state(obj, field)
        if state:
            mark = (getattr(obj, "translation_marks", None) or {}).get(field, {})
            gaps.append((field, state, mark))
    return gaps
