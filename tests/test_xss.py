"""Every payload of the corpus, in every text field, renders inert on every public page.

Each payload fills all the text fields of a published release and of what it shows (sections,
meetings, participants, officials and their posts, organisations, agreements, photos,
contacts) plus the withdrawal reason; then every public page that exists is fetched in both
languages and parsed: no script but our own static files, no event handler attributes, no
`javascript:`, `vbscript:` or `data:` URLs, no SVG, MathML, frames, objects or base/meta
tricks, no CSS expressions, and the XML and JSON surfaces stay well-formed.
"""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation

from releases.models import Release
from releases.search import refresh_search_text
from tests.factories import (
    AgreementFactory,
    ContactFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    OrganizationFactory,
    PhotoFactory,
    PostFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    SectionFactory,
    country,
)
from tests.xss_payloads import PAYLOADS

pytestmark = pytest.mark.django_db

CHUNK = 12
CHUNKS = [PAYLOADS[i : i + CHUNK] for i in range(0, len(PAYLOADS), CHUNK)]
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "srcset", "lowsrc", "dynsrc", "codebase", "cite", "longdesc", "ping", "content",
}  # fmt: skip
# Attributes that make the browser load something (a link to another site is allowed content).
LOADING_ATTRIBUTES = {
    "src",
    "data",
    "poster",
    "background",
    "srcset",
    "lowsrc",
    "dynsrc",
    "codebase",
}
FORBIDDEN_TAGS = {
    "svg", "math", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "xmp",
    "template", "isindex", "keygen", "marquee",
}  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "livescript:", "data:")
BAD_CSS = ("expression(", "javascript:", "behavior:", "-moz-binding", "evil.example", "@import")


def parse_xml(data):
    return ET.fromstring(data)  # noqa: S314 - our own server's output, well-formedness is the test


def test_the_corpus_has_at_least_100_distinct_payloads():
    assert len(set(PAYLOADS)) >= 100


def fill(model_class, value, **fields):
    """`value` for every text field of `model_class` (each language), cut to the column size."""
    values = {}
    for field in model_class._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)) and not isinstance(
            field, models.SlugField
        ):
            if field.name in {"search_title", "search_text", "status", "kind", "role", "code"}:
                continue
            if field.choices or field.name == "region_code":
                continue
            values[field.name] = value[: field.max_length] if field.max_length else value
    # The original (untranslated) columns mirror Japanese; modeltranslation fills them.
    from modeltranslation.translator import NotRegistered, translator

    try:
        for name in translator.get_options_for_model(model_class).all_fields:
            values.pop(name, None)
    except NotRegistered:
        pass
    values.update(fields)
    return values


def build(payload, index, *, withdrawn=False):
    """A public release (or a withdrawn one) with `payload` in every text field."""
    from people.models import Official, Organization, Post
    from releases.models import Agreement, Contact, Meeting, MeetingParticipant, Photo, Section

    # Forms refuse NUL characters (ProhibitNullCharactersValidator) and PostgreSQL cannot store
    # them; every other control character is kept.
    payload = payload.replace("\x00", "")
    issuer = OrganizationFactory(**fill(Organization, payload, slug=f"xss-org-{index}"))
    release = ReleaseFactory(
        **fill(
            Release,
            payload,
            slug=f"xss-{index}",
            # A marker before the payload proves the title was rendered at all.
            title_ja=f"XSS{index}: {payload}"[:300],
            title_en=f"XSS{index}: {payload}"[:300],
            status=Release.Status.WITHDRAWN if withdrawn else Release.Status.PUBLISHED,
            issuer=issuer,
        ),
        countries=[country("KZ")],
    )
    SectionFactory(**fill(Section, payload, release=release, order=1))
    ContactFactory(**fill(Contact, payload, release=release))
    official = OfficialFactory(**fill(Official, payload, slug=f"xss-official-{index}"))
    PostFactory(**fill(Post, payload, official=official, organization=issuer))
    meeting = MeetingFactory(**fill(Meeting, payload, release=release, country=country("KZ")))
    MeetingParticipantFactory(
        **fill(MeetingParticipant, payload, meeting=meeting, official=official)
    )
    partner = OrganizationFactory(**fill(Organization, payload, slug=f"xss-partner-{index}"))
    agreement = AgreementFactory(
        **fill(Agreement, payload, slug=f"xss-agreement-{index}", country=country("KZ")),
        parties=[issuer, partner],
    )
    agreement.signatories.add(official)
    ReleaseAgreementFactory(release=release, agreement=agreement)
    PhotoFactory(**fill(Photo, payload, release=release, meeting=meeting))
    PhotoFactory(**fill(Photo, payload, release=release))
    return release


def is_our_map(tag):
    """The countries page's world map, the one SVG we write (its attributes and links are
    still checked like any other's)."""
    parent = tag.parent
    return (
        tag.name == "svg"
        and tag.get("class") == ["world-map__svg"]
        and parent is not None
        and parent.name == "figure"
        and parent.get("class") == ["world-map"]
    )


def html_problems(html, where):
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    for tag in soup.find_all(True):
        name = tag.name.lower()
        if name in FORBIDDEN_TAGS and not is_our_map(tag):
            problems.append(f"<{name}>")
        if name == "script":
            src = tag.get("src")
            if src:
                if not src.startswith(settings.STATIC_URL):
                    problems.append(f"script src {src!r}")
            elif tag.get("type") not in ("application/ld+json", "application/json"):
                problems.append(f"inline script {tag.string!r:.80}")
            elif "<" in (tag.string or ""):
                problems.append("unescaped < in inline JSON")
        if name == "meta" and tag.get("http-equiv"):
            problems.append(f"meta http-equiv {tag.get('http-equiv')}")
        if (
            name == "link"
            and "stylesheet" in (tag.get("rel") or [])
            and not tag.get("href", "").startswith(settings.STATIC_URL)
        ):
            problems.append(f"stylesheet {tag.get('href')!r}")
        if name == "form" and tag.get("action", "").strip().lower().startswith(("http", "//")):
            problems.append(f"form action {tag.get('action')!r}")
        if name == "style" and any(bad in (tag.string or "").lower() for bad in BAD_CSS):
            problems.append("dangerous <style>")
        for attribute, value in tag.attrs.items():
            attribute = attribute.lower()
            value = " ".join(value) if isinstance(value, list) else str(value)
            if attribute.startswith("on"):
                problems.append(f"{name}[{attribute}]")
            if attribute == "srcdoc":
                problems.append(f"{name}[srcdoc]")
            if attribute in URL_ATTRIBUTES:
                squeezed = re.sub(r"[\x00-\x20\x7f]+", "", value).lower()
                if attribute == "content":
                    if not (name == "meta" and tag.get("http-equiv")):
                        continue  # text, such as a description
                    squeezed = squeezed.split("url=", 1)[-1]
                loads = attribute in LOADING_ATTRIBUTES or (name == "link" and attribute == "href")
                if squeezed.startswith(BAD_SCHEMES) or (loads and "evil.example" in squeezed):
                    problems.append(f"{name}[{attribute}]={value!r:.80}")
            if attribute == "style" and any(bad in value.lower() for bad in BAD_CSS):
                problems.append(f"{name}[style]={value!r:.80}")
    return [f"{where}: {p}" for p in problems]


def public_pages(releases, lang):
    """Every public HTML page that shows these releases, in `lang`."""
    with translation.override(lang):
        pages = [
            reverse("releases:home"),
            reverse("releases:list"),
            reverse("releases:list") + "?q=script",
            reverse("releases:list") + "?country=KZ",
            reverse("releases:countries"),
            reverse("releases:country", args=["kz"]),
            reverse("releases:agreements"),
            reverse("feeds:page") + "?q=script",
        ]
        for release in releases:
            pages += [
                reverse("releases:detail", args=[release.slug]),
                reverse("releases:official", args=[release.slug.replace("xss-", "xss-official-")]),
                reverse(
                    "releases:agreement", args=[release.slug.replace("xss-", "xss-agreement-")]
                ),
            ]
        pages += feed_urls()
    return pages


def feed_urls():
    """The feeds, reversed without a safety net: a feed whose name stops resolving fails."""
    return [reverse("feeds:rss"), reverse("feeds:atom")]


def machine_urls():
    names = [
        "api:release-list",
        "api:meeting-list",
        "api:agreement-list",
        "api:official-list",
        "api:country-list",
    ]
    return [reverse(name) for name in names]


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("chunk", range(len(CHUNKS)), ids=lambda i: f"payloads-{i * CHUNK}")
def test_payloads_render_inert_on_every_public_page(client, chunk, lang):
    payloads = CHUNKS[chunk]
    start = chunk * CHUNK
    releases = [build(p, start + i, withdrawn=(i == 0)) for i, p in enumerate(payloads)]
    # releases[0] is withdrawn: it leaves the lists but keeps its page, which shows the reason.
    refresh_search_text(Release.objects.all())

    problems = []
    for address in public_pages(releases, lang):
        if address.endswith((f"/xss-official-{start}/", f"/xss-agreement-{start}/")):
            continue  # only reported by the withdrawn release: not public
        response = client.get(address)
        assert response.status_code == 200, address
        html = body_of(response)
        if "xml" in response.get("Content-Type", ""):
            # Feed readers render these elements' text as HTML: it must be inert HTML too.
            for element in parse_xml(html.encode()).iter():
                if element.tag.rsplit("}", 1)[-1] in {"description", "summary", "content"}:
                    problems += html_problems(element.text or "", f"{address} <{element.tag}>")
            continue
        problems += html_problems(html, address)
        if "/releases/xss-" in address:
            marker = f"XSS{address.rstrip('/').rsplit('-', 1)[-1]}:"
            assert marker in BeautifulSoup(html, "html.parser").get_text(), address
    assert not problems, "\n".join(problems[:30])


@pytest.mark.parametrize("chunk", range(len(CHUNKS)), ids=lambda i: f"payloads-{i * CHUNK}")
def test_payloads_keep_xml_and_json_surfaces_well_formed(client, chunk):
    payloads = CHUNKS[chunk]
    for i, payload in enumerate(payloads):
        build(payload, chunk * CHUNK + i)
    refresh_search_text(Release.objects.all())
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    parse_xml(response.content)
    for section in re.findall(r"<loc>https?://[^/]+(/[^<]+)</loc>", response.content.decode()):
        section_response = client.get(section)
        root = parse_xml(section_response.content)
        for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
            assert not re.sub(r"\s", "", loc.text).lower().startswith(BAD_SCHEMES)
    for address in machine_urls():
        response = client.get(address)
        assert response.status_code == 200, address
        assert response["Content-Type"].startswith("application/json"), address
        assert response.get("X-Content-Type-Options") == "nosniff"
        json.loads(body_of(response))
