"""The meetings as an iCalendar feed: parsed back with icalendar."""

import datetime

import pytest
from django.utils import timezone
from icalendar import Calendar

from releases.models import Release
from tests.factories import (
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    ReleaseFactory,
    country,
)

pytestmark = pytest.mark.django_db


def events(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return {str(e["UID"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}


@pytest.fixture
def meeting(settings):
    settings.SITE_URL = "https://press.example.org"
    release = ReleaseFactory(title_en="Talks in Astana", countries=[country("KZ")])
    meeting = MeetingFactory(
        release=release,
        date=datetime.date(2025, 12, 19),
        end_date=datetime.date(2025, 12, 20),
        title_en="Bilateral talks",
        place_en="Astana",
    )
    official = OfficialFactory(name_en="Kassym-Jomart Tokayev", slug="tokayev")
    MeetingParticipantFactory(meeting=meeting, official=official, title_en="President")
    return meeting


def test_meeting_is_an_all_day_event_with_place_officials_country_and_link(client, meeting):
    event = events(client, "/en/meetings.ics")[f"meeting-{meeting.pk}@press.example.org"]
    assert event.decoded("DTSTART") == datetime.date(2025, 12, 19)
    assert event.decoded("DTEND") == datetime.date(2025, 12, 21)  # exclusive end
    assert str(event["SUMMARY"]) == "Bilateral talks"
    assert str(event["LOCATION"]) == "Astana, Kazakhstan"
    description = str(event["DESCRIPTION"])
    assert "Kassym-Jomart Tokayev (President)" in description
    assert "Talks in Astana" in description
    url = f"http://testserver/en/releases/{meeting.release.slug}/#meeting-{meeting.pk}"
    assert str(event["URL"]) == url


def test_uid_is_stable_and_text_follows_the_language(client, meeting):
    ja = events(client, "/ja/meetings.ics")
    en = events(client, "/en/meetings.ics")
    assert ja.keys() == en.keys() == events(client, "/en/meetings.ics").keys()
    uid = f"meeting-{meeting.pk}@press.example.org"
    assert "カザフスタン" in str(ja[uid]["LOCATION"])


def test_embargo_holds_in_the_calendar(client, meeting):
    later = MeetingFactory(
        release=ReleaseFactory(published_at=timezone.now() + datetime.timedelta(hours=1))
    )
    draft = MeetingFactory(release=ReleaseFactory(status=Release.Status.DRAFT, published_at=None))
    uids = events(client, "/en/meetings.ics").keys()
    assert f"meeting-{meeting.pk}@press.example.org" in uids
    assert not {f"meeting-{m.pk}@press.example.org" for m in (later, draft)} & uids


def test_filters_by_country_official_and_date(client, meeting):
    elsewhere = MeetingFactory(
        release=ReleaseFactory(
            countries=[country("UZ")], published_at=timezone.now() - datetime.timedelta(days=400)
        ),
        country=country("UZ"),
    )
    uid = f"meeting-{meeting.pk}@press.example.org"
    other = f"meeting-{elsewhere.pk}@press.example.org"
    assert events(client, "/en/meetings.ics?country=KZ").keys() == {uid}
    assert events(client, "/en/meetings.ics?country=UZ").keys() == {other}
    assert events(client, "/en/meetings.ics?official=tokayev").keys() == {uid}
    year = timezone.localdate().year
    assert uid in events(client, f"/en/meetings.ics?year={year}")
    assert other not in events(client, f"/en/meetings.ics?year={year}")


def test_invalid_filters_are_ignored(client, meeting):
    assert len(events(client, "/en/meetings.ics?country=ZZ&year=abc&official=../x")) == 1


def test_calendar_query_count_does_not_grow_with_meetings(
    client, meeting, django_assert_num_queries
):
    for _ in range(5):
        MeetingParticipantFactory(meeting=MeetingFactory(release=meeting.release))
    with django_assert_num_queries(3):  # country lookup, meetings, participants
        client.get("/en/meetings.ics?country=KZ")


def test_country_and_official_pages_link_their_calendar(client, meeting):
    page = client.get("/en/countries/kz/")
    assert 'href="/en/meetings.ics?country=KZ"' in page.text
    assert 'href="/en/alerts/?country=KZ"' in page.text
    page = client.get("/en/officials/tokayev/")
    assert 'href="/en/meetings.ics?official=tokayev"' in page.text
