"""Addresses made from names and titles in either language: Japanese is romanised (pykakasi)."""

import functools
import re

from django.utils.text import slugify


@functools.cache
def _kakasi():
    import pykakasi

    return pykakasi.kakasi()


def romanise(text):
    """Japanese (kanji, kana) in Hepburn romanisation; other text as it is."""
    # Japanese punctuation separates words; pykakasi would glue the words around it together.
    text = re.sub(r"[・、。，「」『』（）＋／〜]", " ", text)
    return " ".join(part["hepburn"] for part in _kakasi().convert(text) if part["hepburn"])


def slug_words(text, max_length=60):
    """An ASCII slug of `text` (romanised if Japanese), cut at a word boundary."""
    slug = slugify(romanise(text or ""))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return re.sub(r"-+", "-", slug).strip("-")


def unique_slug(model, base, field="slug", exclude_pk=None, also_taken=None):
    """`base`, or `base-2`, `base-3`…: the first one no row of `model` uses (nor, if given, a
    row of the queryset `also_taken`, in its own `field`)."""
    rows = model._default_manager.all()
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    taken = set(rows.filter(**{f"{field}__startswith": base}).values_list(field, flat=True))
    if also_taken is not None:
        taken |= set(
            also_taken.filter(**{f"{field}__startswith": base}).values_list(field, flat=True)
        )
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate
