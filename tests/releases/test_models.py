import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from releases.models import Agreement, Meeting, Release
from tests.factories import (
    AgreementFactory,
    MeetingFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    country,
)

pytestmark = pytest.mark.django_db


def aware(*args):
    return timezone.make_aware(datetime.datetime(*args))


def test_slugs_are_unique():
    ReleaseFactory(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReleaseFactory(slug="same")


def test_published_release_needs_a_publication_time():
    with pytest.raises(IntegrityError):
        ReleaseFactory(status=Release.Status.PUBLISHED, published_at=None)


def test_draft_may_have_no_publication_time():
    assert ReleaseFactory(status=Release.Status.DRAFT, published_at=None).pk


def test_meeting_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError):
        MeetingFactory(date=datetime.date(2025, 12, 20), end_date=datetime.date(2025, 12, 19))


def test_published_excludes_drafts_withdrawn_and_future_releases():
    public = ReleaseFactory()
    ReleaseFactory(status=Release.Status.DRAFT)
    ReleaseFactory(status=Release.Status.WITHDRAWN)
    ReleaseFactory(published_at=timezone.now() + datetime.timedelta(minutes=5))
    assert list(Release.objects.published()) == [public]


def test_scheduled_release_becomes_public_at_its_time_without_any_job():
    release = ReleaseFactory(published_at=aware(2025, 12, 22, 9, 0))
    with time_machine.travel(aware(2025, 12, 22, 8, 59, 59)):
        assert not Release.objects.published().exists()
    with time_machine.travel(aware(2025, 12, 22, 9, 0)):
        assert list(Release.objects.published()) == [release]


def test_for_countries_matches_any_and_returns_each_release_once():
    both = ReleaseFactory(countries=[country("KZ"), country("UZ")])
    ReleaseFactory(countries=[country("JP")])
    assert list(Release.objects.for_countries(["KZ", "UZ"])) == [both]


def test_issued_between_is_inclusive_in_tokyo_time():
    # 2025-12-31 23:30 in Tokyo is still 31 December, though UTC says 14:30.
    late = ReleaseFactory(published_at=aware(2025, 12, 31, 23, 30))
    ReleaseFactory(published_at=aware(2026, 1, 1, 0, 0))
    december = Release.objects.issued_between(
        datetime.date(2025, 12, 1), datetime.date(2025, 12, 31)
    )
    assert list(december) == [late]


def test_english_falls_back_to_japanese_where_no_translation_exists():
    release = ReleaseFactory(title_ja="中央アジア", title_en="", lead_en="")
    with translation.override("en"):
        assert release.title == "中央アジア"
        assert not release.has_english


def test_agreement_is_public_only_through_a_published_release():
    agreement = AgreementFactory()
    draft = ReleaseFactory(status=Release.Status.DRAFT)
    ReleaseAgreementFactory(release=draft, agreement=agreement)
    assert not Agreement.objects.public().exists()
    ReleaseAgreementFactory(agreement=agreement)
    assert list(Agreement.objects.public()) == [agreement]


def test_meetings_of_unpublished_releases_are_not_public():
    MeetingFactory(release=ReleaseFactory(status=Release.Status.DRAFT))
    shown = MeetingFactory()
    assert list(Meeting.objects.public()) == [shown]


def test_agreement_can_be_signed_before_the_release_that_announces_it():
    agreement = AgreementFactory(signed_on=datetime.date(2025, 12, 4))
    link = ReleaseAgreementFactory(
        agreement=agreement, release=ReleaseFactory(published_at=aware(2025, 12, 22, 14))
    )
    assert agreement.signed_on < link.release.published_at.date()


def test_deleting_an_agreement_that_releases_mention_is_refused():
    from django.db.models import ProtectedError

    link = ReleaseAgreementFactory()
    with pytest.raises(ProtectedError):
        link.agreement.delete()


def test_a_kind_reads_in_the_page_language_and_an_unknown_one_as_stored():
    meeting = MeetingFactory(kind=Meeting.Kind.COURTESY_CALL, title_ja="", title_en="")
    agreement = AgreementFactory(kind=Agreement.Kind.MOC)
    with translation.override("en"):
        assert meeting.get_kind_display() == meeting.heading == "Courtesy call"
        english = agreement.get_kind_display()
    with translation.override("ja"):
        assert meeting.get_kind_display() == meeting.heading == "表敬訪問"
        assert agreement.get_kind_display() != english
    meeting.kind = "retired_kind"  # a value no longer among the choices
    assert meeting.get_kind_display() == "retired_kind"
