"""The countries page's world map: each country with public releases is a link to its page
named with its count, coloured by class; the others are plain shapes; counts come from the
archive counts the page already reads."""

import pytest
from bs4 import BeautifulSoup

from releases.models import Release
from tests.factories import ReleaseFactory, country
from tests.pages import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    for code, n in [("KZ", 3), ("UZ", 1), ("JP", 5), ("SG", 2)]:
        for _ in range(n):
            ReleaseFactory(countries=[country(code)])
    ReleaseFactory(countries=[country("TJ")], status=Release.Status.DRAFT, published_at=None)


def map_of(client, lang):
    response = client.get(url("releases:countries", lang))
    assert response.status_code == 200
    svg = BeautifulSoup(response.content, "html.parser").select_one("figure.world-map svg")
    assert svg is not None
    return svg


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        (
            "en",
            {
                "/en/countries/jp/": "Japan: 5 releases",
                "/en/countries/kz/": "Kazakhstan: 3 releases",
                "/en/countries/uz/": "Uzbekistan: 1 release",
            },
        ),
        (
            "ja",
            {
                "/ja/countries/jp/": "日本：5件",
                "/ja/countries/kz/": "カザフスタン：3件",
                "/ja/countries/uz/": "ウズベキスタン：1件",
            },
        ),
    ],
)
def test_countries_with_public_releases_are_named_links_on_the_map(client, archive, lang, names):
    svg = map_of(client, lang)
    links = svg.select("a")
    # Singapore is too small for the 1:110m map (the table lists it); Tajikistan's only
    # release is a draft.
    assert {a["href"]: a["aria-label"] for a in links} == names
    for a in links:
        assert a.title.get_text() == a["aria-label"]
        assert a.path["d"].startswith("M")
    assert svg.title.get_text()
    assert svg["aria-labelledby"] == svg.title["id"]


def test_the_other_countries_are_plain_shapes_hidden_from_screen_readers(client, archive):
    svg = map_of(client, "en")
    plain = svg.select_one("g.world-map__plain")
    assert plain["aria-hidden"] == "true"
    assert len(plain.select("path")) > 150
    assert not plain.select("a")


def test_colours_follow_the_counts_and_the_legend_says_which(client, archive):
    response = client.get(url("releases:countries", "en"))
    soup = BeautifulSoup(response.content, "html.parser")
    classes = {
        a["data-code"]: next(c for c in a["class"] if c.startswith("world-map__country--"))
        for a in soup.select("figure.world-map svg a")
    }
    # Counts 1, 2, 3, 5 (Singapore's 2 included): one class each, in order.
    assert classes == {
        "UZ": "world-map__country--0",
        "KZ": "world-map__country--2",
        "JP": "world-map__country--3",
    }
    legend = [li.get_text(" ", strip=True) for li in soup.select(".world-map__legend li")]
    assert legend == ["1 release", "2 releases", "3–4 releases", "5 releases", "None"]


def test_the_map_costs_no_query_of_its_own(client, archive, no_cache, django_assert_num_queries):
    # The table's own: the archive counts' cutoff, the countries, their archive counts, and
    # what differs from the cutoff now (releases, meetings, agreements).
    with django_assert_num_queries(6):
        client.get(url("releases:countries", "en"))


def test_no_map_without_public_releases(client):
    response = client.get(url("releases:countries", "en"))
    assert b"world-map" not in response.content
