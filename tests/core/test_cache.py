"""The page cache and HTTP caching in one process (tests/core/test_shared_cache.py runs two).

These tests commit their rows (transactional_db): inside an uncommitted transaction that
changed content, nothing is read from or written to the shared cache, so that no other server
ever sees rows that may be rolled back.
"""

import datetime
import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from django.utils.http import http_date

from core import cache as seam
from core.cache import PageCacheMiddleware
from tests.factories import (
    AgreementFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    country,
)
from tests.pages import soup_of, url

pytestmark = pytest.mark.usefixtures("countries")

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def site(countries):
    release = ReleaseFactory(slug="summit", title_en="Summit with Kazakhstan")
    release.countries.add(country("KZ"))
    official = OfficialFactory(slug="tokayev", name_en="Tokayev")
    meeting = MeetingFactory(release=release)
    MeetingParticipantFactory(meeting=meeting, official=official)
    agreement = AgreementFactory(slug="lithium-mou")
    agreement.signatories.add(official)
    ReleaseAgreementFactory(release=release, agreement=agreement)
    return release


PUBLIC_PAGES = [
    "/ja/",
    "/ja/releases/",
    "/en/releases/?country=KZ&year=2025",
    "/ja/releases/?q=summit&page=1",
    "/ja/releases/summit/",
    "/en/countries/",
    "/en/countries/kz/",
    "/ja/officials/tokayev/",
    "/ja/agreements/",
    "/ja/agreements/lithium-mou/",
    "/en/releases/feed/rss/",
    "/ja/releases/feed/atom/?country=KZ",
    "/sitemap.xml",
    "/sitemap-releases.xml",
    "/robots.txt",
    "/api/releases/",
    "/api/releases/summit/",
    "/api/countries/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_the_second_request_for_a_public_page_costs_no_query(
    client, site, django_assert_num_queries, path
):
    first = client.get(path)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(path)
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["ETag"] == first["ETag"]
    assert second["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_send_validators_and_answer_conditional_requests(client, site, path):
    response = client.get(path)
    assert response["Cache-Control"] == (
        "public, max-age=60, s-maxage=60, stale-while-revalidate=60"
    )
    assert client.get(path, headers={"If-None-Match": response["ETag"]}).status_code == 304
    since = response["Last-Modified"]
    assert client.get(path, headers={"If-Modified-Since": since}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_change_gives_a_new_etag_and_a_full_answer(client, site):
    page = url("releases:detail", "en", slug="summit")
    etag = client.get(page)["ETag"]
    site.title_en = "Summit with Kazakhstan and Uzbekistan"
    site.save()
    response = client.get(page, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert b"and Uzbekistan" in response.content
    assert response["ETag"] != etag


def test_without_the_page_cache_pages_still_answer_304(client, site, settings):
    settings.PAGE_CACHE = False
    response = client.get("/ja/releases/summit/")
    assert "X-Page-Cache" not in response
    assert (
        client.get("/ja/releases/summit/", headers={"If-None-Match": response["ETag"]}).status_code
        == 304
    )


def test_a_deep_page_of_the_list_moves_when_a_release_is_added(client, site):
    for n in range(45):
        ReleaseFactory(
            slug=f"older-{n}", published_at=site.published_at - datetime.timedelta(days=n + 1)
        )
    page_two = client.get("/en/releases/?page=2").content.decode()
    assert "/en/releases/older-19/" in page_two and "/en/releases/older-18/" not in page_two
    ReleaseFactory(slug="newest", published_at=timezone.now() - datetime.timedelta(minutes=1))
    page_two = client.get("/en/releases/?page=2").content.decode()
    assert "/en/releases/older-18/" in page_two and "/en/releases/older-38/" not in page_two


def test_link_previews_and_structured_data_name_the_address_the_page_was_asked_at(
    client, site, settings
):
    """A server reached by two names, or by http and https, gives each its own addresses."""
    settings.PAGE_CACHE = False
    settings.ALLOWED_HOSTS = ["testserver", "press.example.org"]
    for host, scheme in [
        ("testserver", "http"),
        ("press.example.org", "https"),
        ("testserver", "https"),
    ]:
        response = client.get(
            "/en/releases/summit/", headers={"host": host}, secure=scheme == "https"
        )
        address = f"{scheme}://{host}/en/releases/summit/"
        assert f'<meta property="og:url" content="{address}">' in response.content.decode()
        assert f'"url":"{address}"' in response.content.decode()


def test_a_cached_fragment_ends_at_the_next_scheduled_publication(
    client, site, settings, time_machine
):
    """The list's facets are a kept fragment: at its moment the release is counted in them."""
    settings.PAGE_CACHE = False
    time_machine.move_to(timezone.now(), tick=False)
    ReleaseFactory(
        slug="at-noon",
        title_en="Noon announcement",
        published_at=timezone.now() + datetime.timedelta(seconds=40),
        countries=[country("KZ")],
    )

    def releases_counted():
        page = soup_of(client.get("/en/releases/"))
        return page.select_one(".finder__facets .count-list .count").text

    assert releases_counted() == "1"
    time_machine.shift(39)
    assert releases_counted() == "1"
    time_machine.shift(1)
    assert releases_counted() == "2"


@pytest.mark.parametrize(
    ("path", "before", "after"),
    [
        ("/en/releases/", "Kazakhstan", "Qazaqstan"),  # a card's country
        ("/en/releases/?country=KZ", "Kazakhstan", "Qazaqstan"),  # the filters and facets
        ("/en/countries/kz/", "Tokayev", "K.-J. Tokayev"),  # a timeline item's official
        ("/en/officials/tokayev/", "Tokayev", "K.-J. Tokayev"),  # the official's meetings
        ("/en/", "Summit with Kazakhstan", "Summit in Astana"),  # the home page's cards
    ],
)
def test_without_the_page_cache_a_change_reaches_every_cached_part(
    client, site, settings, path, before, after
):
    settings.PAGE_CACHE = False
    assert before in client.get(path).content.decode()
    kazakhstan = country("KZ")
    kazakhstan.name_en = "Qazaqstan"
    kazakhstan.save()
    official = site.meetings.get().participants.get()
    official.name_en = "K.-J. Tokayev"
    official.save()
    site.title_en = "Summit in Astana"
    site.save()
    page = client.get(path).content.decode()
    assert after in page
    assert f">{before}<" not in page


def test_pages_in_both_languages_are_cached_apart(client, site):
    client.get("/api/releases/summit/", headers={"Accept-Language": "ja"})
    english = client.get("/api/releases/summit/", headers={"Accept-Language": "en"})
    assert english.json()["title"] == "Summit with Kazakhstan"
    assert "Accept-Language" in english["Vary"]
    assert "Cookie" not in english["Vary"]


def test_a_language_prefixed_page_does_not_vary_on_the_language_header(client, site):
    assert "Vary" not in client.get("/ja/releases/")


def test_nothing_is_cached_past_the_next_scheduled_publication(client, site, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    ReleaseFactory(
        slug="at-noon",
        title_ja="正午の発表",
        published_at=timezone.now() + datetime.timedelta(seconds=40),
    )
    before = client.get("/ja/releases/")
    assert before["Cache-Control"] == "public, max-age=40, s-maxage=40, stale-while-revalidate=0"
    assert "正午の発表" not in before.content.decode()
    time_machine.shift(39)
    assert client.get("/ja/releases/")["X-Page-Cache"] == "hit"
    time_machine.shift(1)
    after = client.get("/ja/releases/")
    assert "正午の発表" in after.content.decode()
    assert after["Cache-Control"] == "public, max-age=60, s-maxage=60, stale-while-revalidate=60"


def test_the_last_modified_date_follows_a_scheduled_publication(client, site, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    moment = timezone.now() + 10 * MINUTE
    ReleaseFactory(published_at=moment)
    before = client.get("/ja/releases/feed/rss/")
    time_machine.move_to(moment + MINUTE, tick=False)
    after = client.get(
        "/ja/releases/feed/rss/", headers={"If-Modified-Since": before["Last-Modified"]}
    )
    assert after.status_code == 200
    assert after["Last-Modified"] == http_date(moment.timestamp())


def test_staff_pages_are_private_and_never_cached(
    site, staff_client, django_assert_max_num_queries
):
    for path in (
        "/admin/",
        f"/admin/releases/release/{site.pk}/change/",
        f"/admin/releases/release/{site.pk}/preview/",
    ):
        staff_client.get(path)
        response = staff_client.get(path)
        assert response.status_code == 200
        assert {"private", "no-store"} <= set(re.split(r",\s*", response["Cache-Control"]))
        assert "X-Page-Cache" not in response
        assert "ETag" not in response


def test_a_publication_through_the_admin_is_visible_at_the_next_request(client, site, staff_client):
    draft = ReleaseFactory(slug="draft", title_ja="下書きの発表", status="draft", published_at=None)
    assert "下書きの発表" not in client.get("/ja/releases/").content.decode()
    response = staff_client.post(
        "/admin/releases/release/",
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    assert "下書きの発表" in client.get("/ja/releases/").content.decode()


def test_a_hostile_query_string_is_cached_escaped_and_only_for_itself(client, site):
    path = "/en/releases/?q=%3Cscript%3Ealert(1)%3C/script%3E"
    for _ in range(2):
        body = client.get(path).content.decode()
        assert "<script>alert(1)" not in body
    assert "alert(1)" not in client.get("/en/releases/").content.decode()


def test_an_unknown_host_is_refused_and_caches_nothing(client, site):
    assert client.get("/ja/releases/", HTTP_HOST="evil.example").status_code == 400
    assert client.get("/ja/releases/")["X-Page-Cache"] == "miss"


# The middleware's rules, on responses no public page makes


def respond_with(response):
    calls = []

    def view(request):
        calls.append(request)
        return response() if callable(response) else response

    return PageCacheMiddleware(view), calls


def csrf_page():
    page = HttpResponse("<form>token</form>")
    page.set_cookie("csrftoken", "secret")
    page["Vary"] = "Cookie"
    return page


def nonce_page():
    page = HttpResponse('<script nonce="abc">x()</script>')
    page["Content-Security-Policy"] = "script-src 'self' 'nonce-abc'"
    return page


def private_page():
    page = HttpResponse("mine")
    page["Cache-Control"] = "private, no-store"
    return page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "response",
    [csrf_page, nonce_page, private_page, lambda: HttpResponse("gone", status=404)],
    ids=["csrf-form", "csp-nonce", "private", "not-found"],
)
def test_responses_that_depend_on_the_visitor_are_never_stored(response):
    middleware, calls = respond_with(response)
    for _ in range(2):
        answer = middleware(RequestFactory().get("/ja/somewhere/"))
        assert "public" not in answer.get("Cache-Control", "")
        assert "ETag" not in answer
    assert len(calls) == 2


@pytest.mark.django_db
def test_posts_are_never_stored_nor_answered_from_the_cache():
    middleware, calls = respond_with(lambda: HttpResponse("ok"))
    middleware(RequestFactory().get("/ja/form/"))
    for _ in range(2):
        answer = middleware(RequestFactory().post("/ja/form/"))
        assert "Cache-Control" not in answer
    assert len(calls) == 3


# The store and the content version


def test_get_or_set_computes_once_per_version_and_language(site):
    from django.utils import translation

    calls = []

    def compute():
        calls.append(translation.get_language())
        return {"ids": [1, 2, 3]}

    for language in ("ja", "ja", "en", "en"):
        with translation.override(language):
            assert seam.get_or_set("numbers", compute, "a") == {"ids": [1, 2, 3]}
    assert calls == ["ja", "en"]
    seam.content_changed()  # outside a transaction: at once
    with translation.override("ja"):
        seam.get_or_set("numbers", compute, "a")
    assert calls == ["ja", "en", "ja"]


@pytest.fixture
def bumps(monkeypatch):
    """How many times the content version was replaced."""
    counted = []
    original = seam.bump
    monkeypatch.setattr(seam, "bump", lambda: (counted.append(1), original())[1])
    return counted


def test_a_draft_and_its_parts_leave_the_public_caches_as_they_are(client, site, bumps):
    from releases.models import Section

    page = client.get("/ja/releases/")
    assert page["X-Page-Cache"] == "miss"
    draft = ReleaseFactory(
        slug="draft", title_ja="下書き", status="draft", published_at=None, issuer=site.issuer
    )
    draft.title_ja = "下書き(改)"
    draft.save()
    Section.objects.create(release=draft, heading_ja="見出し", body_ja="<p>本文</p>")
    MeetingFactory(release=draft)
    draft.countries.add(country("UZ"))
    assert bumps == []
    assert client.get("/ja/releases/")["X-Page-Cache"] == "hit"


@pytest.mark.parametrize(
    "change",
    ["published edit", "published part", "unpublish", "withdraw", "country", "official"],
)
def test_a_change_the_public_sees_gives_a_new_version(
    client, site, django_user_model, bumps, change
):
    from releases import workflow

    publisher = django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")

    if change == "published edit":
        site.title_en = "Summit, revised"
        site.save()
    elif change == "published part":
        MeetingFactory(release=site)
    elif change == "unpublish":
        workflow.unpublish(site, publisher)
    elif change == "withdraw":
        workflow.withdraw(site, publisher, "誤り")
    elif change == "country":
        kazakhstan = country("KZ")
        kazakhstan.name_en = "Qazaqstan"
        kazakhstan.save()
    else:
        official = site.meetings.get().participants.get()
        official.name_en = "K.-J. Tokayev"
        official.save()
    assert bumps


def test_a_transaction_of_many_changes_bumps_once_on_commit(site, bumps):
    from django.db import transaction

    before = seam.content_version()
    with transaction.atomic():
        for n in range(5):
            site.title_en = f"Summit {n}"
            site.save()
            MeetingFactory(release=site)
        assert bumps == [] and seam.content_version() == before
    assert len(bumps) == 1
    assert seam.content_version() != before


def test_a_change_rolled_back_bumps_nothing_and_the_next_commit_still_does(site, bumps):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        site.title_en = "Never"
        site.save()
        raise RuntimeError
    assert bumps == []
    with transaction.atomic():
        site.title_en = "Summit, later"
        site.save()
    assert len(bumps) == 1
