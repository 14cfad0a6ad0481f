"""Topical events: the public page tells the event's story in date order, from public releases
only; the release list, its feeds, calendar and alerts take the event as a filter; the sitemap
lists event pages; saving an event gives the public caches a new version."""

import datetime

import feedparser
import pytest
from django.http import QueryDict
from django.urls import reverse
from icalendar import Calendar
from reversion.models import Version

from alerts.services import matching, read_filters
from releases import drafts
from releases.models import Release, TopicalEvent
from tests.admin_forms import errors, form_data
from tests.factories import (
    AgreementFactory,
    MeetingFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    TopicalEventFactory,
    country,
)
from tests.pages import soup_of, tokyo, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def summit():
    """An event with a public release (its meetings on 18 and 19 December), an agreement signed
    on 4 December, and, attached too, a draft, a scheduled and a withdrawn release with a
    meeting and an agreement each, none of which may show."""
    event = TopicalEventFactory(slug="summit", name_ja="中央アジア首脳会合", name_en="CA Summit")
    public = ReleaseFactory(
        slug="public-release",
        title_ja="公開リリース",
        title_en="Public release",
        published_at=tokyo(2025, 12, 22, 14),
        countries=[country("KZ")],
    )
    first = MeetingFactory(release=public, date=datetime.date(2025, 12, 19), title_en="Talks B")
    early = MeetingFactory(release=public, date=datetime.date(2025, 12, 18), title_en="Talks A")
    mou = AgreementFactory(slug="mou", title_en="MOU signed", signed_on=datetime.date(2025, 12, 4))
    ReleaseAgreementFactory(release=public, agreement=mou)
    event.releases.add(public)
    event.meetings.add(first, early)
    event.agreements.add(mou)
    for state, status, moment in [
        ("draft", Release.Status.DRAFT, None),
        ("scheduled", Release.Status.PUBLISHED, tokyo(2099, 1, 1, 9)),
        ("withdrawn", Release.Status.WITHDRAWN, tokyo(2025, 12, 20, 9)),
    ]:
        hidden = ReleaseFactory(
            slug=f"{state}-release",
            title_en=f"HIDDEN{state} release",
            status=status,
            published_at=moment,
        )
        meeting = MeetingFactory(release=hidden, title_en=f"HIDDEN{state} meeting")
        agreement = AgreementFactory(slug=f"{state}-mou", title_en=f"HIDDEN{state} agreement")
        ReleaseAgreementFactory(release=hidden, agreement=agreement)
        event.releases.add(hidden)
        event.meetings.add(meeting)
        event.agreements.add(agreement)
    return event


def story_titles(response):
    soup = soup_of(response)
    return [
        item.select_one(".timeline__title").get_text(strip=True) for item in soup.select(".story")
    ]


def test_event_page_tells_the_story_in_date_order_in_english(client, summit):
    response = client.get(url("releases:event", "en", slug="summit"))
    assert story_titles(response) == ["MOU signed", "Talks A", "Talks B", "Public release"]
    soup = soup_of(response)
    assert soup.h1.get_text(strip=True) == "CA Summit"
    days = [time["datetime"] for time in soup.select(".story .timeline__date time")]
    assert days == ["2025-12-04", "2025-12-18", "2025-12-19", "2025-12-22"]


def test_event_page_in_japanese(client, summit):
    soup = soup_of(client.get(url("releases:event", "ja", slug="summit")))
    assert soup.h1.get_text(strip=True) == "中央アジア首脳会合"
    assert "公開リリース" in soup.select(".story")[-1].get_text()
    assert soup.html["lang"] == "ja"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_what_is_not_public_never_shows_on_the_event_page(client, summit, lang):
    html = client.get(url("releases:event", lang, slug="summit")).content.decode()
    assert "HIDDEN" not in html


def test_event_with_only_unpublished_releases_is_not_found_anywhere(client, summit):
    hidden = TopicalEventFactory(slug="secret", name_en="SECRETEVENT")
    hidden.releases.add(Release.objects.get(slug="draft-release"))
    hidden.meetings.add(Release.objects.get(slug="scheduled-release").meetings.get())
    assert client.get(url("releases:event", "en", slug="secret")).status_code == 404
    assert "SECRETEVENT" not in client.get(url("releases:events", "en")).content.decode()
    assert "secret" not in client.get("/sitemap-events.xml").content.decode()
    listed = client.get(url("releases:list", "en") + "?event=secret").content.decode()
    assert "SECRETEVENT" not in listed


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_unknown_event_is_a_404(client, lang):
    assert client.get(url("releases:event", lang, slug="no-such-event")).status_code == 404


def test_event_list_links_each_public_event(client, summit):
    soup = soup_of(client.get(url("releases:events", "en")))
    links = [a["href"] for a in soup.select(".event-list a")]
    assert links == ["/en/events/summit/"]


def test_a_meetings_release_belongs_to_its_event(client, summit):
    """Attaching a meeting brings its (public) release into the event's list and feed."""
    other = ReleaseFactory(slug="other", title_en="Other release", published_at=tokyo(2025, 12, 23))
    summit.meetings.add(MeetingFactory(release=other, date=datetime.date(2025, 12, 20)))
    soup = soup_of(client.get(url("releases:list", "en") + "?event=summit"))
    titles = [a.get_text(strip=True) for a in soup.select(".card__title a, h2 a, h3 a")]
    assert "Other release" in titles and "Public release" in titles


def test_release_page_links_back_to_its_events(client, summit):
    soup = soup_of(client.get(url("releases:detail", "en", slug="public-release")))
    links = soup.select(".release__events a")
    assert [(a.get_text(strip=True), a["href"]) for a in links] == [
        ("CA Summit", "/en/events/summit/")
    ]


def test_event_feed_has_only_its_public_releases(client, summit):
    ReleaseFactory(slug="unrelated", title_en="Unrelated")
    feed = feedparser.parse(client.get("/en/releases/feed/rss/?event=summit").content)
    assert [entry.title for entry in feed.entries] == ["Public release"]
    assert "CA Summit" in feed.feed.title


def test_event_calendar_has_its_public_meetings(client, summit):
    other = MeetingFactory(release=Release.objects.get(slug="public-release"), title_en="Not its")
    assert other.topical_events.count() == 0
    calendar = Calendar.from_ical(client.get("/en/meetings.ics?event=summit").content)
    summaries = sorted(str(event["summary"]) for event in calendar.walk("VEVENT"))
    assert summaries == ["Talks A", "Talks B"]


def test_alerts_keep_the_event_filter_and_match_its_releases(summit):
    query, chips = read_filters(QueryDict("event=summit&page=2"))
    assert query == "event=summit"
    assert [(chip["label"], chip["value"]) for chip in chips] == [("特集", "中央アジア首脳会合")]
    outside = ReleaseFactory(slug="outside")
    public = Release.objects.published()
    assert list(matching(public, query).values_list("slug", flat=True)) == ["public-release"]
    assert not matching(public.filter(pk=outside.pk), query).exists()


def test_alerts_subscribe_page_names_the_event(client, summit):
    soup = soup_of(client.get("/en/alerts/?event=summit"))
    assert "CA Summit" in soup.get_text()


def test_unknown_event_filter_is_ignored_on_the_list_and_names_nothing_in_the_api(client, summit):
    soup = soup_of(client.get("/en/releases/?event=no-such-event"))
    assert "Topical event" in soup.get_text()  # listed among the ignored filters
    # As `?official=nobody`: a slug the description allows is an answer, an empty one.
    unknown = client.get("/api/releases/?event=no-such-event")
    assert unknown.status_code == 200 and unknown.json()["count"] == 0
    found = client.get("/api/releases/?event=summit").json()
    assert [row["slug"] for row in found["results"]] == ["public-release"]


def test_sitemap_lists_the_event_in_both_languages(client, summit):
    xml = client.get("/sitemap-events.xml").content.decode()
    assert "/ja/events/summit/" in xml and "/en/events/summit/" in xml
    index = client.get(reverse("sitemap")).content.decode()
    assert "sitemap-events.xml" in index


def test_admin_pages_of_events(staff_client, summit):
    assert staff_client.get(reverse("admin:releases_topicalevent_changelist")).status_code == 200
    assert staff_client.get(reverse("admin:releases_topicalevent_add")).status_code == 200
    change = reverse("admin:releases_topicalevent_change", args=[summit.pk])
    assert staff_client.get(change).status_code == 200


def test_staff_create_an_event_and_attach_releases_meetings_and_agreements(staff_client, summit):
    release = Release.objects.get(slug="public-release")
    meeting, agreement = release.meetings.first(), release.agreements.get()
    url_add = reverse("admin:releases_topicalevent_add")
    data = form_data(staff_client.get(url_add), "topicalevent_form")
    data.update(
        name_ja="新しい特集",
        name_en="New event",
        slug="new-event",
        start_date="2026-01-10",
        releases=[str(release.pk)],
        meetings=[str(meeting.pk)],
        agreements=[str(agreement.pk)],
        countries=[str(country("UZ").pk)],
    )
    response = staff_client.post(url_add, data)
    assert response.status_code == 302, errors(response)
    event = TopicalEvent.objects.get(slug="new-event")
    assert list(event.releases.all()) == [release]
    assert list(event.meetings.all()) == [meeting]
    assert list(event.agreements.all()) == [agreement]
    assert Version.objects.get_for_object(event).count() == 1


def test_event_ending_before_it_starts_is_a_form_error(staff_client):
    url_add = reverse("admin:releases_topicalevent_add")
    data = form_data(staff_client.get(url_add), "topicalevent_form")
    data.update(name_ja="特集", slug="x", start_date="2026-01-10", end_date="2026-01-09")
    response = staff_client.post(url_add, data)
    assert response.status_code == 200
    assert any("終了日" in error or "end" in error for error in errors(response))


def test_the_release_form_attaches_an_event(staff_client, publisher, summit):
    release = ReleaseFactory(slug="new-release", title_ja="新規")
    change = reverse("admin:releases_release_change", args=[release.pk])
    data = form_data(staff_client.get(change), "release_form")
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS") and "topicalevent" in k.lower())
    prefix = prefix.removesuffix("-TOTAL_FORMS")
    data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-topicalevent": str(summit.pk)})
    response = staff_client.post(change, data)
    assert response.status_code == 302, errors(response)
    # The release is live: the new link waits with the other changes for a publisher, and the
    # form shows it meanwhile.
    assert list(release.topical_events.all()) == []
    assert summit.name in staff_client.get(change).content.decode()
    drafts.publish(release, publisher, note_ja="特集に追加")
    assert list(release.topical_events.all()) == [summit]


@pytest.mark.django_db(transaction=True)
def test_a_change_to_an_event_reaches_its_cached_page_at_once(client, countries):
    event = TopicalEventFactory(slug="cached", name_en="Before")
    event.releases.add(ReleaseFactory())
    page = url("releases:event", "en", slug="cached")
    assert client.get(page)["X-Page-Cache"] == "miss"
    assert client.get(page)["X-Page-Cache"] == "hit"
    event.name_en = "After"
    event.save()
    response = client.get(page)
    assert response["X-Page-Cache"] == "miss"
    assert b"After" in response.content
    event.meetings.add(MeetingFactory(release=event.releases.get(), title_en="Added talks"))
    assert b"Added talks" in client.get(page).content


def test_an_events_text_is_shown_as_text(client, summit):
    summit.name_en = '<script>alert("name")</script>'
    summit.description_en = '<img src=x onerror="alert(1)">'
    summit.save()
    for address in [
        url("releases:event", "en", slug="summit"),
        url("releases:events", "en"),
        url("releases:detail", "en", slug="public-release"),
    ]:
        html = client.get(address).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;" in html
