"""Search across both languages and scripts.

Each release keeps a denormalised copy of all its text and of the text of what it reports
(meetings, officials under every spelling, organisations, agreements, countries), normalised
the same way as the visitor's words: Unicode NFKC (full-width Latin and half-width kana become
ordinary characters) and case folding (Latin and Cyrillic alike, which SQLite's LIKE cannot do).
A word then matches as a plain substring, which also works for Japanese written without spaces.

Each database finds the words through an index (`releases.models.containing`): on SQLite an
FTS5 table with the trigram tokenizer over the copy, kept by triggers (migration 0027); words
of one or two characters, which have no trigram, through the trigrams they start. On
PostgreSQL a trigram GIN index on the copy serves words of three characters or more
(migration 0002). Shorter words (銅, 会談, EU) have no trigram, so each release also keeps its
`grams()`: every character and every pair of adjacent characters of the copy, as integers in
an array with a GIN index (migration 0006); a word of one or two characters is in the text
exactly when its gram is in the array, so such words are matched on the array alone, without
reading the text. (pg_bigm would do this inside PostgreSQL; it is not available here.)

`refresh_search_text(releases)` runs whenever a release or anything it shows changes: the
receivers in `releases.signals` call it on commit, whoever saves.
"""

import html
import re

from django.db.models import Prefetch, Q

from people.models import Country, Official, Organization

from .grams import grams, normalise
from .models import Agreement, Meeting, Release

BATCH_SIZE = 500

_TAG = re.compile(r"<[^>]*>")


# An agreement's kind by the names readers use for it, in both languages: "MOU" finds releases
# whose agreements are titled "Memorandum of Understanding".
KIND_WORDS = {
    "mou": ["MOU", "覚書", "了解覚書", "Memorandum of Understanding"],
    "moc": ["MOC", "協力覚書", "Memorandum of Cooperation"],
    "other": [],
}


def _plain(text):
    return html.unescape(_TAG.sub(" ", text or ""))


def _both(obj, field):
    return [getattr(obj, f"{field}_ja", "") or "", getattr(obj, f"{field}_en", "") or ""]


def _organisation(org):
    return [*_both(org, "name"), *_both(org, "short_name"), org.other_names]


def _official(official):
    return [*_both(official, "name"), official.other_names]


def texts_of(release):
    """Title texts and all texts of a release whose related rows are prefetched."""
    title = [*_both(release, "title"), *_both(release, "subtitle")]
    parts = [*title, *_both(release, "lead"), *_both(release, "department")]
    parts += _organisation(release.issuer)
    for country in release.countries.all():
        parts += _both(country, "name")
    for section in release.sections.all():
        parts += [*_both(section, "heading"), *(_plain(t) for t in _both(section, "body"))]
    for meeting in release.meetings.all():
        parts += [*_both(meeting, "title"), *_both(meeting, "place"), *_both(meeting, "summary")]
        parts += _both(meeting.country, "name")
        for participation in meeting.participations.all():
            parts += [*_official(participation.official), *_both(participation, "title")]
    for agreement in release.agreements.all():
        parts += [*_both(agreement, "title"), *_both(agreement, "subject")]
        parts += KIND_WORDS.get(agreement.kind, [])
        for party in agreement.parties.all():
            parts += _organisation(party)
        for signatory in agreement.signatories.all():
            parts += _official(signatory)
    for photo in release.photos.all():
        parts += [*_both(photo, "caption"), *_both(photo, "credit")]
    return title, parts


def _join(parts):
    return "\n".join(dict.fromkeys(p for p in map(normalise, parts) if p))


def search_values(release):
    """(search_title, search_text, search_grams) of a release whose related rows are prefetched."""
    title, parts = texts_of(release)
    text = _join(parts)
    return _join(title), text, grams(text)


def refresh_search_text(releases):
    """Rebuild the search text of `releases` (Release rows, ids, or a queryset).

    Call it after a release, its sections, meetings, participants, agreements or photos are
    saved, and for the releases that show an official, organisation or agreement that changed.
    A few queries per 500 releases; `updated_at` is left alone.
    """
    if hasattr(releases, "values_list"):
        ids = list(releases.values_list("pk", flat=True))
    else:
        ids = [getattr(r, "pk", r) for r in releases]
    meetings = Meeting.objects.with_participants()
    agreements = Agreement.objects.prefetch_related("parties", "signatories")
    for start in range(0, len(ids), BATCH_SIZE):
        batch = (
            Release.objects.filter(pk__in=ids[start : start + BATCH_SIZE])
            .select_related("issuer")
            .prefetch_related(
                "countries",
                "sections",
                "photos",
                Prefetch("meetings", queryset=meetings),
                Prefetch("agreements", queryset=agreements),
            )
        )
        changed = []
        for release in batch:
            release.search_title, release.search_text, release.search_grams = search_values(release)
            changed.append(release)
        Release.objects.bulk_update(changed, ["search_title", "search_text", "search_grams"])
    return len(ids)


def releases_showing(obj):
    """The releases whose search text includes `obj`'s names: an Official, Organization,
    Agreement or Country. Refresh them when it changes:
    `refresh_search_text(releases_showing(official))`."""
    if isinstance(obj, Official):
        shown = Q(meetings__participations__official=obj) | Q(agreements__signatories=obj)
    elif isinstance(obj, Organization):
        shown = Q(issuer=obj) | Q(agreements__parties=obj)
    elif isinstance(obj, Agreement):
        shown = Q(agreement_links__agreement=obj)
    elif isinstance(obj, Country):
        shown = Q(countries=obj) | Q(meetings__country=obj)
    else:
        raise TypeError(f"No release shows a {type(obj).__name__}.")
    return Release.objects.filter(shown).distinct()
