"""RSS 2.0 and Atom feeds of any list a visitor can build.

`/<lang>/releases/feed/rss/?country=KZ&year=2025` is the feed of
`/<lang>/releases/?country=KZ&year=2025`: the same FilterSet reads the same query string, and
invalid values are left out as the list leaves them out. Only public releases, newest first
(most relevant first when searching, as on the list). Each item carries its lead photo as an
enclosure and as Media RSS `media:content`, with the photo's caption and credit.

Both feeds name an XSL stylesheet (`<?xml-stylesheet?>`, feeds:style) and go out as
`application/xml`, the type browsers apply it to: opened in a browser, a feed is a readable
page in its language; feed readers ignore the instruction and read the same XML.
"""

import re

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import render
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.feedgenerator import (
    Atom1Feed,
    Enclosure,
    Rss201rev2Feed,
    SimplerXMLGenerator,
    Stylesheet,
)
from django.utils.translation import gettext as _

from core.pagination import first_page_query

from .filters import ReleaseFilter
from .models import Photo, Release
from .templatetags.structured_data import lead_image

ITEMS = 30
MEDIA_NS = "http://search.yahoo.com/mrss/"
XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


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
    text made safe for XML; served as XML that browsers style."""

    content_type = "application/xml; charset=utf-8"

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
    def write(self, outfile, encoding):
        # Atom1Feed.write() with the stylesheet instruction that RssFeed.write() adds.
        handler = SimplerXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        for stylesheet in self.feed["stylesheets"] or []:
            handler.processingInstruction("xml-stylesheet", stylesheet)
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

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
        url = reverse("releases:list")
        query = self._query()
        return f"{url}?{query}" if query else url

    def feed_url(self, filterset):
        url = self.request.path
        query = self._query()
        return f"{url}?{query}" if query else url

    def stylesheets(self, filterset):
        url = reverse("feeds:style")
        query = self._query()
        return [Stylesheet(f"{url}?{query}" if query else url, mimetype="text/xsl")]

    def _query(self):
        return first_page_query(self.request.GET)

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
        return release.get_absolute_url()

    def item_guid(self, release):
        return self.request.build_absolute_uri(release.get_absolute_url())

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
            self.photos[release.pk] = lead_image(release, self.request)
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


def feed_stylesheet(request):
    """The XSL stylesheet of the feeds, in the page's language, linking the e-mail alert and the
    calendar of the same filters (its query string is the feed's)."""
    query = request.GET.copy()
    query.pop("page", None)
    response = render(request, "releases/feed.xsl", {"query": query.urlencode()})
    response["Content-Type"] = "text/xsl; charset=utf-8"
    return response
