"""Search text as it is stored and compared: normalised words, and the character grams that
serve short words on PostgreSQL (the whole story: releases/search.py)."""

import json
import re
import unicodedata

from django.db import models
from django.db.models import Lookup

MAX_TERMS = 8
MAX_QUERY_LENGTH = 200

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def normalise(text):
    """Text as it is stored for search and as visitors' words are compared with it."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(_CONTROL.sub(" ", text).split())


def search_terms(words):
    """The distinct normalised words of a query, at most MAX_TERMS of them."""
    terms = []
    for term in normalise(str(words or "")[:MAX_QUERY_LENGTH]).split():
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


class GramsField(models.Field):
    """`grams()` of the search text: an integer array on PostgreSQL, where a GIN index reads
    it; NULL on other databases, which have no such index and match the text itself."""

    def db_type(self, connection):
        return "integer[]" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value, connection, prepared=False):
        return list(value or []) if connection.vendor == "postgresql" else None

    def to_python(self, value):
        # Serialized rows (history versions, fixtures) hold it as text: "[1, 2]" or "None".
        if isinstance(value, str):
            return None if value == "None" else json.loads(value)
        return value


@GramsField.register_lookup
class HasGrams(Lookup):
    """`search_grams__has=[gram(word), ...]`: every one of them is in the array (PostgreSQL)."""

    lookup_name = "has"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @> {rhs}::integer[]", [*lhs_params, *rhs_params]


def _code(char):
    # Characters beyond the Basic Multilingual Plane share one code in pairs; the substring
    # match that always accompanies the grams weeds out what they let through.
    point = ord(char)
    return point if point < 0x10000 else 0xFFFF


def gram(word):
    """The integer of a word of one or two characters in `grams()`.

    A character is its code point (below 0x110000); a pair packs its two codes into 32 bits,
    which puts it above every code point (the first is at least 0x21), stored as a signed int.
    """
    if len(word) == 1:
        return ord(word)
    packed = _code(word[0]) << 16 | _code(word[1])
    return packed - (1 << 32) if packed >= 1 << 31 else packed


def exact_gram(word):
    """Whether `gram(word)` stands for `word` alone: true but for pairs of characters beyond
    the Basic Multilingual Plane, which share their code."""
    return len(word) == 1 or all(ord(char) < 0x10000 for char in word)


def grams(text):
    """Every character and pair of adjacent characters of normalised `text`, as sorted integers;
    none with whitespace, which a search word never contains."""
    found = set()
    for word in text.split():
        found.update(map(ord, word))
        found.update(gram(word[i : i + 2]) for i in range(len(word) - 1))
    return sorted(found)
