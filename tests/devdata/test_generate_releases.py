import datetime

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from PIL import Image

from devdata import synthetic
from people.models import Official, Organization, Post
from releases.models import (
    Agreement,
    Contact,
    Meeting,
    MeetingParticipant,
    Photo,
    Release,
    ReleaseAgreement,
    Section,
)
from releases.renditions import rendition_name
from releases.search import refresh_search_text
from releases.services import sync_release_countries
from tests.factories import (
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    OrganizationFactory,
    PostFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
)

pytestmark = pytest.mark.django_db

# A fixed day: the generator draws dates relative to today.
TODAY = datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_day():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """One media folder for the module: the stand-in photos and their renditions are made once
    (the rows are rolled back after each test, the files stay, as on a developer's laptop)."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "synthetic-media"


@pytest.fixture(autouse=True)
def _development(settings):
    """The command refuses to run with DEBUG off (see the last test); tests run with it off."""
    settings.DEBUG = True


def synthetic_releases():
    return Release.objects.filter(slug__startswith=synthetic.SLUG_PREFIX)


def generate(count, seed=1):
    call_command("generate_releases", str(count), "--seed", str(seed), verbosity=0)


def fingerprint():
    """Everything a visitor would see of the synthetic releases, in a comparable form."""
    releases = synthetic_releases().order_by("slug")
    meetings = Meeting.objects.filter(release__in=releases).order_by("release__slug", "order")
    participants = MeetingParticipant.objects.filter(meeting__in=meetings).order_by(
        "meeting__release__slug", "meeting__order", "order"
    )
    return (
        list(
            releases.values_list(
                "slug", "status", "published_at", "title_ja", "title_en", "lead_ja", "lead_en"
            )
        ),
        list(
            meetings.values_list("release__slug", "date", "country__code", "title_ja", "place_en")
        ),
        list(participants.values_list("official__slug", "title_ja", "title_en")),
        sorted(releases.values_list("slug", "countries__code")),
        list(Photo.objects.filter(release__in=releases).values_list("image", "caption_en")),
        sorted(
            ReleaseAgreement.objects.filter(release__in=releases).values_list(
                "release__slug", "agreement__slug", "role"
            )
        ),
    )


def test_creates_the_number_of_releases_asked_for_with_their_parts():
    generate(30)

    releases = synthetic_releases()
    assert releases.count() == 30
    for release in releases.prefetch_related("meetings", "sections", "contacts"):
        assert 1 <= len(release.meetings.all()) <= 4
        assert release.sections.all()
        assert release.contacts.all()
        assert release.issuer.slug.startswith(synthetic.SLUG_PREFIX)
    assert Official.objects.filter(slug__startswith=synthetic.SLUG_PREFIX).count() > 200
    assert Post.objects.filter(official__slug__startswith=synthetic.SLUG_PREFIX).exists()
    assert MeetingParticipant.objects.filter(meeting__release__in=releases).exists()
    assert Photo.objects.filter(release__in=releases).exists()
    assert Agreement.objects.filter(slug__startswith=synthetic.SLUG_PREFIX).exists()


def test_most_releases_are_public_and_some_are_drafts_withdrawn_or_scheduled():
    generate(300)

    releases = synthetic_releases()
    published = releases.filter(status=Release.Status.PUBLISHED)
    assert Release.objects.published().count() > 250
    assert releases.filter(status=Release.Status.DRAFT).exists()
    assert releases.filter(status=Release.Status.WITHDRAWN, withdrawn_at__isnull=False).exists()
    assert published.filter(published_at__gt=TODAY).exists()
    years = {d.year for d in releases.exclude(published_at=None).dates("published_at", "year")}
    assert len(years) >= 14


def test_every_release_is_written_in_japanese_and_most_in_english_too():
    generate(60)

    releases = list(synthetic_releases().prefetch_related("sections"))
    assert all(r.title_ja and r.lead_ja for r in releases)
    assert all(s.body_ja for r in releases for s in r.sections.all())
    english = [r for r in releases if r.title_en]
    assert len(english) > 0.8 * len(releases)
    for release in english:
        assert release.lead_en
        assert all(s.body_en for s in release.sections.all())
    for release in set(releases) - set(english):
        assert not release.lead_en
        assert not any(s.body_en for s in release.sections.all())


def test_release_countries_are_the_countries_of_its_meetings_and_agreements():
    generate(40)

    for release in synthetic_releases().prefetch_related("countries", "meetings", "agreements"):
        expected = {m.country_id for m in release.meetings.all()}
        expected |= {a.country_id for a in release.agreements.all() if a.country_id}
        assert {c.pk for c in release.countries.all()} == expected
        sync_release_countries(release)
        assert set(release.countries.values_list("pk", flat=True)) == expected


def test_participants_carry_the_title_of_the_post_they_held_on_the_meeting_day():
    generate(30)

    participants = MeetingParticipant.objects.filter(
        meeting__release__in=synthetic_releases()
    ).select_related("meeting", "official")
    assert participants
    for participant in participants:
        post = participant.official.post_on(participant.meeting.date)
        assert post is not None
        assert (participant.title_ja, participant.title_en) == (post.title_ja, post.title_en)


def test_some_agreements_are_linked_to_several_releases():
    generate(400)

    agreements = Agreement.objects.filter(slug__startswith=synthetic.SLUG_PREFIX)
    assert agreements.filter(kind="mou").exists() and agreements.filter(kind="moc").exists()
    links = ReleaseAgreement.objects.filter(agreement__in=agreements)
    assert links.filter(role="mentions").exists()
    counts = [agreement.release_links.count() for agreement in agreements]
    assert max(counts) >= 2
    assert all(agreement.parties.count() >= 2 for agreement in agreements)


def test_officials_have_other_spellings_in_latin_and_cyrillic():
    generate(5)

    officials = Official.objects.filter(slug__startswith=synthetic.SLUG_PREFIX)
    kazakh = officials.filter(country__code="KZ")
    assert kazakh and all(o.name_en and o.other_names for o in kazakh)
    assert any(any("\u0400" <= ch <= "\u04ff" for ch in o.other_names) for o in kazakh)
    assert all(o.other_names for o in officials)


def test_photos_share_a_dozen_image_files_with_their_true_sizes_and_renditions():
    generate(40)

    photos = Photo.objects.filter(release__in=synthetic_releases())
    names = set(photos.values_list("image", flat=True))
    assert photos.count() > len(names)
    assert len(names) <= synthetic.PHOTO_COUNT
    for photo in photos:
        assert default_storage.exists(photo.image.name)
        with default_storage.open(photo.image.name) as f, Image.open(f) as image:
            assert image.size == (photo.width, photo.height)
        # The pages show renditions: they are made, and recorded on every row.
        assert photo.rendition_widths == [480, 960, min(photo.width, 1600)]
        largest = rendition_name(photo.image.name, photo.rendition_widths[-1], "jpg")
        assert default_storage.size(largest) == photo.renditions["jpeg_bytes"]


def test_search_text_is_what_refresh_search_text_would_store():
    generate(30)

    def stored():
        return {
            slug: (set(title.split("\n")), set(text.split("\n")))
            for slug, title, text in synthetic_releases().values_list(
                "slug", "search_title", "search_text"
            )
        }

    generated = stored()
    assert all(text for _, text in generated.values())
    refresh_search_text(synthetic_releases())
    assert stored() == generated
    releases = synthetic_releases().prefetch_related("countries")
    assert all(release.countries.all() for release in releases)
    for release in releases:
        country = release.countries.all()[0]
        for name in (country.name_ja, country.name_en):
            assert release in synthetic_releases().search(name), (release.slug, name)


def test_generated_rows_pass_model_validation():
    generate(20)

    releases = synthetic_releases()
    rows = [
        *releases,
        *Section.objects.filter(release__in=releases),
        *Contact.objects.filter(release__in=releases),
        *Meeting.objects.filter(release__in=releases),
        *MeetingParticipant.objects.filter(meeting__release__in=releases),
        *Photo.objects.filter(release__in=releases),
        *Agreement.objects.filter(slug__startswith=synthetic.SLUG_PREFIX),
        *Official.objects.filter(slug__startswith=synthetic.SLUG_PREFIX)[:50],
        *Organization.objects.filter(slug__startswith=synthetic.SLUG_PREFIX),
    ]
    for row in rows:
        row.full_clean()


def test_the_same_seed_gives_the_same_releases():
    generate(15, seed=7)
    first = fingerprint()
    call_command("generate_releases", "--clear", verbosity=0)
    generate(15, seed=7)
    assert fingerprint() == first

    call_command("generate_releases", "--clear", verbosity=0)
    generate(15, seed=8)
    assert fingerprint()[0] != first[0]


def test_running_again_adds_releases_and_reuses_officials_and_organisations():
    generate(10, seed=1)
    officials = set(Official.objects.values_list("pk", flat=True))
    organisations = set(Organization.objects.values_list("pk", flat=True))
    slugs = set(synthetic_releases().values_list("slug", flat=True))

    generate(10, seed=1)

    assert synthetic_releases().count() == 20
    assert slugs < set(synthetic_releases().values_list("slug", flat=True))
    assert set(Official.objects.values_list("pk", flat=True)) == officials
    assert set(Organization.objects.values_list("pk", flat=True)) == organisations


def test_clear_deletes_synthetic_rows_and_keeps_real_ones():
    real_release = ReleaseFactory(slug="real-release")
    real_agreement = ReleaseAgreementFactory(release=real_release).agreement
    real_official = PostFactory(official=OfficialFactory(slug="real-official")).official
    MeetingParticipantFactory(meeting=MeetingFactory(release=real_release), official=real_official)
    real_organisation = OrganizationFactory(slug="real-organisation")
    generate(20)
    # An editor has put a synthetic official into a real meeting: that official must stay.
    borrowed = Official.objects.filter(slug__startswith=synthetic.SLUG_PREFIX).first()
    MeetingParticipantFactory(meeting=real_release.meetings.get(), official=borrowed)
    real_rows = {
        model: set(model.objects.exclude(pk__in=[]).values_list("pk", flat=True))
        for model in (Section, Contact, Meeting, MeetingParticipant, Photo, ReleaseAgreement)
    }
    synthetic_meetings = Meeting.objects.filter(release__in=synthetic_releases())

    call_command("generate_releases", "--clear", verbosity=0)

    assert not synthetic_releases().exists()
    assert not Meeting.objects.filter(pk__in=synthetic_meetings.values("pk")).exists()
    assert not Agreement.objects.filter(slug__startswith=synthetic.SLUG_PREFIX).exists()
    assert list(Release.objects.all()) == [real_release]
    assert real_release.meetings.get().participations.count() == 2
    assert set(Official.objects.filter(slug__startswith=synthetic.SLUG_PREFIX)) == {borrowed}
    assert borrowed.posts.exists()
    assert Official.objects.filter(pk=real_official.pk).exists()
    assert Agreement.objects.filter(pk=real_agreement.pk).exists()
    assert Organization.objects.filter(pk=real_organisation.pk).exists()
    for model, before in real_rows.items():
        assert set(model.objects.values_list("pk", flat=True)) <= before


def test_clear_leaves_an_agreement_that_a_real_release_mentions():
    generate(60)
    agreement = Agreement.objects.filter(slug__startswith=synthetic.SLUG_PREFIX).first()
    ReleaseAgreementFactory(agreement=agreement, release=ReleaseFactory(slug="real"))

    call_command("generate_releases", "--clear", verbosity=0)

    assert Agreement.objects.filter(pk=agreement.pk).exists()
    assert agreement.parties.count() >= 2


def test_command_reports_what_it_wrote(capsys):
    call_command("generate_releases", "12", "--seed", "3")

    assert "Created 12 synthetic releases" in capsys.readouterr().out


def test_command_needs_a_count_or_clear():
    with pytest.raises(CommandError):
        call_command("generate_releases")


def test_command_refuses_a_production_database_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("generate_releases", "3")
    assert not synthetic_releases().exists()

    call_command("generate_releases", "3", "--force", verbosity=0)
    assert synthetic_releases().count() == 3


def test_generated_releases_know_what_they_miss_in_english():
    from releases.translation_status import release_gaps, summary

    synthetic.generate(60, seed=3)
    releases = Release.objects.with_details()
    assert any(release.english_missing for release in releases)
    for release in releases:
        gaps = release_gaps(release)
        assert (release.english_missing, release.english_outdated) == summary(gaps)
