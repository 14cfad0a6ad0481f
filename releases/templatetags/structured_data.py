"""What machines read on the public pages: schema.org JSON-LD, Open Graph and Twitter cards,
and the feed links of the release list.

The release page's queryset prefetches everything read here (`with_details()`), so these tags
add no query, and they read photos from their rows: no file is read or written.
"""

import json
import mimetypes

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.pagination import first_page_query
from releases.renditions import FORMATS, media_url, picture_for, rendition_name

register = template.Library()

# As django.utils.html.json_script: nothing in the data can close the <script> element.
# Replaced one by one: `str.translate` with a table costs some 60 ns a character on a Japanese
# text (0.2 ms for a release's data), `str.replace` a few nanoseconds.
JSON_SCRIPT_ESCAPES = {">": "\\u003E", "<": "\\u003C", "&": "\\u0026"}
OG_LOCALES = {"ja": "ja_JP", "en": "en_GB"}


def _absolute(request, url):
    return request.build_absolute_uri(url) if request is not None else url


def _language_of(release):
    """The language the release is shown in: Japanese where no translation exists yet."""
    language = get_language() or "ja"
    return language if language == "ja" or release.has_english else "ja"


def photo_image(photo, request=None):
    """The photo as its largest JPEG rendition (the original until renditions are made):
    {url, width, height, type, bytes (None when unknown), caption, credit, alt}."""
    picture = picture_for(photo)
    if picture is not None and picture.sources:
        extension, _format, mime, _options = FORMATS[-1]
        name = rendition_name(photo.image.name, picture.width, extension)
        width, height = picture.width, picture.height
        size = photo.renditions.get("jpeg_bytes")
    else:
        name, width, height, size = photo.image.name, photo.width, photo.height, None
        mime = mimetypes.guess_type(name)[0] or ""
    return {
        "url": _absolute(request, media_url(name)),
        "width": width,
        "height": height,
        "type": mime,
        "bytes": size,
        "caption": photo.caption,
        "credit": photo.credit,
        "alt": photo.alt_text or photo.caption,
    }


def lead_image(release, request=None):
    """The release's first photo, as `photo_image`; None for a release without photos."""
    photos = release.photos.all()
    return photo_image(photos[0], request) if photos else None


def _image_object(image):
    data = {"@type": "ImageObject", "contentUrl": image["url"], "url": image["url"]}
    if image["width"] and image["height"]:
        data["width"], data["height"] = image["width"], image["height"]
    if image["type"]:
        data["encodingFormat"] = image["type"]
    if image["caption"]:
        data["caption"] = image["caption"]
    if image["credit"]:
        data["creditText"] = image["credit"]
    return data


def _organisation(org):
    data = {"@type": "Organization", "name": org.name}
    if org.short_name:
        data["alternateName"] = org.short_name
    return data


def _country(country, request):
    return {
        "@type": "Country",
        "name": country.name,
        "identifier": {
            "@type": "PropertyValue",
            "propertyID": "ISO 3166-1 alpha-2",
            "value": country.code,
        },
        "url": _absolute(request, country.get_absolute_url()),
    }


def _person(participation, request):
    official = participation.official
    person = {
        "@type": "Person",
        "name": official.name,
        "url": _absolute(request, official.get_absolute_url()),
    }
    if participation.title:
        person["jobTitle"] = participation.title
    return person


def _event(meeting, request, attendees):
    event = {
        "@type": "Event",
        "name": meeting.title or meeting.get_kind_display(),
        "startDate": meeting.date.isoformat(),
        "location": {
            "@type": "Place",
            "name": meeting.place or meeting.country.name,
            "address": {"@type": "PostalAddress", "addressCountry": meeting.country.code},
        },
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
    }
    if meeting.end_date:
        event["endDate"] = meeting.end_date.isoformat()
    if meeting.summary:
        event["description"] = meeting.summary
    if attendees:
        event["attendee"] = attendees
    return event


def release_data(release, request=None):
    """The release as a schema.org NewsArticle, in the active language."""
    url = _absolute(request, release.get_absolute_url())
    publisher = _organisation(release.issuer)
    publisher["url"] = _absolute(request, reverse("releases:home"))
    article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": f"{url}#release",
        "url": url,
        "mainEntityOfPage": url,
        "headline": release.title,
        "datePublished": release.published_at.isoformat(),
        "dateModified": release.last_modified.isoformat(),
        "inLanguage": _language_of(release),
        "publisher": publisher,
        "author": publisher,
        "isAccessibleForFree": True,
    }
    if release.subtitle:
        article["alternativeHeadline"] = release.subtitle
    if release.lead:
        article["description"] = release.lead
    images = [_image_object(photo_image(photo, request)) for photo in release.photos.all()]
    if images:
        article["image"] = images
    countries = [_country(c, request) for c in release.countries.all()]
    if countries:
        article["about"] = countries

    mentions, people = [], {}
    for meeting in release.meetings.all():
        attendees = []
        for participation in meeting.participations.all():
            person = people.get(participation.official_id) or _person(participation, request)
            people.setdefault(participation.official_id, person)
            attendees.append(person)
        mentions.append(_event(meeting, request, attendees))
    mentions[:0] = list(people.values())
    parties = {}
    for link in release.agreement_links.all():
        for party in link.agreement.parties.all():
            parties.setdefault(party.pk, _organisation(party))
    mentions += parties.values()
    if mentions:
        article["mentions"] = mentions
    return article


def jsonld_script(data):
    """`data` as <script type="application/ld+json">, safe whatever text it holds."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    for character, escape in JSON_SCRIPT_ESCAPES.items():
        text = text.replace(character, escape)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text),  # noqa: S308 - escaped just above
    )


@register.simple_tag(takes_context=True)
def release_jsonld(context, release):
    return jsonld_script(release_data(release, context.get("request")))


@register.simple_tag(takes_context=True)
def release_card(context, release):
    """What the Open Graph and Twitter card tags say of the release."""
    request = context.get("request")
    language = _language_of(release)
    return {
        "url": _absolute(request, release.get_absolute_url()),
        "locale": OG_LOCALES[language],
        "alternate_locales": [v for k, v in OG_LOCALES.items() if k != language],
        "modified": release.last_modified,
        "image": lead_image(release, request),
        "site_name": _("JOGMEC News Releases"),
    }


@register.simple_tag(takes_context=True)
def feed_url(context, kind="rss"):
    """The RSS (`kind="rss"`) or Atom (`"atom"`) feed of exactly what the list shows, or the
    page about them (`"page"`)."""
    request = context.get("request")
    query = first_page_query(request.GET) if request is not None else ""
    url = reverse(f"feeds:{kind}")
    return f"{url}?{query}" if query else url


@register.simple_tag(takes_context=True)
def feed_links(context):
    """<link rel="alternate"> to the RSS and Atom feeds of the list as filtered."""
    return format_html(
        '<link rel="alternate" type="application/rss+xml" title="{} (RSS)" href="{}">\n'
        '<link rel="alternate" type="application/atom+xml" title="{} (Atom)" href="{}">',
        _("News releases"),
        feed_url(context, "rss"),
        _("News releases"),
        feed_url(context, "atom"),
    )
