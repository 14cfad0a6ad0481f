import datetime
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from releases.models import Release
from releases.search import refresh_search_text
from tests.factories import (
    AgreementFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    PhotoFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    country,
    jpeg_bytes,
)

pytestmark = pytest.mark.django_db


HOST = "https://press.example.org"
ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = HOST
    settings.ALLOWED_HOSTS = ["testserver", "www.example.net"]


def parse(content):
    return ET.fromstring(content)  # noqa: S314 (our own feed, not untrusted input)


def rss(client, path="/ja/releases/feed/rss/", **params):
    response = client.get(path, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    return parse(response.content).find("channel")


def atom(client, path="/ja/releases/feed/atom/", **params):
    response = client.get(path, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return parse(response.content)


def rss_slugs(channel):
    return [item.findtext("link").rstrip("/").rsplit("/", 1)[1] for item in channel.iter("item")]


def atom_slugs(feed):
    return [
        entry.find(f"{ATOM}link[@rel='alternate']").get("href").rstrip("/").rsplit("/", 1)[1]
        for entry in feed.iter(f"{ATOM}entry")
    ]


def days_ago(n, hour=12):
    day = timezone.localdate() - datetime.timedelta(days=n)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def releases():
    """Public releases about Kazakhstan and Uzbekistan, and one of each hidden state."""
    kz = ReleaseFactory(
        slug="kz",
        title_ja="カザフスタンとの覚書",
        title_en="MOU with Kazakhstan",
        lead_ja="タウケン・サムルクと署名しました。",
        lead_en="Signed with Tau-Ken Samruk.",
        published_at=days_ago(1),
    )
    kz.countries.add(country("KZ"))
    PhotoFactory(
        release=kz,
        image=ContentFile(jpeg_bytes(800, 600), name="signing.jpg"),
        caption_ja="署名式",
        caption_en="The signing",
        credit_ja="ROTOBO",
        credit_en="ROTOBO",
    )
    official = OfficialFactory(slug="tokayev", name_ja="トカエフ", name_en="Tokayev")
    meeting = MeetingFactory(release=kz, country=country("KZ"))
    MeetingParticipantFactory(meeting=meeting, official=official)
    ReleaseAgreementFactory(release=kz, agreement=AgreementFactory(kind="mou"))

    uz = ReleaseFactory(
        slug="uz",
        title_ja="ウズベキスタンでのレアメタル調査",
        title_en="",
        lead_en="",
        published_at=days_ago(40),
    )
    uz.countries.add(country("UZ"))

    for slug, status, published_at in [
        ("draft", Release.Status.DRAFT, None),
        ("scheduled", Release.Status.PUBLISHED, timezone.now() + datetime.timedelta(hours=2)),
        ("withdrawn", Release.Status.WITHDRAWN, days_ago(2)),
    ]:
        hidden = ReleaseFactory(slug=slug, status=status, published_at=published_at)
        hidden.countries.add(country("KZ"))
    refresh_search_text(Release.objects.all())
    return {"kz": kz, "uz": uz}


def test_rss_lists_public_releases_newest_first_with_their_parts(client, releases):
    channel = rss(client)
    assert channel.findtext("language") == "ja"
    assert channel.findtext("link") == f"{HOST}/ja/releases/"
    assert rss_slugs(channel) == ["kz", "uz"]
    item = channel.find("item")
    assert item.findtext("title") == "カザフスタンとの覚書"
    assert item.findtext("description") == "タウケン・サムルクと署名しました。"
    assert item.findtext("guid") == f"{HOST}/ja/releases/kz/"
    assert parsedate_to_datetime(item.findtext("pubDate")) == releases["kz"].published_at.replace(
        microsecond=0
    )
    assert [c.text for c in item.findall("category")] == ["カザフスタン"]


def test_rss_items_carry_the_lead_photo_with_its_credit(client, releases):
    item = rss(client).find("item")
    enclosure = item.find("enclosure")
    assert enclosure.get("type") == "image/jpeg"
    assert enclosure.get("url").startswith(f"{HOST}/media/renditions/photos/")
    assert int(enclosure.get("length")) > 0
    media = item.find(f"{MEDIA}content")
    assert media.get("url") == enclosure.get("url")
    assert (media.get("medium"), media.get("width"), media.get("height")) == ("image", "800", "600")
    assert media.findtext(f"{MEDIA}credit") == "ROTOBO"
    assert media.findtext(f"{MEDIA}description") == "署名式"
    response = client.get(enclosure.get("url").removeprefix(HOST))
    assert response.status_code == 200
    assert int(enclosure.get("length")) == len(b"".join(response.streaming_content))


def test_atom_carries_the_same_in_its_own_terms(client, releases):
    feed = atom(client, "/en/releases/feed/atom/")
    assert feed.get(XML_LANG) == "en"
    assert atom_slugs(feed) == ["kz", "uz"]
    kz, uz = feed.iter(f"{ATOM}entry")
    assert kz.findtext(f"{ATOM}title") == "MOU with Kazakhstan"
    assert kz.findtext(f"{ATOM}summary") == "Signed with Tau-Ken Samruk."
    assert kz.find(f"{ATOM}link[@rel='enclosure']").get("type") == "image/jpeg"
    assert kz.find(f"{MEDIA}content").findtext(f"{MEDIA}credit") == "ROTOBO"
    assert kz.findtext(f"{ATOM}published").startswith(str(releases["kz"].published_at.year))
    assert kz.findtext(f"{ATOM}updated")
    # Not translated yet: the English feed shows the Japanese title, as the site does.
    assert uz.findtext(f"{ATOM}title") == "ウズベキスタンでのレアメタル調査"


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_nothing_under_embargo_is_in_any_feed(client, releases, kind, lang):
    body = client.get(f"/{lang}/releases/feed/{kind}/", {"country": "KZ"}).content
    for hidden in ["draft", "scheduled", "withdrawn"]:
        assert f"/releases/{hidden}/".encode() not in body


def test_a_scheduled_release_enters_the_feed_at_its_time(client, releases, time_machine):
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=3))
    assert rss_slugs(rss(client)) == ["scheduled", "kz", "uz"]


@pytest.mark.parametrize(
    ("params", "slugs"),
    [
        ({"country": "KZ"}, ["kz"]),
        ({"country": ["KZ", "UZ"]}, ["kz", "uz"]),
        ({"official": "tokayev"}, ["kz"]),
        ({"agreement": "mou"}, ["kz"]),
        ({"agreement": "moc"}, []),
        ({"q": "レアメタル"}, ["uz"]),
        ({"q": "tau-ken"}, ["kz"]),
        ({"from": (timezone.localdate() - datetime.timedelta(days=10)).isoformat()}, ["kz"]),
        ({"to": (timezone.localdate() - datetime.timedelta(days=10)).isoformat()}, ["uz"]),
    ],
)
def test_every_list_filter_narrows_both_feeds(client, releases, params, slugs):
    assert rss_slugs(rss(client, **params)) == slugs
    assert atom_slugs(atom(client, **params)) == slugs


def test_year_and_month_filter_the_feed(client, releases):
    day = releases["uz"].published_at.astimezone(timezone.get_current_timezone())
    assert "uz" in rss_slugs(rss(client, year=day.year, month=day.month))
    assert rss_slugs(rss(client, year=1999)) == []


def test_the_feed_names_its_filters_and_links_to_the_same_list(client, releases):
    channel = rss(client, "/en/releases/feed/rss/", country="KZ", page="2")
    assert channel.findtext("title") == "JOGMEC News Releases (Country: Kazakhstan)"
    assert channel.findtext("link") == f"{HOST}/en/releases/?country=KZ"
    assert channel.find(f"{ATOM}link[@rel='self']").get("href") == (
        f"{HOST}/en/releases/feed/rss/?country=KZ"
    )


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "month=13&year=abc",
        "month=5",
        "from=2025-13-45",
        "to=９９９９９-01-01",
        "country=ZZ",
        "official=no-such-person",
        "agreement=treaty",
        "page=abc",
        "q=" + "x" * 5000,
        "unknown=1",
    ],
)
@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_invalid_filters_are_ignored_never_a_server_error(client, releases, kind, query):
    response = client.get(f"/ja/releases/feed/{kind}/?{query}")
    assert response.status_code == 200
    assert b"/releases/kz/" in response.content


def test_texts_reach_readers_as_text_not_markup(client, releases):
    Release.objects.filter(slug="kz").update(lead_ja="<script>alert(1)</script> & A\nB")
    releases["kz"].photos.update(caption_ja="<img src=x onerror=alert(1)>")
    item = rss(client).find("item")
    # Readers render descriptions as HTML: what they get is escaped, so it shows as text.
    assert item.findtext("description") == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; A<br>B"
    media = item.find(f"{MEDIA}content").find(f"{MEDIA}description")
    assert media.text == "&lt;img src=x onerror=alert(1)&gt;"
    assert media.get("type") == "html"


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_control_characters_in_texts_or_words_are_left_out(client, releases, kind):
    Release.objects.filter(slug="kz").update(title_ja="覚書\x01\x0b\x1f署名", lead_ja="\x08概要")
    releases["kz"].photos.update(credit_ja="RO\x02TOBO")
    # A control character in the words is refused (core.middleware), in texts left out.
    assert client.get(f"/ja/releases/feed/{kind}/", {"q": "\x01署名\x02"}).status_code == 400
    response = client.get(f"/ja/releases/feed/{kind}/", {"q": "署名"})
    assert response.status_code == 200
    feed = parse(response.content)
    assert "覚書署名" in response.content.decode()
    assert "ROTOBO" in response.content.decode()
    assert feed is not None


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_queries_do_not_grow_with_the_number_of_releases(
    client, django_assert_max_num_queries, kind
):
    def add(n):
        for _ in range(n):
            release = ReleaseFactory()
            release.countries.add(country("KZ"), country("UZ"))
            PhotoFactory(release=release)

    add(1)
    with django_assert_max_num_queries(6) as few:
        client.get(f"/ja/releases/feed/{kind}/", {"country": "KZ"})
    add(10)
    with django_assert_max_num_queries(6) as many:
        client.get(f"/ja/releases/feed/{kind}/", {"country": "KZ"})
    assert len(few.captured_queries) == len(many.captured_queries)


def render_feed_links(path):
    request = RequestFactory().get(path)
    return Template("{% load site_tags %}{% feed_links %}").render(Context({"request": request}))


def test_feed_links_follow_the_filters_but_not_the_page():
    with_filters = BeautifulSoup(
        render_feed_links("/ja/releases/?country=KZ&country=UZ&q=%3Cb%3E&page=3"), "html.parser"
    )
    links = {link["type"]: link["href"] for link in with_filters.find_all("link")}
    assert links == {
        "application/rss+xml": "/ja/releases/feed/rss/?country=KZ&country=UZ&q=%3Cb%3E",
        "application/atom+xml": "/ja/releases/feed/atom/?country=KZ&country=UZ&q=%3Cb%3E",
    }
    bare = BeautifulSoup(render_feed_links("/ja/releases/?page=2"), "html.parser")
    assert [link["href"] for link in bare.find_all("link")] == [
        "/ja/releases/feed/rss/",
        "/ja/releases/feed/atom/",
    ]


def test_the_list_page_links_to_the_feed_of_what_it_shows(client, releases):
    response = client.get("/en/releases/", {"country": "KZ", "page": "1"})
    soup = BeautifulSoup(response.content, "html.parser")
    links = {
        link["type"]: link["href"]
        for link in soup.find_all("link", rel="alternate")
        if link.get("type")
    }
    assert links["application/rss+xml"] == "/en/releases/feed/rss/?country=KZ"
    assert links["application/atom+xml"] == "/en/releases/feed/atom/?country=KZ"
    assert rss_slugs(rss(client, links["application/rss+xml"])) == ["kz"]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feedparser_reads_both_feeds_cleanly_with_ids_of_the_site(client, releases, kind):
    parsed = feedparser.parse(client.get(f"/en/releases/feed/{kind}/", {"country": "KZ"}).content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == {"rss": "rss20", "atom": "atom10"}[kind]
    (entry,) = parsed.entries
    assert entry.id == f"{HOST}/en/releases/kz/"
    assert entry.link == f"{HOST}/en/releases/kz/"
    assert entry.title == "MOU with Kazakhstan"
    assert entry.published_parsed[:3] == releases["kz"].published_at.utctimetuple()[:3]
    assert [tag.term for tag in entry.tags] == ["Kazakhstan"]
    assert parsed.feed.link == f"{HOST}/en/releases/?country=KZ"
    (photo,) = entry.media_content
    assert photo["url"].startswith(f"{HOST}/media/renditions/photos/")


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feed_ids_and_links_do_not_change_with_the_host_name(client, releases, kind):
    """A reader that fetches the feed by another name must not see every release again."""

    def addresses(host):
        content = client.get(f"/ja/releases/feed/{kind}/", headers={"host": host}).content
        parsed = feedparser.parse(content)
        entries = [
            (e.id, e.link, [m["url"] for m in e.get("media_content", [])]) for e in parsed.entries
        ]
        return parsed.feed.get("id"), parsed.feed.link, entries

    assert addresses("testserver") == addresses("www.example.net")
    ids = [entry_id for entry_id, _, _ in addresses("www.example.net")[2]]
    assert ids == [f"{HOST}/ja/releases/kz/", f"{HOST}/ja/releases/uz/"]
    assert (
        b"www.example.net"
        not in client.get(f"/ja/releases/feed/{kind}/", headers={"host": "www.example.net"}).content
    )


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feeds_are_plain_feeds_without_an_xsl_stylesheet(client, kind):
    content = client.get(f"/en/releases/feed/{kind}/?country=KZ").content.decode()
    assert "xml-stylesheet" not in content
    assert client.get("/en/releases/feed/style.xsl").status_code == 404


def feed_page(client, path="/ja/releases/feed/", **params):
    response = client.get(path, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.parametrize(
    ("lang", "heading", "date", "other_ways"),
    [
        ("ja", "ニュースフィードとは", "2025年12月19日", "この一覧の更新を受け取るほかの方法"),
        ("en", "What is a news feed?", "19 December 2025", "Other ways to follow this list"),
    ],
)
def test_the_feed_page_explains_the_feed_offers_its_addresses_and_shows_its_releases(
    client, releases, lang, heading, date, other_ways
):
    # 07:30 in Tokyo is the evening before in UTC: the page gives Tokyo's date.
    tokyo = datetime.datetime(
        2025, 12, 19, 7, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=9))
    )
    Release.objects.filter(slug="kz").update(published_at=tokyo)
    soup = feed_page(client, f"/{lang}/releases/feed/", country="KZ", page="2")
    assert soup.html["lang"] == lang
    assert soup.find("h2", string=heading)
    assert soup.find("h2", string=other_ways)
    assert "このリリース" not in soup.get_text()
    addresses = {code["id"]: code.get_text() for code in soup.select(".feed-addresses code")}
    assert addresses == {
        "feed-rss": f"{HOST}/{lang}/releases/feed/rss/?country=KZ",
        "feed-atom": f"{HOST}/{lang}/releases/feed/atom/?country=KZ",
    }
    items = soup.select(".release-item")
    assert [item.a["href"] for item in items] == [f"/{lang}/releases/kz/"]
    assert items[0].time.get_text() == date
    assert items[0].time["datetime"].startswith("2025-12-19T07:30:00+09:00")
    links = {a.get_text(): a["href"] for a in soup.select("main a")}
    assert f"/{lang}/alerts/?country=KZ" in links.values()
    assert f"/{lang}/meetings.ics?country=KZ" in links.values()
    # Feed readers given this page's address find the feeds.
    alternates = [link["href"] for link in soup.find_all("link", type="application/rss+xml")]
    assert alternates == [f"/{lang}/releases/feed/rss/?country=KZ"]


def test_the_feed_page_of_an_empty_list_says_so_and_ignores_invalid_filters(client, releases):
    soup = feed_page(client, "/en/releases/feed/", agreement="moc", year="abc")
    assert soup.select(".release-item") == []
    assert "No release in this list yet" in soup.get_text()
    assert (
        soup.select_one("#feed-rss").get_text()
        == f"{HOST}/en/releases/feed/rss/?agreement=moc&year=abc"
    )


def test_pages_link_people_to_the_feed_page_not_to_the_xml(client, releases):
    soup = BeautifulSoup(client.get("/en/releases/", {"country": "KZ"}).content, "html.parser")
    link = soup.find("a", string="News feed (RSS, Atom)")
    assert link["href"] == "/en/releases/feed/?country=KZ"
    country = BeautifulSoup(client.get("/ja/countries/kz/").content, "html.parser")
    link = country.find("a", string="ニュースフィード（RSS）")
    assert link["href"] == "/ja/releases/feed/?country=KZ"


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_a_feed_goes_out_in_one_piece(client, kind):
    """A server writes each piece of a response on its own: the feed generator's thousands of
    pieces made a feed from the page cache several times slower than a page (make bench)."""
    for n in range(3):
        ReleaseFactory(slug=f"piece-{n}", title_en=f"Piece {n}")
    response = client.get(f"/en/releases/feed/{kind}/")
    assert response.status_code == 200
    pieces = list(response)
    assert len(pieces) == 1
    assert b"Piece 2" in pieces[0]
