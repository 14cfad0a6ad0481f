"""Search across both languages and scripts.

Each release keeps a denormalised copy of all its text and of the text of what it reports
(meetings, officials under every spelling, organisations, agreements, countries), normalised
the same way as the visitor's words: Unicode NFKC (full-width Latin and half-width kana become
ordinary characters) and case folding (Latin and Cyrillic alike, which SQLite's LIKE cannot do).
A word then matches as a plain substring, which also works for Japanese written without spaces.
On PostgreSQL a trigram index on that copy serves the substring match (migration 0003).

`refresh_search_text(releases)` must run whenever a release or anything it shows changes.
"""

import html
import re
import unicodedata

from django.db.models import Prefetch

MAX_TERMS = 8
MAX_QUERY_LENGTH = 200
BATCH_SIZE = 500

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TAG = re.compile(r"<[^>]*>")


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
        for party in agreement.parties.all():
            parts += _organisation(party)
        for signatory in agreement.signatories.all():
            parts += _official(signatory)
    for photo in release.photos.all():
        parts += [*_both(photo, "caption"), *_both(photo, "credit")]
    return title, parts


def _join(parts):
    return "\n".join(dict.fromkeys(p for p in map(normalise, parts) if p))


def refresh_search_text(releases):
    """Rebuild the search text of `releases` (Release rows, ids, or a queryset).

    Call it after a release, its sections, meetings, participants, agreements or photos are
    saved, and for the releases that show an official, organisation or agreement that changed.
    A few queries per 500 releases; `updated_at` is left alone.
    """
    from .models import Agreement, Meeting, Release

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
            title, parts = texts_of(release)
            release.search_title, release.search_text = _join(title), _join(parts)
            changed.append(release)
        Release.objects.bulk_update(changed, ["search_title", "search_text"])
    return len(ids)


def releases_showing(obj):
    """The releases whose search text includes `obj`'s names: an Official, Organization,
    Agreement or Country. Refresh them when it changes:
    `refresh_search_text(releases_showing(official))`."""
    from django.db.models import Q

    from directory.models import Country, Official, Organization

    from .models import Agreement, Release

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
