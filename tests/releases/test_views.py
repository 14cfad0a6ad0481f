import datetime
import re

import pytest
import reversion
import time_machine
from bs4 import BeautifulSoup
from django.utils import timezone
from reversion.models import Version

from releases.models import Agreement, ArchiveCount, Release
from tests.factories import (
    AgreementFactory,
    ContactFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    OrganizationFactory,
    PhotoFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    SectionFactory,
    country,
)
from tests.pages import soup_of, tokyo, url

pytestmark = pytest.mark.django_db


def titles(response):
    return [a.text.strip() for a in soup_of(response).select(".release-item__title a")]


def full_release(slug="full", published_at=None, codes=("KZ",), meetings=1, agreements=1, photos=1):
    """A public release with every part the detail page shows."""
    release = ReleaseFactory(slug=slug, published_at=published_at or tokyo(2025, 12, 22, 14))
    release.countries.add(*(country(code) for code in codes))
    SectionFactory(
        release=release, heading_ja="最後に", body_ja="<p>今後も</p><script>x()</script>"
    )
    ContactFactory(release=release)
    for i in range(meetings):
        meeting = MeetingFactory(release=release, order=i)
        for j in range(2):
            MeetingParticipantFactory(
                meeting=meeting,
                official=OfficialFactory(),
                title_ja=f"大統領{j}",
                title_en=f"President {j}",
            )
        for _ in range(photos):
            PhotoFactory(release=release, meeting=meeting)
    for _ in range(agreements):
        ReleaseAgreementFactory(release=release, agreement=AgreementFactory())
    PhotoFactory(release=release, credit_ja="ROTOBO")
    return release


# Languages and addresses


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("en-GB,en;q=0.9", "/en/"), ("ja,en;q=0.5", "/ja/"), ("", "/ja/"), ("fr-FR", "/ja/")],
)
def test_the_root_sends_visitors_to_their_language(client, accept, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == expected


def test_a_malformed_accept_language_is_harmless(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="x" * 500 + ";q=abc,,;;")
    assert response.status_code == 302


def test_url_names_give_the_documented_addresses():
    assert url("releases:home") == "/ja/"
    assert url("releases:list", "en") == "/en/releases/"
    assert url("releases:detail", slug="a") == "/ja/releases/a/"
    assert url("releases:countries") == "/ja/countries/"
    assert url("releases:country", code="kz") == "/ja/countries/kz/"
    assert url("releases:official", slug="tokayev") == "/ja/officials/tokayev/"
    assert url("releases:agreements") == "/ja/agreements/"
    assert url("releases:agreement", slug="mou") == "/ja/agreements/mou/"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_pages_declare_their_language_and_link_their_twin(client, language):
    release = full_release()
    twin = "en" if language == "ja" else "ja"
    for path in [
        url("releases:home", language),
        url("releases:list", language) + "?country=KZ&year=2025",
        url("releases:detail", language, slug=release.slug),
        url("releases:countries", language),
        url("releases:country", language, code="kz"),
        url("releases:agreements", language),
    ]:
        soup = soup_of(client.get(path))
        assert soup.html["lang"] == language
        alternates = {
            link["hreflang"]: link["href"] for link in soup.select("link[rel=alternate][hreflang]")
        }
        expected_twin = f"/{twin}/" + path.split("/", 2)[2]
        assert alternates[twin] == "http://testserver" + expected_twin
        assert alternates[language] == "http://testserver" + path
        switch = soup.select_one(f".lang-switch a[hreflang={twin}]")
        assert switch["href"] == expected_twin


@pytest.mark.parametrize("page_cache", [True, False])
def test_the_main_navigation_marks_the_section_of_each_page(client, settings, page_cache):
    """The marker follows the page, from the page cache too."""
    settings.PAGE_CACHE = page_cache
    full_release(slug="marked")
    expected = {
        "/en/releases/": "Releases",
        "/en/releases/marked/": "Releases",
        "/en/countries/": "Countries",
        "/en/countries/kz/": "Countries",
        "/en/agreements/": "Agreements",
        "/en/": None,
        "/en/releases/marked/?page=1": "Releases",
    }
    for _round in range(2):
        for path, section in expected.items():
            current = soup_of(client.get(path)).select(".site-nav [aria-current]")
            assert [a.text for a in current] == ([section] if section else []), path
    missing = client.get("/en/nowhere/")
    assert missing.status_code == 404
    assert BeautifulSoup(missing.content, "html.parser").select(".site-nav [aria-current]") == []


def test_the_language_switch_of_a_missing_page_leads_home(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(".lang-switch a[hreflang=ja]")["href"] == "/ja/"


def test_dates_are_written_the_way_each_language_writes_them(client):
    full_release()
    assert "2025年12月22日" in client.get(url("releases:list", "ja")).text
    assert "22 December 2025" in client.get(url("releases:list", "en")).text


def test_interface_strings_are_translated(client):
    full_release()
    ja = soup_of(client.get(url("releases:list", "ja")))
    en = soup_of(client.get(url("releases:list", "en")))
    assert ja.select_one(".skip-link").text == "本文へ移動"
    assert en.select_one(".skip-link").text == "Skip to main content"
    assert ja.select_one("button[type=submit]").text.strip() == "絞り込む"


# The release list


def test_the_list_shows_public_releases_newest_first(client):
    ReleaseFactory(title_ja="古い", published_at=tokyo(2024, 1, 1))
    ReleaseFactory(title_ja="新しい", published_at=tokyo(2025, 1, 1))
    ReleaseFactory(title_ja="下書き", status=Release.Status.DRAFT, published_at=None)
    ReleaseFactory(title_ja="予約", published_at=timezone.now() + datetime.timedelta(hours=1))
    ReleaseFactory(title_ja="取り下げ", status=Release.Status.WITHDRAWN)
    assert titles(client.get(url("releases:list"))) == ["新しい", "古い"]


def test_the_list_has_twenty_releases_a_page(client):
    for i in range(45):
        ReleaseFactory(
            title_ja=f"R{i:02}", published_at=tokyo(2025, 1, 1) + datetime.timedelta(days=i)
        )
    first = titles(client.get(url("releases:list")))
    assert len(first) == 20 and first[0] == "R44"
    third = client.get(url("releases:list") + "?page=3")
    assert titles(third) == [f"R{i:02}" for i in range(4, -1, -1)]
    assert soup_of(third).select_one(".pagination [aria-current=page]").text == "3ページ目"


def test_the_list_shows_every_release_once_newest_first_with_its_lead(client):
    for i in range(5):
        release = ReleaseFactory(
            title_ja=f"R{i}",
            lead_ja=f"リード{i}",
            published_at=tokyo(2025, 1, 1) + datetime.timedelta(days=i),
        )
        release.countries.add(country("KZ" if i % 2 else "UZ"))
    assert titles(client.get(url("releases:list") + "?country=KZ")) == ["R3", "R1"]
    page = client.get(url("releases:list"))
    assert titles(page) == ["R4", "R3", "R2", "R1", "R0"]
    leads = [p.text for p in soup_of(page).select(".release-item__lead")]
    assert leads == ["リード4", "リード3", "リード2", "リード1", "リード0"]
    # the home page shows the first lead only: its cards are not the list's
    home = soup_of(client.get(url("releases:home")))
    assert [p.text for p in home.select(".release-item__lead")] == ["リード4"]


@pytest.mark.parametrize(
    ("number", "shown"), [("0", "1"), ("abc", "1"), ("-1", "1"), ("99999", "3"), ("2.5", "1")]
)
def test_a_bad_page_number_shows_the_nearest_page_with_a_note(client, number, shown):
    """Documented choice: clamp (never a 404) and say so; such pages are not indexed."""
    for _ in range(45):
        ReleaseFactory()
    soup = soup_of(client.get(url("releases:list") + f"?page={number}"))
    assert soup.select_one(".pagination [aria-current=page]").text == f"{shown}ページ目"
    assert number in soup.select_one(".notice").text
    assert soup.select_one("meta[name=robots]")["content"] == "noindex"


BAD_QUERIES = [
    "year=abc",
    "month=13",
    "year=2025&month=13",
    "from=2025-13-45",
    "to=9999-12-31",
    "country=ZZ",
    "country=<script>alert(1)</script>",
    "official=<b>x</b>",
    "agreement=treaty",
    "page=0",
    "page=99999",
    "page=abc",
    "unknown=1&also=2",
    "q=" + "長" * 5000,
    "country=" + "K" * 5000,
    "year=" + "9" * 5000,
    "from=２０２５-１２-０１",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
@pytest.mark.parametrize("language", ["ja", "en"])
def test_bad_input_never_breaks_the_list(client, query, language):
    full_release()
    response = client.get(url("releases:list", language) + "?" + query)
    assert response.status_code == 200
    assert b"<script>alert" not in response.content
    assert b"<b>x</b>" not in response.content


@pytest.mark.parametrize("query", ["q=%00", "official=%00", "country=K%1BZ", "q=a%7Fb"])
def test_a_control_character_in_the_query_is_a_plain_400(client, query):
    full_release()
    response = client.get(url("releases:list", "en") + "?" + query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


def test_a_search_with_a_tab_or_a_line_break_is_still_a_search(client):
    full_release()
    assert client.get(url("releases:list", "en") + "?q=a%09b%0D%0Ac").status_code == 200


def test_ignored_filters_are_named_with_the_reason(client):
    full_release()
    soup = soup_of(client.get(url("releases:list", "en") + "?year=abc&country=ZZ&month=12"))
    notice = soup.select_one(".notice--warning").text
    assert "Year" in notice and "Country" in notice and "ZZ" in notice and "Month" in notice
    assert titles(client.get(url("releases:list") + "?year=abc")) == [
        Release.objects.get().title_ja
    ]


def test_echoed_values_are_escaped(client):
    full_release()
    response = client.get(url("releases:list") + '?country="><img src=x onerror=alert(1)>')
    assert response.status_code == 200
    assert b"<img src=x" not in response.content.lower()
    assert b"&quot;&gt;&lt;img src=x" in response.content.lower()


def test_active_filters_are_shown_as_removable_chips(client):
    full_release(codes=("KZ", "UZ"))
    soup = soup_of(client.get(url("releases:list") + "?country=KZ&country=UZ&year=2025&month=12"))
    chips = {
        a.select_one(".chip__label").text: a["href"]
        for a in soup.select("a.chip:not(.chip--clear)")
        if "カザフスタン" in a.text
    }
    assert chips == {"国・地域:": "?country=UZ&year=2025&month=12"}
    assert soup.select_one("#f-country-KZ").has_attr("checked")
    assert soup.select_one("#f-year option[selected]")["value"] == "2025"
    assert soup.select_one("#f-month option[selected]")["value"] == "12"


def test_facets_count_the_current_results_by_country_and_year(client):
    full_release("a", tokyo(2025, 12, 1), codes=("KZ", "UZ"))
    full_release("b", tokyo(2024, 6, 1), codes=("KZ",))
    full_release("c", tokyo(2025, 3, 1), codes=("TJ",))
    ReleaseFactory(status=Release.Status.DRAFT, published_at=None).countries.add(country("KZ"))
    soup = soup_of(client.get(url("releases:list", "en") + "?country=KZ"))
    facets = soup.select(".finder__facets .count-list")
    by_country = {li.a.text: li.select_one(".count").text for li in facets[0].select("li")}
    by_year = {li.a.text: li.select_one(".count").text for li in facets[1].select("li")}
    assert by_country == {"Kazakhstan": "2", "Uzbekistan": "1"}
    assert by_year == {"2025": "1", "2024": "1"}
    # The choices offered count every public release, not the draft.
    assert soup.select_one("label[for=f-country-KZ] .count").text == "2"


def test_the_empty_state_helps(client):
    full_release()
    soup = soup_of(client.get(url("releases:list", "en") + "?country=TJ"))
    assert "No releases match these filters." in soup.select_one(".empty").text
    assert soup.select_one(".empty a[href='/en/releases/']")


def test_pagination_links_keep_the_filters(client):
    for _ in range(25):
        ReleaseFactory().countries.add(country("KZ"))
    soup = soup_of(client.get(url("releases:list") + "?country=KZ&q="))
    assert soup.select_one(".pagination a[rel=next]")["href"] == "?country=KZ&q=&page=2"


def list_data(n):
    for i in range(n):
        release = ReleaseFactory(published_at=tokyo(2025, 1, 1) + datetime.timedelta(days=i))
        release.countries.add(country("KZ"), country("UZ" if i % 2 else "TJ"))


@pytest.mark.parametrize("n", [1, 60])
def test_the_list_costs_the_same_queries_at_any_size(
    client, no_cache, django_assert_num_queries, n
):
    list_data(n)
    # the page's releases (chosen by their ids in a subquery), their countries; facets by
    # country and year from the archive counts, each with their cutoff and what differs from
    # it now (which are also the choices when nothing is filtered); no count: the year facets
    # add up to it
    with django_assert_num_queries(9):
        client.get(url("releases:list"))
    # + the country codes checked against the countries table, and the choices (all public
    # releases) beside the facets (these results), both from the archive counts
    with django_assert_num_queries(17):
        client.get(url("releases:list") + "?country=KZ&year=2025&page=2")


@pytest.mark.parametrize(
    "query", ["", "?country=KZ", "?country=KZ&year=2025", "?year=2025&month=1", "?agreement=mou"]
)
def test_the_list_says_how_many_public_releases_match_and_pages_through_all(client, query):
    # 23 public releases, 12 about KZ; around them a draft, a scheduled and a withdrawn one
    list_data(21)
    full_release("with-mou", tokyo(2025, 2, 1))
    full_release("later", tokyo(2026, 3, 1))
    for status, moment in [
        (Release.Status.DRAFT, None),
        (Release.Status.PUBLISHED, timezone.now() + datetime.timedelta(days=3)),
        (Release.Status.WITHDRAWN, tokyo(2025, 1, 5)),
    ]:
        ReleaseFactory(status=status, published_at=moment).countries.add(country("KZ"))
    expected = Release.objects.published()
    if "country=KZ" in query:
        expected = expected.for_countries(["KZ"])
    if "year=2025" in query:
        expected = expected.issued_between(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    if "month=1" in query:
        expected = expected.issued_between(datetime.date(2025, 1, 1), datetime.date(2025, 1, 31))
    if "agreement" in query:
        expected = expected.with_agreement_kind("mou")
    n = expected.count()
    soup = soup_of(client.get(url("releases:list", "en") + query))
    assert soup.select_one("#results-title").get_text(strip=True) == (
        f"{n} release" if n == 1 else f"{n} releases"
    )
    separator = "&" if query else "?"
    pages = [soup] + [
        soup_of(client.get(url("releases:list", "en") + f"{query}{separator}page={number}"))
        for number in range(2, (n + 19) // 20 + 1)
    ]
    assert sum(len(page.select(".release-item")) for page in pages) == n
    assert not pages[-1].select_one(".pagination a[rel=next]")


def search_data(n):
    """n public releases with the word 銅 (copper): every third in its title, the rest in their
    lead, on days that interleave the two kinds; and releases without it."""
    from releases.search import refresh_search_text

    for i in range(n):
        titled = i % 3 == 0
        ReleaseFactory(
            slug=f"copper-{i}",
            title_ja=f"銅の報告 {i}" if titled else f"報告 {i}",
            lead_ja="概要" if titled else f"銅の概要 {i}",
            published_at=tokyo(2025, 1, 1) + datetime.timedelta(days=(i * 7) % n),
        ).countries.add(country("KZ" if i % 2 else "UZ"))
    for i in range(4):
        ReleaseFactory(slug=f"other-{i}", title_ja="別件", lead_ja="亜鉛")
    refresh_search_text(Release.objects.all())


def listed_slugs(client, query):
    soup = soup_of(client.get(url("releases:list") + query))
    return [a["href"].rstrip("/").rsplit("/", 1)[1] for a in soup.select(".release-item__title a")]


@pytest.mark.parametrize("filters", ["", "&country=KZ"])
def test_a_one_word_search_pages_through_the_ranked_order(client, filters):
    search_data(50)
    ranked = Release.objects.published().search("銅")
    if filters:
        ranked = ranked.for_countries(["KZ"])
    expected = list(ranked.values_list("slug", flat=True))
    numbers = range(1, (len(expected) + 19) // 20 + 1)
    pages = [listed_slugs(client, f"?q=銅{filters}&page={n}") for n in numbers]
    # Title matches (17 of 50) first: page 1 is all of them but three, page 2 starts with
    # the rest of them and goes on with the others, newest first.
    assert [slug for page in pages for slug in page] == expected
    assert len(pages[0]) == 20 or filters


@pytest.mark.parametrize(("n", "page"), [(6, 1), (90, 2)])
def test_a_one_word_search_costs_the_same_queries_at_any_size(
    client, no_cache, django_assert_num_queries, n, page
):
    search_data(n)  # the page asked for holds the last title matches and the first others
    # the results counted (up to the limit), title matches' count (up to the page's end), the
    # title matches' page and its countries, the others' page and its countries, facets by
    # country and year of the results (the years: their span, then a count per year), and of
    # all releases from the archive counts (each with their cutoff)
    with django_assert_num_queries(16):
        client.get(url("releases:list") + f"?q=銅&page={page}")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_search_past_the_count_limit_says_more_than_and_lists_that_many(
    client, monkeypatch, language
):
    monkeypatch.setattr("releases.filters.SEARCH_COUNT_LIMIT", 25)
    search_data(50)  # 銅 in 50 releases, 17 of them in the title
    ranked = list(Release.objects.published().search("銅").values_list("slug", flat=True))
    first = soup_of(client.get(url("releases:list", language) + "?q=銅"))
    summary = " ".join(first.select_one(".results-summary").text.split())
    assert summary == {"ja": "25件超", "en": "More than 25 releases"}[language]
    assert first.select_one(".finder__facets") is None  # not counted past the limit
    listed = listed_slugs(client, "?q=銅") + listed_slugs(client, "?q=銅&page=2")
    assert listed == ranked[:25]  # the first 25 in the ranked order, title matches first
    last = soup_of(client.get(url("releases:list", language) + "?q=銅&page=3"))
    assert last.select_one(".pagination a[rel=next]") is None
    assert "3" in last.select_one(".notice").text  # no page 3: page 2 shown, and said


@pytest.mark.parametrize("newest", [4, 12, 30, 1000])
@pytest.mark.parametrize("filters", ["", "&country=KZ"])
def test_a_common_word_lists_the_ranked_order_whether_the_newest_releases_hold_a_page_or_not(
    client, monkeypatch, newest, filters
):
    """A word found in more releases than a search counts is looked for among the newest
    releases first (filters.NEWEST), the index only for what they do not hold: whatever
    they hold, every page is the ranked order's."""
    monkeypatch.setattr("releases.filters.SEARCH_COUNT_LIMIT", 25)
    monkeypatch.setattr("releases.filters.NEWEST", newest)
    search_data(60)  # 銅 in 60 releases, 20 of them in the title, on interleaved days
    ranked = Release.objects.published().search("銅")
    if filters:
        ranked = ranked.for_countries(["KZ"])
    expected = list(ranked.values_list("slug", flat=True))[:25]
    listed = [slug for n in (1, 2) for slug in listed_slugs(client, f"?q=銅{filters}&page={n}")]
    assert listed == expected


def test_a_search_within_the_count_limit_is_counted_exactly_with_its_facets(client, monkeypatch):
    from releases.search import refresh_search_text

    monkeypatch.setattr("releases.filters.SEARCH_COUNT_LIMIT", 51)
    search_data(50)
    ReleaseFactory(slug="copper-2019", title_ja="銅", published_at=tokyo(2019, 5, 1))
    refresh_search_text(Release.objects.filter(slug="copper-2019"))
    soup = soup_of(client.get(url("releases:list", "en") + "?q=銅&country=KZ&country=UZ"))
    assert soup.select_one(".results-summary").text.split() == ["50", "releases"]
    facets = soup.select(".finder__facets .count-list")
    by_country = {li.a.text: li.select_one(".count").text for li in facets[0].select("li")}
    by_year = {li.a.text: li.select_one(".count").text for li in facets[1].select("li")}
    # The releases about KZ or UZ with the word, by country and year (the one of 2019 is about
    # no country).
    assert by_country == {"Kazakhstan": "25", "Uzbekistan": "25"}
    assert by_year == {"2025": "50"}
    soup = soup_of(client.get(url("releases:list", "en") + "?q=銅"))
    assert soup.select_one(".results-summary").text.split() == ["51", "releases"]
    facets = soup.select(".finder__facets .count-list")
    assert {li.a.text: li.select_one(".count").text for li in facets[1].select("li")} == {
        "2025": "50",
        "2019": "1",
    }


@pytest.mark.parametrize("n", [66, 150])
def test_a_search_past_the_count_limit_costs_the_same_queries_at_any_size(
    client, no_cache, django_assert_num_queries, monkeypatch, n
):
    monkeypatch.setattr("releases.filters.SEARCH_COUNT_LIMIT", 25)
    search_data(n)  # 22 or 50 title matches: the first page is title matches alone
    # the results counted up to the limit, the moment of the newest releases' last
    # (filters.NEWEST), title matches' count up to the page's end, the page and its
    # countries, the choices of all releases from the archive counts (countries: sums, the
    # cutoff, what differs, the rows; years: sums, the cutoff, what differs); no facets
    with django_assert_num_queries(12):
        client.get(url("releases:list") + "?q=銅")


# A release


def test_a_release_shows_everything_it_reports(client):
    release = full_release()
    tokayev = OfficialFactory(slug="tokayev", name_ja="トカエフ", name_en="Tokayev")
    meeting = MeetingFactory(release=release, title_ja="トカエフ大統領との会談", place_ja="東京")
    MeetingParticipantFactory(
        meeting=meeting, official=tokayev, title_ja="大統領", title_en="President"
    )
    tau_ken = OrganizationFactory(name_ja="タウケン・サムルク", name_en="Tau-Ken Samruk")
    jogmec = OrganizationFactory(name_ja="JOGMEC", name_en="JOGMEC")
    mou = AgreementFactory(
        title_ja="タウケン・サムルクとの覚書",
        title_en="MOU with Tau-Ken Samruk",
        parties=[jogmec, tau_ken],
        signed_on=datetime.date(2025, 12, 4),
    )
    ReleaseAgreementFactory(release=release, agreement=mou)
    soup = soup_of(client.get(release.get_absolute_url()))
    assert soup.h1.text == release.title_ja
    meeting_block = soup.find(id=f"meeting-{meeting.pk}")
    assert "2025年12月19日" in meeting_block.text and "東京" in meeting_block.text
    assert "カザフスタン" in meeting_block.text
    official = meeting_block.select_one(f"a[href='{url('releases:official', slug='tokayev')}']")
    assert official.text == "トカエフ" and "大統領" in official.parent.text
    card = soup.find("a", string="タウケン・サムルクとの覚書").find_parent("li")
    assert "タウケン・サムルク" in card.text and "JOGMEC" in card.text
    assert "2025年12月4日" in card.text
    assert "MOU" in card.select_one(".tag--kind").text
    assert "出典：ROTOBO" in soup.text
    assert soup.select_one(".release__contacts").find(string=re.compile("03-6758-8027"))
    assert "今後も" in soup.select_one(".prose").text


def test_on_this_page_lists_the_parts_in_page_order_and_each_link_lands_on_one(client):
    release = full_release(slug="toc", meetings=2)
    untitled, titled = release.meetings.all()
    untitled.title_ja = untitled.title_en = ""
    untitled.save()
    titled.title_en = "Talks with the minister"
    titled.save()
    SectionFactory(release=release, heading_ja="", body_ja="<p>見出しのない節</p>")
    release.save()  # a new content version
    # A later release about the same country is related.
    full_release(slug="later", published_at=tokyo(2025, 12, 23, 9))

    soup = soup_of(client.get("/en/releases/toc/"))
    toc = soup.select_one("nav.toc")
    top = [(a.text, a["href"]) for a in toc.select(":scope > ol > li > a")]
    assert [text for text, _href in top] == [
        "Meetings",
        "最後に",
        "Photos",
        "Agreements",
        "Contact",
        "Related releases",
    ]
    assert [a.text for a in toc.select("ol ol a")] == [
        untitled.get_kind_display(),
        "Talks with the minister",
    ]
    for link in toc.select("a"):
        [target] = soup.select(f"[id='{link['href'].removeprefix('#')}']")
        assert target.name != "nav"
    japanese = soup_of(client.get("/ja/releases/toc/")).select_one("nav.toc > ol > li > a")
    assert japanese.text == "会談"


def test_agreements_keep_the_order_the_editor_entered_them_in_after_an_edit(client):
    """PostgreSQL writes an updated row anew at the end of its table: a list read without an
    order would then show the edited agreement last (and differently again after a restore)."""
    release = full_release(agreements=0)
    first, second = (
        ReleaseAgreementFactory(release=release, agreement=AgreementFactory(title_ja=title))
        for title in ("先に入力した覚書", "後に入力した覚書")
    )
    first.role = first.Role.MENTIONS
    first.save()
    entered = ["先に入力した覚書", "後に入力した覚書"]

    on_release = soup_of(client.get(release.get_absolute_url()))
    assert [a.text for a in on_release.select(".release__agreements .card__title a")] == entered
    on_country = soup_of(client.get(url("releases:country", code="kz")))
    assert [a.text for a in on_country.select(".event--agreement a")] == entered


def test_section_html_is_sanitized_when_shown(client):
    release = full_release()
    # As if the stored text had escaped the sanitizer on save.
    release.sections.update(
        body_ja='<p onclick="x()">a</p><script>bad()</script><a href="javascript:x">l</a>'
    )
    html = client.get(release.get_absolute_url()).text
    assert "<script>bad" not in html and "onclick" not in html and "javascript:x" not in html


def test_photos_come_as_renditions_with_dimensions_and_lazy_loading(client):
    release = full_release(photos=2)
    soup = soup_of(client.get(release.get_absolute_url()))
    images = soup.select("figure.photo picture img")
    assert len(images) == 3
    for img in images:
        assert img["width"] and img["height"] and img["loading"] == "lazy"
        assert img["src"].startswith("/media/renditions/")
    assert len(soup.select("figure.photo .photo__credit")) == 3


def test_the_english_page_uses_english_text(client):
    release = full_release()
    release.sections.update(heading_en="Finally", body_en="<p>More to come</p>")
    soup = soup_of(client.get(url("releases:detail", "en", slug=release.slug)))
    assert soup.h1.text == release.title_en
    assert soup.html["lang"] == "en"
    assert not soup.select(".notice--language")


def test_a_release_without_english_is_still_there_in_japanese_with_a_note(client):
    release = full_release()
    Release.objects.filter(pk=release.pk).update(title_en="", lead_en="")
    soup = soup_of(client.get(url("releases:detail", "en", slug=release.slug)))
    assert soup.h1.text == release.title_ja
    assert "available in Japanese only" in soup.select_one(".notice--language").text
    assert soup.select_one("article.release")["lang"] == "ja"
    listed = soup_of(client.get(url("releases:list", "en")))
    assert "Japanese only" in listed.select_one(".release-item").text
    japanese = client.get(url("releases:detail", "ja", slug=release.slug))
    assert not soup_of(japanese).select(".notice--language")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_withdrawn_release_keeps_its_address_with_a_notice_and_the_reason(client, language):
    release = full_release()
    Release.objects.filter(pk=release.pk).update(
        status=Release.Status.WITHDRAWN,
        withdrawn_at=tokyo(2026, 1, 5, 9),
        withdrawal_reason_ja="内容に誤りがあったため",
        withdrawal_reason_en="It contained an error",
    )
    soup = soup_of(client.get(url("releases:detail", language, slug=release.slug)))
    notice = soup.select_one(".notice--withdrawn").text
    if language == "ja":
        assert "取り下げられました" in notice and "内容に誤りがあったため" in notice
        assert "2026年1月5日" in notice
    else:
        assert "withdrawn" in notice and "It contained an error" in notice
        assert "5 January 2026" in notice
    assert titles(client.get(url("releases:list", language))) == []


@pytest.mark.parametrize(
    "state",
    [
        {"status": Release.Status.DRAFT, "published_at": None},
        {"status": Release.Status.PUBLISHED, "published_at": tokyo(2099, 1, 1)},
        {"status": Release.Status.WITHDRAWN, "published_at": tokyo(2099, 1, 1)},
    ],
)
def test_a_release_that_was_never_public_is_not_found(client, state):
    release = ReleaseFactory(**state)
    for language in ("ja", "en"):
        assert client.get(url("releases:detail", language, slug=release.slug)).status_code == 404


def test_a_scheduled_release_appears_at_its_time(client):
    release = ReleaseFactory(published_at=tokyo(2026, 3, 1, 9))
    with time_machine.travel(tokyo(2026, 3, 1, 8, 59), tick=False):
        assert client.get(release.get_absolute_url()).status_code == 404
        assert titles(client.get(url("releases:list"))) == []
    with time_machine.travel(tokyo(2026, 3, 1, 9), tick=False):
        assert client.get(release.get_absolute_url()).status_code == 200
        assert titles(client.get(url("releases:list"))) == [release.title_ja]


def test_related_previous_and_next_are_public_releases_only(client):
    older = full_release("older", tokyo(2025, 1, 1))
    release = full_release("this", tokyo(2025, 6, 1))
    newer = full_release("newer", tokyo(2025, 12, 1), codes=("UZ",))
    ReleaseFactory(slug="draft", status=Release.Status.DRAFT, published_at=None).countries.add(
        country("KZ")
    )
    ReleaseFactory(slug="between", status=Release.Status.WITHDRAWN, published_at=tokyo(2025, 3, 1))
    soup = soup_of(client.get(release.get_absolute_url()))
    assert soup.select_one("a[rel=prev]")["href"] == older.get_absolute_url()
    assert soup.select_one("a[rel=next]")["href"] == newer.get_absolute_url()
    related = [a["href"] for a in soup.select(".related a")]
    assert related == [older.get_absolute_url()]


def test_previous_and_next_break_ties_of_a_moment_and_skip_what_is_not_public_yet(client):
    first = ReleaseFactory(slug="first", published_at=tokyo(2025, 6, 1, 10))
    second = ReleaseFactory(slug="second", published_at=tokyo(2025, 6, 1, 10))
    ReleaseFactory(slug="scheduled", published_at=timezone.now() + datetime.timedelta(days=2))

    def links(release):
        soup = soup_of(client.get(release.get_absolute_url()))
        return [(a["rel"][0], a["href"]) for a in soup.select("a[rel=prev], a[rel=next]")]

    assert links(first) == [("next", second.get_absolute_url())]
    assert links(second) == [("prev", first.get_absolute_url())]


@pytest.mark.parametrize("size", ["few", "many"])
def test_a_release_costs_the_same_queries_at_any_size(
    client, no_cache, django_assert_num_queries, size
):
    many = size == "many"
    release = full_release(
        "this", meetings=6 if many else 1, agreements=5 if many else 1, photos=3 if many else 1
    )
    for i in range(10 if many else 1):
        full_release(f"other-{i}", tokyo(2025, 1, 1 + i))
    client.get(release.get_absolute_url())  # warm-up: later requests pay no first-time costs
    # release; its countries, sections, contacts, photos, documents, meetings, participants,
    # agreement links, parties; related; previous; next; its topical events
    with django_assert_num_queries(14):
        client.get(release.get_absolute_url())


def test_the_home_page_costs_the_same_queries_at_any_size(
    client, no_cache, django_assert_num_queries
):
    for n in (1, 30):
        list_data(n)
        # latest releases and their countries; countries from the archive counts (the cutoff,
        # the countries, then their sums and what differs from the cutoff now: 6); agreements
        with django_assert_num_queries(9):
            assert client.get(url("releases:home")).status_code == 200


# Agreements


def test_the_register_lists_only_agreements_a_public_release_reports(client):
    public = full_release()
    shown = public.agreements.get()
    draft = ReleaseFactory(status=Release.Status.DRAFT, published_at=None)
    hidden = ReleaseAgreementFactory(release=draft).agreement
    soup = soup_of(client.get(url("releases:agreements")))
    links = [a["href"] for a in soup.select(".card__title a")]
    assert links == [shown.get_absolute_url()]
    assert client.get(hidden.get_absolute_url()).status_code == 404
    card = soup.select_one(".card")
    assert card.find("a", href=public.get_absolute_url())


def test_the_register_filters_by_country_kind_and_year(client):
    release = full_release(agreements=0)
    for slug, kind, code, year in [("a", "mou", "KZ", 2025), ("b", "moc", "UZ", 2024)]:
        agreement = AgreementFactory(
            slug=slug, kind=kind, country=country(code), signed_on=datetime.date(year, 5, 1)
        )
        ReleaseAgreementFactory(release=release, agreement=agreement)

    def slugs(query):
        soup = soup_of(client.get(url("releases:agreements") + "?" + query))
        return [a["href"].split("/")[-2] for a in soup.select(".card__title a")]

    assert slugs("country=UZ") == ["b"]
    assert slugs("kind=mou") == ["a"]
    assert slugs("year=2024") == ["b"]
    assert sorted(slugs("year=abc&kind=zzz")) == ["a", "b"]


def test_the_register_offers_the_countries_and_years_of_its_public_agreements_only(client):
    release = full_release(agreements=0)
    draft = ReleaseFactory(status=Release.Status.DRAFT, published_at=None)
    for code, day, reported_by in [
        ("UZ", datetime.date(2019, 5, 1), release),
        ("KZ", datetime.date(2022, 1, 1), release),
        ("KZ", None, release),
        ("MN", datetime.date(2024, 3, 1), draft),  # not public: neither MN nor 2024
        ("KZ", datetime.date(2016, 3, 1), draft),  # nor 2016
    ]:
        agreement = AgreementFactory(country=country(code), signed_on=day)
        ReleaseAgreementFactory(release=reported_by, agreement=agreement)
    soup = soup_of(client.get(url("releases:agreements", "en")))
    countries = [o["value"] for o in soup.select("#a-country option") if o["value"]]
    years = [o["value"] for o in soup.select("#a-year option") if o["value"]]
    assert countries == ["KZ", "UZ"]  # by name: Kazakhstan, Uzbekistan
    assert years == ["2022", "2019"]  # the years between have none


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_register_links_its_csv_download_as_filtered(client, language):
    release = full_release(agreements=0)
    for slug, kind, code in [("a", "mou", "KZ"), ("b", "moc", "KZ"), ("c", "mou", "UZ")]:
        agreement = AgreementFactory(slug=slug, kind=kind, country=country(code))
        ReleaseAgreementFactory(release=release, agreement=agreement)
    # An invalid filter is ignored by the list, so the download leaves it out too.
    query = "country=KZ&kind=mou&year=abc&page=1"
    soup = soup_of(client.get(url("releases:agreements", language) + "?" + query))
    link = soup.find("a", href=re.compile(r"^/api/agreements\.csv"))
    assert link["href"] == "/api/agreements.csv?country=KZ&kind=mou"
    assert link.get_text(strip=True)

    response = client.get(link["href"])
    assert response.status_code == 200
    rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == ["a"]

    soup = soup_of(client.get(url("releases:agreements", language)))
    assert soup.find("a", href="/api/agreements.csv")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_an_official_page_shows_the_latest_agreements_and_the_register_shows_them_all(
    client, language
):
    release = full_release(agreements=0)
    signer = OfficialFactory(slug="signer")
    signed = []
    for day in range(1, 13):
        agreement = AgreementFactory(slug=f"signed-{day:02}", signed_on=datetime.date(2025, 1, day))
        agreement.signatories.add(signer)
        ReleaseAgreementFactory(release=release, agreement=agreement)
        signed.append(agreement.slug)
    ReleaseAgreementFactory(release=release, agreement=AgreementFactory(slug="someone-else"))
    MeetingParticipantFactory(meeting=release.meetings.first(), official=signer)

    page = soup_of(client.get(url("releases:official", language, slug="signer")))
    section = page.find(id="signed-title").parent
    assert section.find(class_="count").text == "12"
    shown = [a["href"].split("/")[-2] for a in section.select("li a")]
    assert shown == signed[::-1][:10]  # the latest signed first
    more = section.select_one("a.more")
    assert more["href"] == url("releases:agreements", language) + "?official=signer"
    assert "12" in more.text

    register = soup_of(client.get(more["href"]))
    listed = [a["href"].split("/")[-2] for a in register.select(".card__title a")]
    assert sorted(listed) == sorted(signed)
    assert signer.name in register.select_one(".chips").text
    # Other filters keep the signatory; the chip takes it away.
    form = register.select_one("form.filters")
    assert form.select_one("input[name=official]")["value"] == "signer"
    chip = register.select_one(".chips a.chip")
    everything = soup_of(client.get(url("releases:agreements", language) + chip["href"]))
    assert len(everything.select(".card__title a")) == 13


def test_an_official_with_few_agreements_has_no_link_to_more(client):
    release = full_release(agreements=0)
    signer = OfficialFactory(slug="signer")
    agreement = AgreementFactory()
    agreement.signatories.add(signer)
    ReleaseAgreementFactory(release=release, agreement=agreement)
    page = soup_of(client.get(url("releases:official", slug="signer")))
    section = page.find(id="signed-title").parent
    assert [a["href"] for a in section.select("li a")] == [agreement.get_absolute_url()]
    assert section.select_one("a.more") is None


def test_an_agreement_page_links_its_public_releases_only(client):
    release = full_release()
    agreement = release.agreements.get()
    draft = ReleaseFactory(status=Release.Status.DRAFT, published_at=None, title_ja="秘密")
    ReleaseAgreementFactory(release=draft, agreement=agreement)
    soup = soup_of(client.get(agreement.get_absolute_url()))
    assert soup.h1.text == agreement.title_ja
    assert [a["href"] for a in soup.select("section a")] == [release.get_absolute_url()]
    assert "秘密" not in soup.text


def test_the_register_counts_and_pages_every_public_agreement(client, time_machine):
    time_machine.move_to(datetime.datetime(2025, 6, 1, 3, tzinfo=datetime.UTC), tick=False)
    release = full_release(agreements=30, published_at=timezone.now() - datetime.timedelta(days=1))
    ReleaseAgreementFactory(release=release, agreement=AgreementFactory(country=None))
    later = ReleaseFactory(published_at=timezone.now() + datetime.timedelta(hours=1))
    ReleaseAgreementFactory(release=later, agreement=AgreementFactory())

    def register(query=""):
        soup = soup_of(client.get(url("releases:agreements", "en") + query))
        return soup.select_one(".results-summary").text.strip(), len(soup.select(".card"))

    assert register() == ("31 agreements", 30)
    assert register("?page=2") == ("31 agreements", 1)
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=1))
    assert register("?page=2") == ("32 agreements", 2)
    assert (
        register("?kind=mou&page=2")[0]
        == f"{Agreement.objects.filter(kind='mou').count()} agreements"
    )


def test_the_register_answers_from_archive_counts_not_yet_recounted(client):
    # As after writes that send no signals (bulk_create), before refresh_archive_counts.
    later = ReleaseFactory(published_at=timezone.now() + datetime.timedelta(hours=1))
    ReleaseAgreementFactory(release=later, agreement=AgreementFactory())
    ArchiveCount.objects.all().delete()
    response = client.get(url("releases:agreements", "en"))
    assert response.status_code == 200
    assert soup_of(response).select_one(".results-summary").text.strip() == "0 agreements"


@pytest.mark.parametrize("n", [1, 25])
def test_the_register_costs_the_same_queries_at_any_size(
    client, no_cache, django_assert_num_queries, n
):
    release = full_release(agreements=n)
    ReleaseAgreementFactory(release=ReleaseFactory(), agreement=release.agreements.first())
    # the total and the country choices from the archive counts (their cutoff, and the
    # agreements whose count differs from it now; then the countries), the page's agreements
    # (chosen by their ids), parties, public release links; year choices (the first and the
    # last signing, then a probe per year)
    with django_assert_num_queries(10):
        client.get(url("releases:agreements"))
    assert Agreement.objects.count() == n


def test_an_official_s_meetings_stay_newest_first_when_a_meeting_moves_or_they_join_one(client):
    """The page finds an official's latest meetings by the copy of each meeting's date kept on
    their participation (an index in their own date order): a meeting given a new date moves,
    and a meeting an official is added to, from either side, takes its place by its date."""
    release = full_release(meetings=0)
    official = OfficialFactory(slug="minister")
    meetings = []
    for n in range(1, 22):  # one more than a page
        meeting = MeetingFactory(
            release=release, date=datetime.date(2024, 1, n), title_en=f"Meeting {n:02}"
        )
        MeetingParticipantFactory(meeting=meeting, official=official)
        meetings.append(meeting)

    def first_page():
        page = soup_of(client.get(url("releases:official", "en", slug="minister")))
        return [title.text for title in page.select(".timeline__title")]

    newest_first = [f"Meeting {n:02}" for n in range(21, 0, -1)]
    assert first_page() == newest_first[:20]

    oldest = meetings[0]
    oldest.date = datetime.date(2025, 3, 1)
    oldest.save()
    assert first_page() == ["Meeting 01", *newest_first[:19]]

    joined = MeetingFactory(release=release, date=datetime.date(2025, 6, 1), title_en="Joined")
    joined.participants.add(official)
    hosted = MeetingFactory(release=release, date=datetime.date(2023, 1, 1), title_en="Hosted")
    official.meetings.add(hosted)
    assert first_page() == ["Joined", "Meeting 01", *newest_first[:18]]


def _latest_signed(client):
    """The agreements the official "signer" signed, as their page lists them (slugs)."""
    title = soup_of(client.get(url("releases:official", "en", slug="signer"))).find(
        id="signed-title"
    )
    return [] if title is None else [a["href"].split("/")[-2] for a in title.parent.select("li a")]


def test_an_official_page_follows_signatures_and_dates_however_they_change(client):
    """The page reads the latest signed from a copy of the signatures (releases.Signature):
    changes from the agreement's side, the official's side and a history restore all show."""
    release = full_release(agreements=0)
    signer = OfficialFactory(slug="signer")
    first, second, undated = (
        AgreementFactory(slug=slug, signed_on=day)
        for slug, day in [
            ("first", datetime.date(2024, 1, 1)),
            ("second", datetime.date(2025, 1, 1)),
            ("undated", None),
        ]
    )
    for agreement in (first, second, undated):
        ReleaseAgreementFactory(release=release, agreement=agreement)
    MeetingParticipantFactory(meeting=release.meetings.first(), official=signer)  # a page always
    with reversion.create_revision():
        first.signatories.add(signer)
        first.save()
    second.signatories.add(signer)
    signer.signed_agreements.add(undated)  # from the official's side
    assert _latest_signed(client) == ["second", "first", "undated"]  # a date not known: last

    first.signed_on = datetime.date(2026, 1, 1)
    first.save()
    assert _latest_signed(client) == ["first", "second", "undated"]
    second.signatories.remove(signer)
    undated.signatories.clear()
    assert _latest_signed(client) == ["first"]
    signer.signed_agreements.clear()
    assert _latest_signed(client) == []
    signer.signed_agreements.set([second, undated])
    assert _latest_signed(client) == ["second", "undated"]

    # Its history restored as it was signed: by the signer, in 2024.
    Version.objects.get_for_object(first).get().revert()
    assert _latest_signed(client) == ["second", "first", "undated"]
