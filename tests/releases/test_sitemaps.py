import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from releases.models import Release
from releases.sitemaps import SITEMAPS, InLanguages, ReleaseSitemap
from tests.factories import (
    MeetingFactory,
    MeetingParticipantFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    TopicalEventFactory,
    country,
)
from tests.pages import soup_of

pytestmark = pytest.mark.django_db


NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
HOST = "http://testserver"


def parse(content):
    return ET.fromstring(content)  # noqa: S314 (our own sitemap, not untrusted input)


def urls(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = parse(response.content)
    return {
        url.findtext("sm:loc", namespaces=NS): {
            "lastmod": url.findtext("sm:lastmod", namespaces=NS),
            "alternates": {
                link.get("hreflang"): link.get("href")
                for link in url.findall("xhtml:link", NS)
                if link.get("rel") == "alternate"
            },
        }
        for url in root.findall("sm:url", NS)
    }


def hours_from_now(n):
    return timezone.now() + datetime.timedelta(hours=n)


@pytest.fixture
def releases():
    """One public release with a meeting, an agreement and a topical event; the same for every
    other state."""
    made = {}
    for state, status, published_at in [
        ("public", Release.Status.PUBLISHED, hours_from_now(-2)),
        ("draft", Release.Status.DRAFT, None),
        ("scheduled", Release.Status.PUBLISHED, hours_from_now(2)),
        ("withdrawn", Release.Status.WITHDRAWN, hours_from_now(-2)),
    ]:
        release = ReleaseFactory(slug=f"{state}-release", status=status, published_at=published_at)
        meeting = MeetingFactory(
            release=release, country=country("KZ" if state == "public" else "UZ")
        )
        MeetingParticipantFactory(meeting=meeting, official__slug=f"{state}-official")
        ReleaseAgreementFactory(release=release, agreement__slug=f"{state}-agreement")
        release.countries.add(meeting.country)
        TopicalEventFactory(slug=f"{state}-event").releases.add(release)
        made[state] = release
    return made


def test_sitemap_xml_is_an_index_of_the_sections(client, releases):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = parse(response.content)
    locations = [s.findtext("sm:loc", namespaces=NS) for s in root.findall("sm:sitemap", NS)]
    assert locations == [
        f"{HOST}/sitemap-{name}.xml"
        for name in ["lists", "releases", "countries", "officials", "agreements", "events"]
    ]
    assert all(s.findtext("sm:lastmod", namespaces=NS) for s in root.findall("sm:sitemap", NS))


def test_releases_are_listed_in_both_languages_with_hreflang_alternates(client, releases):
    found = urls(client, "/sitemap-releases.xml")
    ja, en = f"{HOST}/ja/releases/public-release/", f"{HOST}/en/releases/public-release/"
    assert set(found) == {ja, en}
    expected = {"ja": ja, "en": en, "x-default": f"{HOST}/releases/public-release/"}
    assert found[ja]["alternates"] == expected
    assert found[en]["alternates"] == expected
    assert found[ja]["lastmod"].startswith(str(timezone.localdate().year))


@pytest.mark.parametrize(
    ("section", "path"),
    [
        ("countries", "/countries/kz/"),
        ("officials", "/officials/public-official/"),
        ("agreements", "/agreements/public-agreement/"),
        ("events", "/events/public-event/"),
    ],
)
def test_only_public_countries_officials_and_agreements_are_listed(client, releases, section, path):
    found = urls(client, f"/sitemap-{section}.xml")
    assert set(found) == {f"{HOST}/ja{path}", f"{HOST}/en{path}"}
    assert all(entry["lastmod"] for entry in found.values())
    assert all(set(entry["alternates"]) == {"ja", "en", "x-default"} for entry in found.values())


def test_nothing_under_embargo_appears_in_any_section(client, releases):
    body = b"".join(
        client.get(f"/sitemap-{name}.xml").content
        for name in ["lists", "releases", "countries", "officials", "agreements"]
    )
    for state in ["draft", "scheduled", "withdrawn"]:
        assert state.encode() not in body
    assert b"/countries/uz/" not in body


def test_a_scheduled_release_appears_once_its_time_has_come(client, releases, time_machine):
    time_machine.move_to(hours_from_now(3))
    found = urls(client, "/sitemap-releases.xml")
    assert f"{HOST}/en/releases/scheduled-release/" in found


def test_list_pages_are_listed(client, releases):
    found = urls(client, "/sitemap-lists.xml")
    assert {f"{HOST}/ja/releases/", f"{HOST}/en/countries/", f"{HOST}/en/agreements/"} <= set(found)


def test_pages_split_releases_and_their_languages_without_gaps(client, settings, monkeypatch):
    for n in range(5):
        ReleaseFactory(slug=f"r{n}", published_at=hours_from_now(-n - 1))
    monkeypatch.setattr(ReleaseSitemap, "limit", 3)
    index = parse(client.get("/sitemap.xml").content)
    pages = [
        loc.replace(HOST, "")
        for loc in (s.findtext("sm:loc", namespaces=NS) for s in index.findall("sm:sitemap", NS))
        if "releases" in loc
    ]
    assert pages == ["/sitemap-releases.xml", *(f"/sitemap-releases.xml?p={p}" for p in (2, 3, 4))]
    listed = [loc for page in pages for loc in urls(client, page)]
    assert listed == [f"{HOST}/{lang}/releases/r{n}/" for n in range(5) for lang in ("ja", "en")]


def test_in_languages_slices_like_the_list_it_stands_for():
    items, languages = list("abcde"), ["ja", "en"]
    pairs = [(item, lang) for item in items for lang in languages]
    lazy = InLanguages(items, languages)
    assert len(lazy) == len(pairs)
    for start in range(len(pairs) + 1):
        for stop in range(start, len(pairs) + 2):
            assert lazy[start:stop] == pairs[start:stop]
    assert lazy[3] == pairs[3]


@pytest.mark.parametrize("number", ["0", "abc", "99", "-1", "1" * 400])
def test_bad_page_numbers_are_not_found(client, releases, number):
    assert client.get("/sitemap-releases.xml", {"p": number}).status_code == 404


def test_an_unknown_section_is_not_found(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404


@pytest.mark.parametrize("section", ["releases", "countries", "officials", "agreements"])
def test_queries_do_not_grow_with_the_number_of_items(
    client, django_assert_max_num_queries, section
):
    def add(n):
        for _ in range(n):
            release = ReleaseFactory()
            meeting = MeetingFactory(release=release)
            MeetingParticipantFactory(meeting=meeting)
            ReleaseAgreementFactory(release=release)
            release.countries.add(meeting.country)

    add(1)
    with django_assert_max_num_queries(4) as few:
        client.get(f"/sitemap-{section}.xml")
    add(8)
    with django_assert_max_num_queries(4) as many:
        client.get(f"/sitemap-{section}.xml")
    assert len(few.captured_queries) == len(many.captured_queries)


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert f"Sitemap: {HOST}/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


def test_every_page_names_the_same_x_default_as_the_sitemap(client, releases):
    """x-default is the address without a language, in the sitemap and on each page."""
    entries = {}
    for name in SITEMAPS:
        entries.update(urls(client, f"/sitemap-{name}.xml"))
    # lists, release, country, official, agreement, topical event
    assert len(entries) == 2 * (4 + 1 + 1 + 1 + 1 + 1)
    for location, entry in entries.items():
        page = soup_of(client.get(location.removeprefix(HOST)))
        links = {
            link["hreflang"]: link["href"]
            for link in page.find_all("link", rel="alternate", hreflang=True)
        }
        assert links == entry["alternates"], location
        assert "/ja/" not in links["x-default"] and "/en/" not in links["x-default"]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_x_default_address_sends_visitors_to_their_language(client, releases, language):
    found = urls(client, "/sitemap-releases.xml")
    x_default = found[f"{HOST}/ja/releases/public-release/"]["alternates"]["x-default"]
    response = client.get(x_default.removeprefix(HOST), headers={"accept-language": language})
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/releases/public-release/"
