import datetime

import pytest
from django.utils import timezone

from releases.models import Release
from tests.factories import (
    AgreementFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    PostFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    country,
)
from tests.pages import soup_of, tokyo, url

pytestmark = pytest.mark.django_db


def release_about(code, published_at=None, status=Release.Status.PUBLISHED, **kwargs):
    release = ReleaseFactory(
        status=status,
        published_at=published_at if status != Release.Status.DRAFT else None,
        **kwargs,
    )
    release.countries.add(country(code))
    return release


def meeting_with(release, official, title_ja="大統領", title_en="President", **kwargs):
    meeting = MeetingFactory(release=release, country=release.countries.first(), **kwargs)
    MeetingParticipantFactory(
        meeting=meeting, official=official, title_ja=title_ja, title_en=title_en
    )
    return meeting


# Countries


def test_the_country_list_counts_public_releases_meetings_and_agreements(client):
    tokayev = OfficialFactory()
    a = release_about("KZ", tokyo(2025, 1, 1))
    meeting_with(a, tokayev)
    ReleaseAgreementFactory(release=a, agreement=AgreementFactory(country=country("KZ")))
    b = release_about("KZ", tokyo(2025, 2, 1))
    meeting_with(b, tokayev)
    hidden = release_about("KZ", status=Release.Status.DRAFT)
    meeting_with(hidden, tokayev)
    ReleaseAgreementFactory(release=hidden, agreement=AgreementFactory(country=country("KZ")))
    release_about("TM", status=Release.Status.DRAFT)
    soup = soup_of(client.get(url("releases:countries", "en")))
    rows = {
        row.th.text.strip(): [td.text.strip() for td in row.select("td.num")]
        for row in soup.select("tbody tr")
    }
    assert rows == {"Kazakhstan": ["2", "2", "1"]}


@pytest.mark.parametrize("n", [1, 30])
def test_the_country_list_costs_the_same_queries_at_any_size(
    client, no_cache, django_assert_num_queries, n
):
    for i in range(n):
        release = release_about(["KZ", "UZ", "TJ"][i % 3], tokyo(2025, 1, 1))
        meeting_with(release, OfficialFactory())
        ReleaseAgreementFactory(release=release, agreement=AgreementFactory())
    # countries and their counts, from the archive counts (with their cutoff)
    with django_assert_num_queries(6):
        client.get(url("releases:countries"))


def test_a_country_page_shows_its_timeline_of_releases_meetings_and_agreements(client):
    tokayev = OfficialFactory(slug="tokayev", name_ja="トカエフ")
    release = release_about("KZ", tokyo(2025, 12, 22), title_ja="中央アジア")
    release.countries.add(country("UZ"))
    meeting_with(release, tokayev, title_ja="トカエフ大統領との会談")
    MeetingFactory(release=release, country=country("UZ"), title_ja="ウズベキスタンでの会談")
    mou = AgreementFactory(title_ja="タウケン覚書", country=country("KZ"))
    ReleaseAgreementFactory(release=release, agreement=mou)
    moc = AgreementFactory(title_ja="鉱山地質省MOC", country=country("UZ"))
    ReleaseAgreementFactory(release=release, agreement=moc)
    release_about("KZ", status=Release.Status.DRAFT, title_ja="下書き")
    soup = soup_of(client.get(url("releases:country", code="kz")))
    assert soup.h1.text == "カザフスタン"
    timeline = soup.select_one(".timeline")
    assert [a.text for a in timeline.select(".timeline__title a")] == ["中央アジア"]
    assert "トカエフ大統領との会談" in timeline.text and "大統領" in timeline.text
    assert "ウズベキスタンでの会談" not in timeline.text
    assert timeline.find("a", string="タウケン覚書")
    assert "鉱山地質省MOC" not in timeline.text
    assert soup.select_one(".with-sidebar__side").find("a", href=tokayev.get_absolute_url())
    assert "下書き" not in soup.text


def test_a_country_page_lists_the_officials_its_public_releases_report(client):
    met, signed, drafted, scheduled = (
        OfficialFactory(slug=slug, country=country("KZ"))
        for slug in ("met", "signed", "drafted", "scheduled")
    )
    meeting_with(release_about("KZ", tokyo(2025, 1, 1)), met)
    agreement = AgreementFactory(country=country("KZ"))
    agreement.signatories.add(signed)
    ReleaseAgreementFactory(release=release_about("KZ", tokyo(2025, 2, 1)), agreement=agreement)
    meeting_with(release_about("KZ", status=Release.Status.DRAFT), drafted)
    meeting_with(release_about("KZ", timezone.now() + datetime.timedelta(days=1)), scheduled)
    soup = soup_of(client.get(url("releases:country", code="kz")))
    section = soup.find("section", attrs={"aria-labelledby": "officials-title"})
    listed = {a["href"] for a in section.select("a")}
    assert listed == {met.get_absolute_url(), signed.get_absolute_url()}


def test_country_addresses_are_lower_case_and_forgiving(client):
    release_about("KZ", tokyo(2025, 1, 1))
    response = client.get(url("releases:country", code="KZ"))
    assert response.status_code == 301
    assert response["Location"] == url("releases:country", code="kz")
    for code in ["zz", "kaz", "k", "<b>", "tm"]:
        assert client.get(f"/ja/countries/{code}/").status_code == 404


def test_a_country_only_drafts_report_is_not_found(client):
    release_about("TM", status=Release.Status.DRAFT)
    release_about("TJ", published_at=timezone.now() + datetime.timedelta(days=1))
    assert client.get(url("releases:country", code="tm")).status_code == 404
    assert client.get(url("releases:country", code="tj")).status_code == 404


def test_a_country_timeline_heads_each_year_once_in_tokyo_time(client):
    # 1 January 2025, 08:00 in Tokyo is 31 December 2024 in UTC: it opens 2025 all the same.
    release_about("KZ", tokyo(2025, 3, 1), title_en="Spring")
    release_about("KZ", tokyo(2025, 1, 1, 8), title_en="New Year")
    release_about("KZ", tokyo(2024, 12, 30), title_en="Year end")
    soup = soup_of(client.get(url("releases:country", "en", code="kz")))
    timeline = [
        item.get_text(" ", strip=True) if "timeline__year" in item["class"] else item.h3.text
        for item in soup.select("ol.timeline > li")
    ]
    assert timeline == ["2025", "Spring", "New Year", "2024", "Year end"]


def test_a_country_page_pages_through_its_public_releases_only(client):
    for i in range(23):
        release_about("KZ", tokyo(2025, 1, 1) + datetime.timedelta(days=i))
    release_about("KZ", status=Release.Status.DRAFT)
    release_about("KZ", timezone.now() + datetime.timedelta(days=2))  # scheduled
    release_about("UZ", tokyo(2025, 2, 1))
    first = soup_of(client.get(url("releases:country", code="kz")))
    second = soup_of(client.get(url("releases:country", code="kz") + "?page=2"))
    assert len(first.select(".timeline__item")) == 20
    assert len(second.select(".timeline__item")) == 3
    assert not second.select_one(".pagination a[rel=next]")
    assert "23" in first.select_one(".stats .stats__n").text


@pytest.mark.parametrize("n", [1, 30])
def test_a_country_page_costs_the_same_queries_at_any_size(
    client, no_cache, django_assert_num_queries, n
):
    officials = [OfficialFactory() for _ in range(3)]
    for i in range(n):
        release = release_about("KZ", tokyo(2025, 1, 1) + datetime.timedelta(days=i))
        meeting_with(release, officials[i % 3])
        ReleaseAgreementFactory(release=release, agreement=AgreementFactory())
    # country and its counts (from the archive counts with their cutoff, which give the count
    # of its pages too); the page's releases, meetings, participants, agreement links;
    # officials; agreements
    with django_assert_num_queries(12):
        client.get(url("releases:country", code="kz") + "?page=2")


# Officials


def test_an_official_page_shows_posts_and_every_public_meeting_with_the_title_then(client):
    official = OfficialFactory(slug="tokayev", name_ja="トカエフ", name_en="Tokayev")
    PostFactory(
        official=official,
        title_ja="首相",
        title_en="Prime Minister",
        start_date=datetime.date(1999, 10, 1),
        end_date=datetime.date(2002, 1, 28),
    )
    PostFactory(official=official, start_date=datetime.date(2019, 6, 12))
    old = release_about("KZ", tokyo(2001, 5, 1), title_ja="古い会談のリリース")
    meeting_with(
        old, official, title_ja="首相", title_en="Prime Minister", date=datetime.date(2001, 4, 30)
    )
    new = release_about("KZ", tokyo(2025, 12, 22), title_ja="新しい会談のリリース")
    meeting_with(new, official, date=datetime.date(2025, 12, 19))
    secret = release_about("KZ", status=Release.Status.DRAFT, title_ja="秘密")
    meeting_with(secret, official)
    soup = soup_of(client.get(url("releases:official", "en", slug="tokayev")))
    assert soup.h1.text == "Tokayev"
    posts = soup.select_one(".posts").text
    assert "Prime Minister" in posts and "President" in posts and "present" in posts
    items = soup.select(".timeline__item")
    assert [i.select_one(".timeline__source a").text for i in items] == [
        new.title_en,
        old.title_en,
    ]
    assert "President" in items[0].select_one(".officials").text
    assert "Prime Minister" in items[1].select_one(".officials").text
    assert "秘密" not in soup.text


def test_an_official_only_drafts_report_is_not_found(client):
    official = OfficialFactory(slug="hidden")
    meeting_with(release_about("KZ", status=Release.Status.DRAFT), official)
    assert client.get(url("releases:official", slug="hidden")).status_code == 404
    assert client.get(url("releases:official", slug="nobody")).status_code == 404


def test_a_signatory_of_a_public_agreement_has_a_page(client):
    official = OfficialFactory(slug="signer")
    agreement = AgreementFactory(title_ja="署名した覚書")
    agreement.signatories.add(official)
    ReleaseAgreementFactory(release=release_about("KZ", tokyo(2025, 1, 1)), agreement=agreement)
    soup = soup_of(client.get(url("releases:official", slug="signer")))
    assert soup.find("a", string="署名した覚書")


@pytest.mark.parametrize("n", [1, 30])
def test_an_official_page_costs_the_same_queries_at_any_size(
    client, no_cache, django_assert_num_queries, n
):
    official = OfficialFactory(slug="o")
    for _ in range(3 if n > 1 else 1):
        PostFactory(official=official)
    for _ in range(n):
        meeting = meeting_with(release_about("KZ", tokyo(2025, 1, 1)), official)
        MeetingParticipantFactory(meeting=meeting)
        agreement = AgreementFactory()
        agreement.signatories.add(official)
        ReleaseAgreementFactory(release=meeting.release, agreement=agreement)
    # official; posts; whether their country has a page; their counts (OfficialCount), the
    # cutoff and what differs from it now (meetings, agreements); the page's meetings,
    # participants; the latest agreements signed
    with django_assert_num_queries(10):
        client.get(url("releases:official", slug="o"))
