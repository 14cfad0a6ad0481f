"""RSS 2.0 and Atom feeds of any list a visitor can build.

`/<lang>/releases/feed/rss/?country=KZ&year=2025` is the feed of
`/<lang>/releases/?country=KZ&year=2025`: the same FilterSet reads the same query string, and
invalid values are left out as the list leaves them out. Only public releases, newest first
(most relevant first when searching, as on the list). Each item carries its lead photo as an
enclosure and as Media RSS `media:content`, with the photo's caption and credit.

Every address in a feed (entry ids, links, photos) is on the site's public address
(DJANGO_SITE_URL), whatever host name the request came by: a reader must not see the same release
twice because it was fetched through another name.

People do not read feeds: our pages link to the feed's page (`FeedPageView`, feeds:page), which
says what a feed is, offers its addresses to copy into a reader and shows its latest releases.
The feeds go out with their own types for readers (no XSL stylesheet: browsers are dropping XSLT).
"""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.translation import gettext as _
from django_filters.views import FilterView

from .filters import ReleaseFilter, first_page_query
from .models import Photo, Release
from .templatetags.structured_data import lead_image

ITEMS = 30
ITEMS_ON_PAGE = 10
MEDIA_NS = "http://search.yahoo.com/mrss/"
XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def site_url(url):
    """`url` (a path of ours) on the site's public address."""
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def xml_safe(value):
    """`value` without the control characters XML 1.0 cannot carry (pasted text has them)."""
    if isinstance(value, str):
        return XML_INVALID.sub("", value)
    if isinstance(value, list | tuple):
        return [xml_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: xml_safe(v) for k, v in value.items()}
    return value


class MediaMixin:
    """Media RSS for the lead photo: <media:content> with <media:credit> and its caption;
    text made safe for XML."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{k: xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **{k: xml_safe(v) for k, v in kwargs.items()})

    def add_media(self, handler, item):
        photo = item.get("photo")
        if not photo:
            return
        attrs = {"url": photo["url"], "medium": "image"}
        if photo["type"]:
            attrs["type"] = photo["type"]
        if photo["width"]:
            attrs["width"], attrs["height"] = str(photo["width"]), str(photo["height"])
        handler.startElement("media:content", attrs)
        if photo["credit"]:
            handler.addQuickElement("media:credit", photo["credit"])
        if photo["caption"]:
            # As HTML, escaped: some readers render media:description as HTML whatever its type.
            caption = linebreaksbr(photo["caption"], autoescape=True)
            handler.addQuickElement("media:description", caption, {"type": "html"})
        handler.endElement("media:content")


class MediaRssFeed(MediaMixin, Rss201rev2Feed):
    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        self.add_media(handler, item)


class MediaAtomFeed(MediaMixin, Atom1Feed):
    content_type = "application/atom+xml; charset=utf-8"

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        self.add_media(handler, item)


class ReleaseFeed(Feed):
    feed_type = MediaRssFeed

    @classmethod
    def as_view(cls):
        """A view that makes a feed per request: item methods read the request from `self`."""

        def view(request):
            return cls()(request)

        return view

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # The feed generator writes the XML to the response piece by piece, and the server
        # sends each piece with its own write (thousands a feed, from the page cache too):
        # joined, a feed goes out as fast as a page.
        response.content = response.content
        return response

    def get_object(self, request):
        self.request = request
        self.photos = {}
        queryset = (
            Release.objects.published()
            .select_related("issuer")
            .prefetch_related("countries", Prefetch("photos", queryset=Photo.objects.all()))
        )
        return ReleaseFilter(request.GET, queryset=queryset, request=request)

    def title(self, filterset):
        chosen = "; ".join(
            f"{chip['label']}: {chip['value']}" for chip in filterset.active_filters()
        )
        name = _("JOGMEC News Releases")
        return f"{name} ({chosen})" if chosen else name

    def link(self, filterset):
        return self._with_query(reverse("releases:list"))

    def feed_url(self, filterset):
        return self._with_query(self.request.path)

    def _with_query(self, path):
        query = first_page_query(self.request.GET)
        return site_url(f"{path}?{query}" if query else path)

    def description(self, filterset):
        return _("Japan Organization for Metals and Energy Security (JOGMEC)")

    def items(self, filterset):
        return filterset.qs[:ITEMS]

    def item_title(self, release):
        return release.title

    def item_description(self, release):
        # Readers take RSS descriptions and Atom summaries as HTML: the lead is plain text.
        return linebreaksbr(release.lead, autoescape=True)

    def item_link(self, release):
        return site_url(release.get_absolute_url())

    def item_guid(self, release):
        return self.item_link(release)

    def item_pubdate(self, release):
        return release.published_at

    def item_updateddate(self, release):
        return release.last_modified

    def item_author_name(self, release):
        return release.issuer.name

    def item_categories(self, release):
        return [country.name for country in release.countries.all()]

    def _lead_photo(self, release):
        if release.pk not in self.photos:
            photo = lead_image(release)
            self.photos[release.pk] = photo and {**photo, "url": site_url(photo["url"])}
        return self.photos[release.pk]

    def item_enclosures(self, release):
        photo = self._lead_photo(release)
        if not photo or not photo["type"] or not photo["bytes"]:
            return []
        return [Enclosure(photo["url"], str(photo["bytes"]), photo["type"])]

    def item_extra_kwargs(self, release):
        return {"photo": self._lead_photo(release)}


class ReleaseAtomFeed(ReleaseFeed):
    feed_type = MediaAtomFeed
    subtitle = ReleaseFeed.description


class FeedPageView(FilterView):
    """The feed of a list as a page for people: what a feed is, the addresses of the list's RSS
    and Atom feeds to copy into a reader, its latest releases, and the other ways to follow it."""

    filterset_class = ReleaseFilter
    strict = False  # as the feed: invalid filters are left out
    template_name = "releases/feed_page.html"

    def get_queryset(self):
        return Release.objects.published().with_related()

    def get_context_data(self, **kwargs):
        query = first_page_query(self.request.GET)
        suffix = f"?{query}" if query else ""
        return super().get_context_data(
            releases=self.filterset.qs[:ITEMS_ON_PAGE],
            filters=self.filterset.active_filters(),
            query=query,
            rss_url=site_url(reverse("feeds:rss") + suffix),
            atom_url=site_url(reverse("feeds:atom") + suffix),
            list_url=reverse("releases:list") + suffix,
            **kwargs,
        )
