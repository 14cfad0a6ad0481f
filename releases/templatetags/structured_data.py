"""What machines read on the public pages: schema.org JSON-LD, Open Graph and Twitter cards,
and the feed links of the release list.

The release page's queryset prefetches everything read here (`with_details()`), so these tags
add no query, and they read photos from their rows: no file is read or written.
"""

import json
import mimetypes

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from releases.renditions import FORMATS, media_url, picture_for, rendition_name

register = template.Library()

# As django.utils.html.json_script: nothing in the data can close the <script> element.
# Replaced one by one: `str.translate` with a table costs some 60 ns a character on a Japanese
# text (0.2 ms for a release's data), `str.replace` a few nanoseconds.
JSON_SCRIPT_ESCAPES = {">": "\\u003E", "<": "\\u003C", "&": "\\u0026"}
OG_LOCALES = {"ja": "ja_JP", "en": "en_GB"}
# Search engines read at most 110 characters of an article's headline.
HEADLINE_MAX = 110
# Our own images (static/img), for the publisher and for articles without a photo.
LOGO = {"path": "img/logo.png", "width": 512, "height": 512}
DEFAULT_IMAGE = {"path": "img/release-default.png", "width": 1200, "height": 675}


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


def _static_image(request, image):
    url = _absolute(request, static(image["path"]))
    return {
        "@type": "ImageObject",
        "contentUrl": url,
        "url": url,
        "width": image["width"],
        "height": image["height"],
        "encodingFormat": "image/png",
    }


def headline(title):
    """`title` within HEADLINE_MAX characters: cut at the last space that keeps at least half
    of it (a word boundary in English), else at a character (Japanese has no spaces), with an
    ellipsis."""
    if len(title) <= HEADLINE_MAX:
        return title
    cut = title[: HEADLINE_MAX - 1]
    if not title[HEADLINE_MAX - 1].isspace():
        head = cut.rsplit(" ", 1)[0]
        if len(head) >= HEADLINE_MAX // 2:
            cut = head
    return cut.rstrip(" ,;:、") + "…"


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
    publisher["logo"] = _static_image(request, LOGO)
    article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": f"{url}#release",
        "url": url,
        "mainEntityOfPage": url,
        "headline": headline(release.title),
        "datePublished": release.published_at.isoformat(),
        "dateModified": release.last_modified.isoformat(),
        "inLanguage": _language_of(release),
        "publisher": publisher,
        "author": publisher,
        "isAccessibleForFree": True,
    }
    if article["headline"] != release.title:
        article["name"] = release.title
    if release.subtitle:
        article["alternativeHeadline"] = release.subtitle
    if release.lead:
        article["description"] = release.lead
    images = [_image_object(photo_image(photo, request)) for photo in release.photos.all()]
    article["image"] = images or [_static_image(request, DEFAULT_IMAGE)]
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
def country_jsonld(context, country):
    """The country page's subject: a schema.org Country (a kind of Place)."""
    request = context.get("request")
    data = {"@context": "https://schema.org", **_country(country, request)}
    data["@id"] = f"{data['url']}#country"
    if country.region:
        data["containedInPlace"] = {"@type": "Place", "name": country.region}
    return jsonld_script(data)


@register.simple_tag(takes_context=True)
def official_jsonld(context, official):
    """The official page's subject: a schema.org Person, with the post held now (its title and
    organisation) where one is, and their country."""
    request = context.get("request")
    url = _absolute(request, official.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "@id": f"{url}#person",
        "name": official.name,
        "url": url,
    }
    current = [post for post in official.posts.all() if post.end_date is None]
    if current:
        data["jobTitle"] = current[0].title
        if current[0].organization:
            data["affiliation"] = _organisation(current[0].organization)
    if official.country_id:
        data["nationality"] = {"@type": "Country", "name": official.country.name}
    return jsonld_script(data)


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
def topical_event_jsonld(context, event, countries=()):
    """The event page's subject: a schema.org Event (its dates, and where: the countries of the
    dialogue), with the public releases it groups as its subjects of news."""
    request = context.get("request")
    url = _absolute(request, event.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": f"{url}#event",
        "name": event.name,
        "url": url,
        "startDate": event.start_date.isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
    }
    if event.end_date:
        data["endDate"] = event.end_date.isoformat()
    if event.description:
        data["description"] = event.description
    places = [_country(country, request) for country in countries]
    if places:
        data["location"] = places
    return jsonld_script(data)
