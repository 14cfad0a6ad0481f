import datetime

import pytest
from django.utils import timezone

from releases.models import Release
from releases.search import refresh_search_text
from tests.factories import (
    AgreementFactory,
    ContactFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    OrganizationFactory,
    PhotoFactory,
    PostFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    SectionFactory,
    country,
)


def hours_from_now(n):
    return timezone.now() + datetime.timedelta(hours=n)


STATES = {
    "draft": (Release.Status.DRAFT, None),
    "scheduled": (Release.Status.PUBLISHED, 2),
    "withdrawn": (Release.Status.WITHDRAWN, -2),
}


def release_with_everything(slug, *, status=Release.Status.PUBLISHED, hours=-2, code="KZ"):
    """A release with a section, contact, photo, a meeting with an official, an agreement."""
    release = ReleaseFactory(
        slug=slug,
        title_ja=f"{slug}の標題",
        title_en=f"Title of {slug}",
        status=status,
        published_at=None if hours is None else hours_from_now(hours),
    )
    official = OfficialFactory(
        slug=f"{slug}-official",
        name_ja=f"{slug}大統領",
        name_en=f"President {slug}",
        country=country(code),
    )
    PostFactory(official=official)
    meeting = MeetingFactory(release=release, country=country(code), title_en=f"Meeting of {slug}")
    MeetingParticipantFactory(
        meeting=meeting, official=official, title_ja="大統領", title_en="President"
    )
    parties = [
        OrganizationFactory(country=country(code)),
        OrganizationFactory(country=country("JP")),
    ]
    agreement = AgreementFactory(
        slug=f"{slug}-agreement", country=country(code), parties=parties, title_en=f"MOU of {slug}"
    )
    agreement.signatories.add(official)
    ReleaseAgreementFactory(release=release, agreement=agreement)
    SectionFactory(release=release, body_ja="<p>本文</p>")
    ContactFactory(release=release)
    PhotoFactory(release=release, meeting=meeting)
    release.countries.add(country(code))
    refresh_search_text([release])
    return release


@pytest.fixture
def public():
    return release_with_everything("public")


@pytest.fixture
def hidden():
    """A release in every state that is not public, each about Uzbekistan."""
    return {
        state: release_with_everything(state, status=status, hours=hours, code="UZ")
        for state, (status, hours) in STATES.items()
    }
