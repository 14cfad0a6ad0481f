"""The sitemap: every public page in both languages, each entry naming its twin (hreflang).

Each section starts from what is public (`Release.objects.published()` and the `public()`
verbs built on it), so nothing under embargo is ever listed. `/sitemap.xml` is an index of
the sections, each split into pages of at most `limit` addresses.
"""

from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Agreement, Release, TopicalEvent


def _latest_public_by(relation):
    """{id: latest publication time} of the rows reached through `relation` from public
    releases (e.g. "countries"): one grouped query, whatever the number of rows."""
    rows = (
        Release.objects.published()
        .filter(**{f"{relation}__isnull": False})
        .order_by()
        .values_list(relation)
        .annotate(latest=Max("published_at"))
    )
    return dict(rows)


def _latest(*moments):
    return max((m for m in moments if m is not None), default=None)


class InLanguages:
    """The (item, language) pairs of a queryset, fetched a page at a time.

    Django's i18n sitemap builds the list of pairs for every item on each request; with
    100,000 releases that is every release loaded to serve any page of the sitemap.
    """

    def __init__(self, items, languages):
        self.items, self.languages = items, languages

    @cached_property
    def _count(self):
        items = self.items
        return items.count() if hasattr(items, "query") else len(items)

    def __len__(self):
        return self._count * len(self.languages)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(len(self))
        n = len(self.languages)
        first = start // n
        rows = self.items[first : -(-stop // n)]
        pairs = [(row, lang) for row in rows for lang in self.languages]
        return pairs[start - first * n : stop - first * n]


class BilingualSitemap(Sitemap):
    """Pages of 1,000 addresses (a crawler fetches one in a few hundred kilobytes, and a
    server makes one in a tenth of a second when it is not cached), without `changefreq` and
    `priority`, which search engines ignore: `lastmod` says when a page changed."""

    i18n = True
    alternates = True
    x_default = True
    limit = 1000

    def _items(self):
        return InLanguages(self.items(), self._languages())


class ListSitemap(BilingualSitemap):
    def items(self):
        return ["releases:list", "releases:countries", "releases:agreements", "releases:events"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return self.get_latest_lastmod()

    @cached_property
    def _latest_release(self):
        return Release.objects.published().aggregate(latest=Max("published_at"))["latest"]

    def get_latest_lastmod(self):
        return self._latest_release


class ReleaseSitemap(BilingualSitemap):
    def items(self):
        fields = ("slug", "published_at", "updated_at", "withdrawn_at", "last_major_update")
        return Release.objects.published().only(*fields).order_by("-published_at", "-id")

    def lastmod(self, release):
        return release.last_modified

    def get_latest_lastmod(self):
        found = Release.objects.published().aggregate(
            changed=Max("last_major_update"), published=Max("published_at")
        )
        return _latest(found["changed"], found["published"])


class CountrySitemap(BilingualSitemap):
    def items(self):
        return Release.objects.published().countries().only("code").order_by("code")

    @cached_property
    def latest(self):
        return _latest_public_by("countries")

    def lastmod(self, country):
        return self.latest.get(country.pk)

    def get_latest_lastmod(self):
        return _latest(*self.latest.values())


class OfficialSitemap(BilingualSitemap):
    def items(self):
        return Release.objects.published().officials().only("slug").order_by("slug")

    @cached_property
    def latest(self):
        met = _latest_public_by("meetings__participants")
        signed = _latest_public_by("agreements__signatories")
        return {pk: _latest(met.get(pk), signed.get(pk)) for pk in met.keys() | signed.keys()}

    def lastmod(self, official):
        return self.latest.get(official.pk)

    def get_latest_lastmod(self):
        return _latest(*self.latest.values())


class AgreementSitemap(BilingualSitemap):
    def items(self):
        return Agreement.objects.public().only("slug", "updated_at").order_by("slug")

    @cached_property
    def latest(self):
        return _latest_public_by("agreements")

    def lastmod(self, agreement):
        # Its page also changes when a release that announces or mentions it appears.
        return _latest(agreement.updated_at, self.latest.get(agreement.pk))

    def get_latest_lastmod(self):
        changed = Agreement.objects.public().aggregate(latest=Max("updated_at"))["latest"]
        return _latest(changed, *self.latest.values())


class TopicalEventSitemap(BilingualSitemap):
    def items(self):
        return TopicalEvent.objects.public().only("slug", "updated_at").order_by("slug")

    @cached_property
    def latest(self):
        return _latest_public_by("topical_events")

    def lastmod(self, event):
        # Its page also changes when one of its releases appears.
        return _latest(event.updated_at, self.latest.get(event.pk))

    def get_latest_lastmod(self):
        changed = TopicalEvent.objects.public().aggregate(latest=Max("updated_at"))["latest"]
        return _latest(changed, *self.latest.values())


SITEMAPS = {
    "lists": ListSitemap,
    "releases": ReleaseSitemap,
    "countries": CountrySitemap,
    "officials": OfficialSitemap,
    "agreements": AgreementSitemap,
    "events": TopicalEventSitemap,
}
