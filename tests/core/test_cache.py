"""The page cache and HTTP caching in one process (tests/core/test_shared_cache.py runs two).

These tests commit their rows (transactional_db): inside an uncommitted transaction that
changed content, nothing is read from or written to the shared cache, so that no other server
ever sees rows that may be rolled back.
"""

import datetime
import pickle
import re
import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from django.utils.http import http_date

from core.cache import PageCacheMiddleware, prefetched_as_lists
from releases.models import Release
from tests.factories import (
    AgreementFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    country,
)
from tests.pages import url

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


def test_without_the_page_cache_the_list_reads_its_aggregates_from_the_cache(
    client, site, settings, django_assert_num_queries
):
    settings.PAGE_CACHE = False
    first = client.get("/en/releases/?country=KZ")
    # no count, no facets, the country of the filter from the cache, the order of a short
    # list's releases too, and neither the releases nor their countries, whose cards are cached
    with django_assert_num_queries(0):
        second = client.get("/en/releases/?country=KZ")
    assert second.content == first.content
    assert b"Summit with Kazakhstan" in second.content


def test_without_the_page_cache_a_page_of_the_whole_list_costs_no_query_the_second_time(
    client, site, settings, django_assert_num_queries
):
    """The whole list is read a page at a time through its index; each page keeps its ids per
    content version, so a deep page's second request walks no index."""
    settings.PAGE_CACHE = False
    for n in range(45):
        ReleaseFactory(
            slug=f"older-{n}", published_at=site.published_at - datetime.timedelta(days=n + 1)
        )
    first = client.get("/en/releases/?page=3")
    with django_assert_num_queries(0):
        second = client.get("/en/releases/?page=3")
    assert second.content == first.content
    page_two = client.get("/en/releases/?page=2").content.decode()
    assert "/en/releases/older-19/" in page_two and "/en/releases/older-18/" not in page_two
    # A change: the ids are read again, and the pages move.
    ReleaseFactory(slug="newest", published_at=timezone.now() - datetime.timedelta(minutes=1))
    page_two = client.get("/en/releases/?page=2").content.decode()
    assert "/en/releases/older-18/" in page_two and "/en/releases/older-38/" not in page_two


@pytest.mark.parametrize("path", ["/ja/agreements/", "/en/agreements/?country=KZ"])
def test_without_the_page_cache_the_agreements_register_costs_no_query_the_second_time(
    client, site, settings, django_assert_num_queries, path
):
    """A register of a few thousand agreements keeps its order per content version: its
    entries, its count and its filters' choices come from the cache."""
    settings.PAGE_CACHE = False
    first = client.get(path)
    with django_assert_num_queries(0):
        second = client.get(path)
    assert second.content == first.content
    assert b"lithium-mou" in second.content


def test_without_the_page_cache_parts_of_pages_are_rendered_once_per_version(
    client, site, settings, django_assert_num_queries
):
    """Release cards, timeline items and sidebars come from the cache, and the order of the
    country's releases (with their years) is read once per content version: the country
    page's second request makes no query."""
    settings.PAGE_CACHE = False
    first = client.get("/en/countries/kz/")
    with django_assert_num_queries(0):
        second = client.get("/en/countries/kz/")
    assert second.content == first.content
    assert b"Tokayev" in second.content and b"lithium-mou" in second.content


def test_without_the_page_cache_an_official_page_costs_no_query_the_second_time(
    client, site, settings, django_assert_num_queries
):
    """The order of an official's meetings is read once per content version, like a count:
    the page slices it, and its meetings' items come from the cache."""
    settings.PAGE_CACHE = False
    first = client.get("/en/officials/tokayev/")
    with django_assert_num_queries(0):
        second = client.get("/en/officials/tokayev/")
    assert second.content == first.content
    assert b"Summit with Kazakhstan" in second.content


def test_an_agreement_card_is_rendered_once_for_the_releases_that_link_it_alike(
    client, site, settings
):
    """A card shows the agreement and whether the release only mentions it: the same on every
    release linking it so. A second release reuses it; an edit reaches both at once."""
    settings.PAGE_CACHE = False
    agreement = site.agreement_links.get().agreement
    other = ReleaseFactory(slug="follow-up")
    ReleaseAgreementFactory(release=other, agreement=agreement)
    mentioning = ReleaseFactory(slug="mentions-it")
    ReleaseAgreementFactory(release=mentioning, agreement=agreement, role="mentions")

    def card(slug):
        response = client.get(f"/en/releases/{slug}/")
        rendered = "includes/agreement_card.html" in [t.name for t in response.templates]
        html = response.content.decode()
        return rendered, html[
            html.index('<ul class="cards">') : html.index("</ul>", html.index('<ul class="cards">'))
        ]

    rendered, first = card("summit")
    assert rendered
    assert card("follow-up") == (False, first)  # the same card, from the cache
    rendered, mentioned = card("mentions-it")
    assert rendered and "Mentioned" in mentioned and "Mentioned" not in first
    agreement.title_en = "Lithium MOU, amended"
    agreement.save()
    for slug in ("summit", "follow-up", "mentions-it"):
        assert "Lithium MOU, amended" in card(slug)[1]


def test_link_previews_and_structured_data_name_the_address_the_page_was_asked_at(
    client, site, settings
):
    """What machines read in a release page's head is kept per content version, but its
    addresses are absolute: a server reached by two names, or by http and https, gives each
    its own."""
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


@pytest.fixture
def shared_reads(monkeypatch):
    """The reads this process sends to the shared cache (each a round trip to Redis)."""
    from django.core.cache import cache

    reads = []

    def spy(method):
        def read(*args, **kwargs):
            reads.append(args[0])
            return method(*args, **kwargs)

        return read

    for name in ("get", "get_many"):
        monkeypatch.setattr(cache, name, spy(getattr(cache, name)))
    return reads


@pytest.mark.parametrize(
    "path", ["/en/countries/kz/", "/ja/officials/tokayev/", "/ja/releases/summit/", "/en/releases/"]
)
def test_without_the_page_cache_a_page_asks_the_shared_cache_once_for_its_version(
    client, site, settings, shared_reads, path
):
    """What a server read of the shared cache under the current version it keeps: the next
    request reads the version (a change made on any server replaces it) and nothing else."""
    settings.PAGE_CACHE = False
    first = client.get(path)
    shared_reads.clear()
    second = client.get(path)
    assert second.content == first.content
    assert shared_reads == ["content:version"]


def test_what_a_server_keeps_of_the_cache_ends_at_the_next_scheduled_publication(
    client, site, settings, time_machine
):
    """The country's counts come from the cache: at its moment the release is in them."""
    settings.PAGE_CACHE = False
    time_machine.move_to(timezone.now(), tick=False)
    ReleaseFactory(
        slug="at-noon",
        title_en="Noon announcement",
        published_at=timezone.now() + datetime.timedelta(seconds=40),
        countries=[country("KZ")],
    )

    def releases_counted():
        page = client.get("/en/countries/kz/").content.decode()
        return re.search(r'stats__n">(\d+)</span> releases?<', page)[1]

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


def test_a_release_withdrawn_between_the_ids_and_the_rows_is_left_out(client, site, settings):
    """A page reads the ids of its rows, then the rows whose HTML is not cached: a release
    withdrawn in between is not shown (and the page does not fail)."""
    from releases.templatetags import site_tags

    settings.PAGE_CACHE = False
    other = ReleaseFactory(slug="other", title_en="Another release")
    original = site_tags._Lazy.get

    def withdrawn_meanwhile(self, pk):
        Release.objects.filter(pk=other.pk).update(status=Release.Status.WITHDRAWN)
        return original(self, pk)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(site_tags._Lazy, "get", withdrawn_meanwhile)
        page = client.get("/en/releases/")
    assert page.status_code == 200
    assert "Summit with Kazakhstan" in page.content.decode()
    assert "Another release" not in page.content.decode()


def test_what_a_server_keeps_beside_the_shared_cache_stays_within_its_byte_budget():
    """A list's order can hold thousands of ids: the least recently used entries make room."""
    from core.cache import _MISSING, _Near

    near = _Near(size=100, budget=40_000)
    until = time.time() + 60
    near.put("v1", [("a", list(range(4000)))], until)  # about 12 kB pickled
    near.put("v1", [("b", list(range(4000)))], until)
    assert near.get("v1", "a", time.time()) == list(range(4000))  # a is now the most recent
    near.put("v1", [("c", list(range(4000)))], until)
    near.put("v1", [("d", list(range(4000)))], until)  # over budget: b, the oldest read, goes
    assert near.get("v1", "b", time.time()) is _MISSING
    assert near.get("v1", "a", time.time()) == list(range(4000))
    assert near.bytes <= 40_000
    near.put("v2", [("e", [1])], until)  # a new version: nothing of the old one is kept
    assert near.get("v2", "a", time.time()) is _MISSING
    assert near.bytes == len(pickle.dumps([1], pickle.HIGHEST_PROTOCOL))


def test_a_release_kept_in_the_cache_holds_its_parts_as_lists_read_without_a_query(
    django_assert_num_queries,
):
    release = ReleaseFactory(slug="kept")
    meeting = MeetingFactory(release=release)
    MeetingParticipantFactory(meeting=meeting, official=OfficialFactory(name_en="Tokayev"))
    [fetched] = prefetched_as_lists(list(Release.objects.filter(pk=release.pk).with_details()))
    copy = pickle.loads(pickle.dumps(fetched))  # noqa: S301 - what the test pickled
    with django_assert_num_queries(0):
        [kept_meeting] = copy.meetings.all()
        [participation] = kept_meeting.participations.all()
        assert participation.official.name_en == "Tokayev"
        assert isinstance(copy.sections.all(), list) and copy.sections.all() == []
    # Nothing reads it as a queryset by mistake: that would be a query per request.
    with pytest.raises(AttributeError):
        copy.meetings.filter(pk=meeting.pk)
