"""Bad days: with the database unreachable (for real: see the database_down fixture), pages,
feeds and the sitemap are a calm 503 in both languages, the API a JSON 503, and a CSV download
fails before its first byte."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import MeetingFactory, ReleaseFactory

PAGES = [
    ("releases:home", {}),
    ("releases:list", {}),
    ("releases:detail", {"slug": "any-release"}),
    ("releases:countries", {}),
    ("releases:country", {"code": "kz"}),
    ("releases:agreements", {}),
    ("feeds:rss", {}),
    ("feeds:atom", {}),
    ("feeds:page", {}),
]


def url(name, language, kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def assert_calm_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("name,kwargs", PAGES, ids=[name for name, _ in PAGES])
def test_pages_and_feeds_are_a_calm_503(client, database_down, name, kwargs, language):
    response = client.get(url(name, language, kwargs))
    assert_calm_503(response)
    html = response.content.decode()
    assert ("ただいま一時的にご覧いただけません" in html) == (language == "ja")
    assert ("Briefly unavailable" in html) == (language == "en")


@pytest.mark.parametrize("path", ["/sitemap.xml", "/sitemap-releases.xml"])
def test_the_sitemap_is_a_503_too(client, database_down, path):
    response = client.get(path)
    assert_calm_503(response)
    assert "Briefly unavailable" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/api/releases/", "/api/releases/any-release/", "/api/countries/", "/api/meetings/"]
)
def test_the_api_answers_a_503_in_json(client, database_down, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert_calm_503(response)
    assert response.json() == {
        "detail": "The service is briefly unavailable. Please try again shortly."
    }


def test_the_apis_503_speaks_japanese_too(client, database_down):
    response = client.get("/api/releases/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.json() == {
        "detail": "ただいま一時的にご利用いただけません。しばらくしてからもう一度お試しください。"
    }


@pytest.mark.parametrize("name", ["api:meetings-csv", "api:agreements-csv"])
def test_a_csv_download_fails_before_its_first_byte(client, database_down, name):
    response = client.get(reverse(name))
    assert_calm_503(response)
    assert not response.streaming
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_a_csv_download_still_streams_every_row(client):
    MeetingFactory(release=ReleaseFactory(), title_ja="会談A")
    response = client.get(reverse("api:meetings-csv"))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeffid,date")
    assert "会談A" in body


@pytest.mark.parametrize(
    "language,shown,absent",
    [
        ("ja", "ただいま一時的にご覧いただけません", "Briefly unavailable"),
        ("en", "Briefly unavailable", "ただいま"),
    ],
)
def test_the_outage_page_speaks_the_language_of_its_address(
    client, database_down, language, shown, absent
):
    response = client.get(url("releases:list", language, {}), HTTP_ACCEPT_LANGUAGE="ja,en")
    assert_calm_503(response)
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert shown in html
    assert absent not in html
    assert f'href="/{language}/"' in html


@pytest.mark.parametrize(
    "cookie,accept,lang",
    [("en", "ja", "en"), ("ja", "en", "ja"), (None, "en-GB,en;q=0.8", "en"), (None, "ja", "ja")],
)
def test_the_admins_outage_page_speaks_the_interface_language(
    staff_client, settings, database_down, cookie, accept, lang
):
    if cookie:
        staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    response = staff_client.get("/admin/releases/release/", HTTP_ACCEPT_LANGUAGE=accept)
    assert_calm_503(response)
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert ("Briefly unavailable" in html) == (lang == "en")
    assert ("ただいま一時的にご覧いただけません" in html) == (lang == "ja")


def test_the_outage_page_speaks_both_languages_when_none_can_be_known(staff_client, database_down):
    response = staff_client.get("/admin/releases/release/", HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert '<h2 lang="en">Briefly unavailable</h2>' in html
    assert "ただいま一時的にご覧いただけません" in html
