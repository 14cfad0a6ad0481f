import pytest
from django.utils import timezone

from tests.api.conftest import hours_from_now, release_with_everything
from tests.factories import ReleaseAgreementFactory, ReleaseFactory, country

pytestmark = pytest.mark.django_db

ENDPOINTS = ["releases", "meetings", "agreements", "countries", "officials"]


def get(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_the_root_lists_every_endpoint(client):
    data = get(client, "/api/")
    assert set(data) == set(ENDPOINTS)
    assert data["releases"] == "http://testserver/api/releases/"


def test_releases_list_only_public_releases_newest_first(client, public, hidden):
    newer = ReleaseFactory(slug="newer", published_at=hours_from_now(-1))
    data = get(client, "/api/releases/")
    assert data["count"] == 2
    assert [r["slug"] for r in data["results"]] == [newer.slug, "public"]


def test_a_release_carries_both_languages_and_its_parts(client, public):
    data = get(client, "/api/releases/public/", lang="en")
    assert data["title"] == "Title of public"
    assert data["title_ja"] == "publicの標題"
    assert data["title_en"] == "Title of public"
    assert data["web_url"] == "http://testserver/en/releases/public/"
    assert data["url"] == "http://testserver/api/releases/public/"
    assert data["countries"] == ["KZ"]
    assert data["sections"][0]["body_ja"] == "<p>本文</p>"
    [meeting] = data["meetings"]
    assert meeting["country"]["code"] == "KZ"
    [participant] = meeting["participants"]
    assert participant["official"]["slug"] == "public-official"
    assert (participant["title"], participant["title_ja"]) == ("President", "大統領")
    [link] = data["agreements"]
    assert link["role"] == "announces"
    assert link["agreement"]["slug"] == "public-agreement"
    assert len(link["agreement"]["parties"]) == 2
    [photo] = data["photos"]
    assert photo["image"].startswith("http://testserver/media/photos/")
    assert (photo["credit_ja"], photo["meeting"]) == ("ROTOBO", meeting["id"])
    assert data["contacts"][0]["phone"] == "03-6758-8027"


@pytest.mark.parametrize(
    ("params", "headers", "title", "web_url"),
    [
        ({"lang": "ja"}, {}, "publicの標題", "/ja/releases/public/"),
        ({"lang": "en"}, {}, "Title of public", "/en/releases/public/"),
        ({}, {"Accept-Language": "en"}, "Title of public", "/en/releases/public/"),
        ({}, {"Accept-Language": "ja"}, "publicの標題", "/ja/releases/public/"),
        ({"lang": "ja"}, {"Accept-Language": "en"}, "publicの標題", "/ja/releases/public/"),
    ],
)
def test_language_comes_from_lang_or_accept_language(
    client, public, params, headers, title, web_url
):
    response = client.get("/api/releases/public/", params, headers=headers)
    assert response.json()["title"] == title
    assert response.json()["web_url"] == f"http://testserver{web_url}"
    assert response["Content-Language"] == web_url[1:3]


def test_english_falls_back_to_japanese_where_there_is_no_translation(client):
    ReleaseFactory(slug="ja-only", title_ja="日本語のみ", title_en="")
    data = get(client, "/api/releases/ja-only/", lang="en")
    assert data["title"] == "日本語のみ"
    assert data["title_en"] in ("", None)


@pytest.mark.parametrize("state", ["draft", "scheduled", "withdrawn"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_nothing_under_embargo_is_reachable(client, public, hidden, state, lang):
    assert client.get(f"/api/releases/{state}/", {"lang": lang}).status_code == 404
    assert client.get(f"/api/agreements/{state}-agreement/", {"lang": lang}).status_code == 404
    assert client.get(f"/api/officials/{state}-official/", {"lang": lang}).status_code == 404
    meeting = hidden[state].meetings.get()
    assert client.get(f"/api/meetings/{meeting.pk}/", {"lang": lang}).status_code == 404
    assert client.get("/api/countries/UZ/", {"lang": lang}).status_code == 404
    for endpoint in ENDPOINTS:
        body = client.get(f"/api/{endpoint}/", {"lang": lang, "page_size": 100}).content
        assert body.startswith((b"{", b"["))
        assert state.encode() not in body
        assert b'"UZ"' not in body


def test_a_scheduled_release_appears_at_its_time(client, hidden, time_machine):
    assert get(client, "/api/releases/")["count"] == 0
    time_machine.move_to(hours_from_now(3))
    assert [r["slug"] for r in get(client, "/api/releases/")["results"]] == ["scheduled"]
    assert get(client, "/api/meetings/")["count"] == 1


def test_releases_take_the_list_filters(client, public, hidden):
    other = release_with_everything("other", code="MN")
    assert [r["slug"] for r in get(client, "/api/releases/", country="KZ")["results"]] == ["public"]
    both = get(client, "/api/releases/?country=KZ&country=MN")
    assert {r["slug"] for r in both["results"]} == {"public", other.slug}
    assert get(client, "/api/releases/", official="other-official")["count"] == 1
    assert get(client, "/api/releases/", agreement="moc")["count"] == 0
    assert get(client, "/api/releases/", q="Title of OTHER")["results"][0]["slug"] == "other"
    year = public.published_at.year
    assert get(client, "/api/releases/", year=year)["count"] == 2
    assert get(client, "/api/releases/", year=year - 1)["count"] == 0


def test_search_finds_officials_in_either_language(client, public):
    assert get(client, "/api/releases/", q="PRESIDENT public")["count"] == 1
    assert get(client, "/api/releases/", q="public大統領")["count"] == 1


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "month=13&year=2025",
        "from=2025-13-45",
        "country=Z",
        "country=%00",
        "official=%E2%80%AE",
        "agreement=treaty",
        "to=0001-01-01",
    ],
)
def test_invalid_filters_are_a_400_that_says_why(client, public, query):
    response = client.get(f"/api/releases/?{query}")
    assert response.status_code == 400
    assert response.json()


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("page=0", 404),
        ("page=abc", 404),
        ("page=99999", 404),
        ("page_size=abc", 400),
        ("page_size=null", 400),
        ("page_size=0", 400),
        ("page_size=100000", 200),
        ("lang=AAA", 400),
        ("lang=", 400),
        ("country=ZZ", 200),
        ("official=no-such-official", 200),
        ("page=", 404),
        ("to=", 400),
        ("country=", 400),
        ("year=", 400),
        ("q=", 200),
        ("unknown=1", 200),
        ("q=" + "x" * 5000, 400),
        ("q=%25_", 200),
        ("q=%00", 400),
    ],
)
def test_odd_paging_and_parameters_never_fail(client, public, query, status):
    assert client.get(f"/api/releases/?{query}").status_code == status


def test_what_the_description_allows_is_answered_not_refused(client, public):
    """Well-formed values the site's list would ask a visitor to correct."""
    month = timezone.localtime(public.published_at).month
    assert get(client, "/api/releases/", month=month)["count"] == 1  # that month of every year
    assert get(client, "/api/releases/", month=month % 12 + 1)["count"] == 0
    backwards = {"from": "2025-12-20", "to": "2025-12-19"}
    assert get(client, "/api/releases/", **backwards)["count"] == 0
    assert get(client, "/api/releases/", country="AA")["count"] == 0


def test_page_size_is_capped(client):
    for n in range(3):
        ReleaseFactory(slug=f"r{n}")
    assert len(get(client, "/api/releases/", page_size=2)["results"]) == 2
    assert get(client, "/api/releases/", page_size=2)["next"].endswith("page=2&page_size=2")


@pytest.mark.parametrize("path", ["/api/meetings/99999999999999999999/", "/api/countries/ZZ/"])
def test_odd_addresses_are_not_found(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/api/releases/%00/", "/api/meetings.csv?country=%00"])
def test_a_control_character_is_a_400_in_json_that_says_why(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "control character" in response.json()["detail"]


def test_meetings_are_public_ones_newest_first_with_filters(client, public, hidden):
    other = release_with_everything("other", code="MN")
    other.meetings.update(date="2025-12-20")
    meetings = get(client, "/api/meetings/")["results"]
    assert [(m["release"]["slug"], m["country"]["code"]) for m in meetings] == [
        ("other", "MN"),
        ("public", "KZ"),
    ]
    assert get(client, "/api/meetings/", country="MN")["results"][0]["release"]["slug"] == "other"
    assert get(client, "/api/meetings/", official="public-official")["count"] == 1
    # Not public: as if there were no such official, no meeting.
    assert get(client, "/api/meetings/", official="draft-official")["count"] == 0
    assert get(client, "/api/meetings/", year=2025)["count"] == 2
    assert get(client, "/api/meetings/", **{"from": "2025-12-20"})["count"] == 1
    assert get(client, "/api/meetings/", to="2025-12-19", kind="bilateral")["count"] == 1
    meeting = other.meetings.get()
    data = get(client, f"/api/meetings/{meeting.pk}/")
    assert data["participants"][0]["official"]["slug"] == "other-official"


def test_agreements_list_only_their_public_releases(client, public, hidden):
    agreement = public.agreements.get()
    ReleaseAgreementFactory(release=hidden["draft"], agreement=agreement)
    data = get(client, "/api/agreements/")
    assert [a["slug"] for a in data["results"]] == ["public-agreement"]
    [entry] = data["results"]
    assert [link["release"]["slug"] for link in entry["releases"]] == ["public"]
    assert [s["slug"] for s in entry["signatories"]] == ["public-official"]
    assert get(client, "/api/agreements/", country="KZ", kind="mou")["count"] == 1
    assert get(client, "/api/agreements/", kind="moc")["count"] == 0
    assert get(client, "/api/agreements/", official="public-official")["count"] == 1
    assert get(client, "/api/agreements/", official="nobody")["count"] == 0


def test_countries_are_those_of_public_releases_with_public_counts(client, public, hidden):
    data = get(client, "/api/countries/")
    assert [(c["code"], c["releases"], c["meetings"], c["agreements"]) for c in data] == [
        ("KZ", 1, 1, 1)
    ]
    kz = get(client, "/api/countries/kz/", lang="en")
    assert (kz["name"], kz["name_ja"]) == (country("KZ").name_en, country("KZ").name_ja)
    assert kz["web_url"] == "http://testserver/en/countries/kz/"


def test_officials_carry_their_posts_and_other_spellings(client, public, hidden):
    official = public.meetings.get().participants.get()
    official.other_names = "Токаев\n\nTokayev\n"
    official.save()
    data = get(client, "/api/officials/")
    assert [o["slug"] for o in data["results"]] == ["public-official"]
    detail = get(client, "/api/officials/public-official/", lang="en")
    assert detail["other_names"] == ["Токаев", "Tokayev"]
    assert detail["posts"][0]["title"] == "President"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_queries_do_not_grow_with_the_number_of_rows(
    client, django_assert_max_num_queries, endpoint
):
    release_with_everything("first")
    with django_assert_max_num_queries(20) as few:
        get(client, f"/api/{endpoint}/")
    for n in range(6):
        release_with_everything(f"more-{n}", code=["KZ", "UZ", "MN"][n % 3])
    with django_assert_max_num_queries(20) as many:
        get(client, f"/api/{endpoint}/")
    assert len(few.captured_queries) == len(many.captured_queries)


@pytest.mark.parametrize("path", ["releases/first", "agreements/first-agreement"])
def test_detail_queries_do_not_grow_with_the_number_of_parts(
    client, django_assert_max_num_queries, path
):
    release = release_with_everything("first")
    with django_assert_max_num_queries(20) as few:
        get(client, f"/api/{path}/")
    for n in range(4):
        more = release_with_everything(f"more-{n}")
        more.meetings.update(release=release)
        ReleaseAgreementFactory(release=more, agreement=release.agreements.get())
    with django_assert_max_num_queries(20) as many:
        get(client, f"/api/{path}/")
    assert len(few.captured_queries) == len(many.captured_queries)


def test_the_api_is_read_only(client, public):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(
            "/api/releases/public/", {}, content_type="application/json"
        )
        assert response.status_code == 405
