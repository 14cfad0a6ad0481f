import datetime
import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.utils import timezone

from releases.templatetags.structured_data import jsonld_script
from tests.factories import (
    AgreementFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    OrganizationFactory,
    PhotoFactory,
    PostFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    TopicalEventFactory,
    country,
    jpeg_bytes,
)

pytestmark = pytest.mark.django_db


HOST = "http://testserver"


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def jsonld(soup):
    [script] = soup.find_all("script", type="application/ld+json")
    return json.loads(script.string)


def meta(soup, key):
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def of_type(items, kind):
    return [item for item in items if item["@type"] == kind]


@pytest.fixture
def release():
    jogmec = OrganizationFactory(
        slug="jogmec",
        name_ja="エネルギー・金属鉱物資源機構",
        name_en="Japan Organization for Metals and Energy Security",
        short_name_ja="JOGMEC",
        short_name_en="JOGMEC",
        country=country("JP"),
    )
    release = ReleaseFactory(
        slug="dialogue",
        title_ja="「中央アジア＋日本」対話への参加",
        title_en="Participation in the Central Asia + Japan Dialogue",
        lead_ja="首脳会合に参加しました。",
        lead_en="We took part in the summit.",
        issuer=jogmec,
        published_at=timezone.now() - datetime.timedelta(days=2),
    )
    release.countries.add(country("KZ"), country("UZ"))
    tokayev = OfficialFactory(slug="tokayev", name_ja="トカエフ", name_en="Kassym-Jomart Tokayev")
    # His post today differs from the one he held at the meeting: the page keeps the latter.
    PostFactory(official=tokayev, title_ja="元首相", title_en="Former Prime Minister")
    meeting = MeetingFactory(
        release=release,
        date=datetime.date(2025, 12, 19),
        end_date=datetime.date(2025, 12, 20),
        country=country("KZ"),
        title_ja="トカエフ大統領との会談",
        title_en="Meeting with President Tokayev",
        place_ja="アスタナ",
        place_en="Astana",
        summary_en="Cooperation on critical minerals.",
    )
    MeetingParticipantFactory(
        meeting=meeting, official=tokayev, title_ja="大統領", title_en="President"
    )
    tau_ken = OrganizationFactory(
        slug="tau-ken", name_ja="タウケン・サムルク", name_en="Tau-Ken Samruk"
    )
    agreement = AgreementFactory(title_en="MOU on geological survey", parties=[jogmec, tau_ken])
    ReleaseAgreementFactory(release=release, agreement=agreement)
    PhotoFactory(
        release=release,
        meeting=meeting,
        image=ContentFile(jpeg_bytes(1200, 800), name="meeting.jpg"),
        caption_ja="会談の様子",
        caption_en="The meeting",
        credit_ja="ROTOBO",
        credit_en="ROTOBO",
        alt_text_en="Two delegations at a table",
    )
    PhotoFactory(release=release, caption_en="Second photo", credit_en="JOGMEC")
    return release


def test_the_release_page_carries_a_news_article(client, release):
    data = jsonld(page(client, "/ja/releases/dialogue/"))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "「中央アジア＋日本」対話への参加"
    assert data["description"] == "首脳会合に参加しました。"
    assert data["inLanguage"] == "ja"
    assert data["url"] == data["mainEntityOfPage"] == f"{HOST}/ja/releases/dialogue/"
    published = datetime.datetime.fromisoformat(data["datePublished"])
    assert published == release.published_at
    assert datetime.datetime.fromisoformat(data["dateModified"]) >= published
    logo = data["publisher"].pop("logo")
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "エネルギー・金属鉱物資源機構",
        "alternateName": "JOGMEC",
        "url": f"{HOST}/ja/",
    }
    assert logo["@type"] == "ImageObject"
    assert logo["url"] == logo["contentUrl"] == f"{HOST}/static/img/logo.png"
    assert (logo["width"], logo["height"], logo["encodingFormat"]) == (512, 512, "image/png")


def test_photos_are_image_objects_with_caption_and_credit(client, release):
    data = jsonld(page(client, "/en/releases/dialogue/"))
    first, second = data["image"]
    assert first["@type"] == "ImageObject"
    assert (first["caption"], first["creditText"]) == ("The meeting", "ROTOBO")
    assert first["contentUrl"].startswith(f"{HOST}/media/renditions/photos/")
    assert first["contentUrl"].endswith("-1200w.jpg")
    assert (first["width"], first["height"], first["encodingFormat"]) == (1200, 800, "image/jpeg")
    assert (second["caption"], second["creditText"]) == ("Second photo", "JOGMEC")


def test_countries_are_what_the_release_is_about_with_their_iso_codes(client, release):
    about = jsonld(page(client, "/en/releases/dialogue/"))["about"]
    assert [(c["@type"], c["identifier"]["value"]) for c in about] == [
        ("Country", "KZ"),
        ("Country", "UZ"),
    ]
    assert about[0]["identifier"]["propertyID"] == "ISO 3166-1 alpha-2"
    assert about[0]["name"] == "Kazakhstan"
    assert about[0]["url"] == f"{HOST}/en/countries/kz/"


@pytest.mark.parametrize(
    ("lang", "job_title", "event_name"),
    [
        ("ja", "大統領", "トカエフ大統領との会談"),
        ("en", "President", "Meeting with President Tokayev"),
    ],
)
def test_officials_are_persons_with_the_post_they_held_then(
    client, release, lang, job_title, event_name
):
    mentions = jsonld(page(client, f"/{lang}/releases/dialogue/"))["mentions"]
    [person] = of_type(mentions, "Person")
    assert person["jobTitle"] == job_title
    assert person["url"] == f"{HOST}/{lang}/officials/tokayev/"
    [event] = of_type(mentions, "Event")
    assert event["name"] == event_name
    assert event["attendee"] == [person]


def test_meetings_are_events_with_dates_and_place(client, release):
    [event] = of_type(jsonld(page(client, "/en/releases/dialogue/"))["mentions"], "Event")
    assert (event["startDate"], event["endDate"]) == ("2025-12-19", "2025-12-20")
    assert event["location"] == {
        "@type": "Place",
        "name": "Astana",
        "address": {"@type": "PostalAddress", "addressCountry": "KZ"},
    }
    assert event["description"] == "Cooperation on critical minerals."


def test_parties_to_its_agreements_are_organisations(client, release):
    mentions = jsonld(page(client, "/en/releases/dialogue/"))["mentions"]
    assert [o["name"] for o in of_type(mentions, "Organization")] == [
        "Japan Organization for Metals and Energy Security",
        "Tau-Ken Samruk",
    ]


def test_a_release_in_japanese_only_says_so_on_the_english_page(client):
    ReleaseFactory(slug="ja-only", title_ja="日本語のみ", title_en="", lead_en="")
    soup = page(client, "/en/releases/ja-only/")
    data = jsonld(soup)
    assert (data["headline"], data["inLanguage"]) == ("日本語のみ", "ja")
    assert meta(soup, "og:locale") == "ja_JP"


HOSTILE = '</script><script>alert("x")</script><!-- & \u2028 "quoted"'


def test_no_text_can_break_out_of_the_json_ld(client, release):
    release.title_ja = HOSTILE
    release.save()
    release.photos.update(caption_ja=HOSTILE)
    response = client.get("/ja/releases/dialogue/")
    body = response.content.decode()
    script = body[body.index('<script type="application/ld+json">') :]
    script = script[: script.index("</script>")]
    assert "<" not in script[len('<script type="application/ld+json">') :]
    assert "&" not in script
    data = jsonld(BeautifulSoup(response.content, "html.parser"))
    assert data["headline"] == HOSTILE
    assert data["image"][0]["caption"] == HOSTILE


def test_jsonld_script_escapes_markup_characters():
    html = str(jsonld_script({"a": "<b>&</b>"}))
    assert (
        html
        == '<script type="application/ld+json">{"a":"\\u003Cb\\u003E\\u0026\\u003C/b\\u003E"}</script>'
    )


def test_open_graph_and_twitter_cards_carry_the_lead_photo(client, release):
    soup = page(client, "/en/releases/dialogue/")
    assert meta(soup, "og:type") == "article"
    assert meta(soup, "og:title") == "Participation in the Central Asia + Japan Dialogue"
    assert meta(soup, "og:description") == "We took part in the summit."
    assert meta(soup, "og:url") == f"{HOST}/en/releases/dialogue/"
    assert (meta(soup, "og:locale"), meta(soup, "og:locale:alternate")) == ("en_GB", "ja_JP")
    image = meta(soup, "og:image")
    assert image.startswith(f"{HOST}/media/renditions/") and image.endswith("-1200w.jpg")
    assert (meta(soup, "og:image:width"), meta(soup, "og:image:height")) == ("1200", "800")
    assert meta(soup, "og:image:alt") == "Two delegations at a table"
    assert meta(soup, "twitter:card") == "summary_large_image"
    assert meta(soup, "twitter:image") == image
    published = datetime.datetime.fromisoformat(meta(soup, "article:published_time"))
    assert published == release.published_at
    # The rendition named in the tags exists and is served.
    assert client.get(image.removeprefix(HOST)).status_code == 200


def test_a_release_without_photos_gets_a_summary_card(client):
    ReleaseFactory(slug="plain")
    soup = page(client, "/ja/releases/plain/")
    assert meta(soup, "twitter:card") == "summary"
    assert meta(soup, "og:image") is None
    # Search engines want an image for every article: ours, served from static/.
    [image] = jsonld(soup)["image"]
    assert image["@type"] == "ImageObject"
    assert image["url"] == f"{HOST}/static/img/release-default.png"
    assert (image["width"], image["height"]) == (1200, 675)


def test_the_images_named_in_the_json_ld_exist_with_the_sizes_it_gives():
    from PIL import Image

    from releases.templatetags.structured_data import DEFAULT_IMAGE, LOGO

    for named in (LOGO, DEFAULT_IMAGE):
        path = finders.find(named["path"])
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.size == (named["width"], named["height"])


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Strengthening relations with resource-rich countries through the Central Asia "
            "+ Japan Dialogue and the summit held in Astana",
            "Strengthening relations with resource-rich countries through the Central Asia "
            "+ Japan Dialogue and the summit…",
        ),
        ("資源" * 60, "資源" * 54 + "資…"),
        ("Short title", "Short title"),
        ("x" * 110, "x" * 110),
    ],
)
def test_headlines_are_cut_within_110_characters_at_a_word(client, title, expected):
    ReleaseFactory(slug="long-title", title_ja=title, title_en=title)
    data = jsonld(page(client, "/en/releases/long-title/"))
    assert data["headline"] == expected
    assert len(data["headline"]) <= 110
    # The whole title stays, as the article's name.
    assert data.get("name", data["headline"]) == title


def test_the_country_page_describes_the_country_as_a_place(client, release):
    data = jsonld(page(client, "/en/countries/kz/"))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Country"  # schema.org: Country < AdministrativeArea < Place
    assert data["name"] == "Kazakhstan"
    assert data["url"] == f"{HOST}/en/countries/kz/"
    assert data["identifier"]["value"] == "KZ"
    assert data["containedInPlace"] == {"@type": "Place", "name": "Central Asia"}
    assert jsonld(page(client, "/ja/countries/kz/"))["name"] == "カザフスタン"


def test_the_official_page_describes_a_person_with_the_post_held_now(client, release):
    tokayev = release.meetings.get().participants.get()
    tokayev.posts.update(start_date=None, end_date=datetime.date(2019, 3, 19))
    current = OrganizationFactory(name_en="Government of Kazakhstan", name_ja="カザフスタン政府")
    PostFactory(official=tokayev, title_ja="大統領", title_en="President", organization=current)
    data = jsonld(page(client, "/en/officials/tokayev/"))
    assert data["@type"] == "Person"
    assert data["name"] == "Kassym-Jomart Tokayev"
    assert data["url"] == f"{HOST}/en/officials/tokayev/"
    assert data["jobTitle"] == "President"
    assert data["affiliation"]["name"] == "Government of Kazakhstan"
    assert data["nationality"]["name"] == tokayev.country.name_en


def test_an_official_without_a_current_post_has_no_job_title(client, release):
    tokayev = release.meetings.get().participants.get()
    tokayev.posts.update(end_date=datetime.date(2019, 3, 19))
    data = jsonld(page(client, "/ja/officials/tokayev/"))
    assert (data["@type"], data["name"]) == ("Person", "トカエフ")
    assert "jobTitle" not in data and "affiliation" not in data


def test_structured_data_adds_no_query_per_part(client, release, django_assert_max_num_queries):
    with django_assert_max_num_queries(50) as few:
        client.get("/en/releases/dialogue/")
    for _ in range(4):
        meeting = MeetingFactory(release=release, country=country("UZ"))
        MeetingParticipantFactory(meeting=meeting)
        ReleaseAgreementFactory(release=release)
        PhotoFactory(release=release, meeting=meeting)
    with django_assert_max_num_queries(50) as many:
        client.get("/en/releases/dialogue/")
    assert len(few.captured_queries) == len(many.captured_queries)


def test_search_engines_read_the_lead_cut_at_160_characters_in_the_page_language(client):
    ReleaseFactory(slug="long", lead_ja="首脳会合" * 60, lead_en="We met the minister. " * 20)
    descriptions = {}
    for language in ("ja", "en"):
        soup = page(client, f"/{language}/releases/long/")
        [tag] = soup.select('head meta[name="description"]')
        descriptions[language] = tag["content"]
    assert descriptions["ja"] == "首脳会合" * 39 + "首脳会…"
    assert descriptions["en"].startswith("We met the minister. We met")
    assert len(descriptions["en"]) == 160 and descriptions["en"].endswith("…")


def test_the_topical_event_page_describes_an_event_in_its_countries(client, release):
    event = TopicalEventFactory(
        slug="summit",
        name_ja="中央アジア首脳会合",
        name_en="Central Asia Summit",
        description_en="The summit and the forum around it.",
    )
    event.releases.add(release)
    event.countries.add(country("KZ"), country("TM"))
    data = jsonld(page(client, "/en/events/summit/"))
    assert data["@type"] == "Event"
    assert (data["name"], data["url"]) == ("Central Asia Summit", f"{HOST}/en/events/summit/")
    assert (data["startDate"], data["endDate"]) == ("2025-12-19", "2025-12-20")
    assert data["description"] == "The summit and the forum around it."
    assert sorted(place["identifier"]["value"] for place in data["location"]) == ["KZ", "TM"]
    assert jsonld(page(client, "/ja/events/summit/"))["name"] == "中央アジア首脳会合"
