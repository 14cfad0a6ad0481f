import datetime

import pytest
from django.db import IntegrityError
from django.utils import translation

from people.models import Country, Post
from tests.factories import MeetingFactory, MeetingParticipantFactory, OfficialFactory, PostFactory

pytestmark = pytest.mark.django_db


def test_every_iso_country_is_there_with_both_names_and_region():
    assert Country.objects.count() >= 249
    kz = Country.objects.get(code="KZ")
    assert (kz.name_ja, kz.name_en) == ("カザフスタン", "Kazakhstan")
    with translation.override("en"):
        assert kz.region == "Central Asia"
    with translation.override("ja"):
        assert kz.region == "中央アジア"


def test_country_code_must_be_two_capital_letters():
    with pytest.raises(IntegrityError):
        Country.objects.create(code="kz", name_ja="x", name_en="x")


def test_post_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError):
        PostFactory(start_date=datetime.date(2025, 1, 2), end_date=datetime.date(2025, 1, 1))


def test_participant_keeps_the_title_held_at_the_meeting_after_the_post_changes():
    official = OfficialFactory()
    minister = PostFactory(
        official=official,
        title_ja="鉱山地質大臣",
        title_en="Minister of Mining and Geology",
        start_date=datetime.date(2023, 1, 1),
    )
    old_meeting = MeetingParticipantFactory(
        official=official, meeting=MeetingFactory(date=datetime.date(2025, 12, 19))
    )
    assert old_meeting.title_en == "Minister of Mining and Geology"

    minister.end_date = datetime.date(2026, 3, 31)
    minister.save()
    PostFactory(
        official=official,
        title_ja="副首相",
        title_en="Deputy Prime Minister",
        start_date=datetime.date(2026, 4, 1),
    )

    old_meeting.refresh_from_db()
    assert old_meeting.title_en == "Minister of Mining and Geology"
    later = MeetingParticipantFactory(
        official=official, meeting=MeetingFactory(date=datetime.date(2026, 6, 1))
    )
    assert later.title_ja == "副首相"
    assert official.post_on(datetime.date(2026, 6, 1)).title_en == "Deputy Prime Minister"


def test_an_explicit_title_at_the_time_is_not_overwritten():
    official = OfficialFactory()
    PostFactory(official=official, title_en="President")
    participant = MeetingParticipantFactory(
        official=official, title_ja="大統領代行", title_en="Acting President"
    )
    assert participant.title_en == "Acting President"


def test_official_without_posts_gets_an_empty_title():
    participant = MeetingParticipantFactory()
    assert participant.title == ""
    assert Post.objects.count() == 0
