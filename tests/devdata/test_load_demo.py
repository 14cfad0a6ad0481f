import datetime
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command

from devdata.demo import load_demo
from releases.models import Agreement, Meeting, MeetingParticipant, Release

pytestmark = pytest.mark.django_db

SEED_TITLE = "「中央アジア＋日本」対話を通じた資源国との関係強化"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def release(media_root):
    return load_demo().release


def row_counts():
    models = [
        model
        for label in ("people", "releases")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.managed  # not SQLite's full-text index (releases.FullText)
    ]
    return {model._meta.label: model.objects.count() for model in models}


def files_under(root):
    return sorted(path.relative_to(root) for path in root.rglob("*") if path.is_file())


def test_running_twice_changes_nothing(media_root):
    call_command("load_demo", stdout=io.StringIO())
    counts, files = row_counts(), files_under(media_root)
    last_changed = Release.objects.get().updated_at

    out = io.StringIO()
    call_command("load_demo", stdout=out)

    assert counts["releases.Photo"] == 5 and counts["releases.Attachment"] == 1
    assert len(files) == 6
    assert row_counts() == counts
    assert files_under(media_root) == files
    assert Release.objects.get().updated_at == last_changed
    assert "0 rows created, 0 updated, 0 images and 0 documents written" in out.getvalue()


def test_running_again_restores_edited_demo_text(release):
    Release.objects.filter(pk=release.pk).update(title_en="Edited")
    assert load_demo().updated == 1
    release.refresh_from_db()
    assert release.title_en.startswith("Strengthening relations with resource-rich countries")


def test_photo_whose_file_is_gone_gets_a_new_image(release, media_root):
    photo = release.photos.first()
    photo.image.storage.delete(photo.image.name)
    assert load_demo().images == 1
    photo.refresh_from_db()
    assert photo.image.storage.exists(photo.image.name)
    assert len(files_under(media_root)) == 6


def test_every_loaded_row_passes_model_validation(release):
    for label in ("people", "releases"):
        for model in apps.get_app_config(label).get_models():
            # Countries come from ISO 3166; SQLite's full-text index holds no rows of its own.
            if model._meta.model_name == "country" or not model._meta.managed:
                continue
            for obj in model.objects.all():
                obj.full_clean()


def test_release_title_is_the_seeds_with_an_english_translation(release):
    assert release.title_ja == SEED_TITLE
    assert release.title_en
    assert release.has_english
    assert release.issuer.short_name == "JOGMEC"


def test_release_is_public_from_22_december_2025_14_00_tokyo(release):
    assert release.published_at == datetime.datetime(
        2025, 12, 22, 14, 0, tzinfo=ZoneInfo("Asia/Tokyo")
    )
    assert list(Release.objects.published()) == [release]


def test_release_countries_are_those_met_or_signed_with_and_where_it_met(release):
    # The admin's rule (sync_release_countries): the summit was held in Japan, so the release is
    # about Japan too, and its Japan link leads to a page.
    assert sorted(release.countries.values_list("code", flat=True)) == ["JP", "KZ", "TJ", "UZ"]


def test_three_heads_of_state_met_on_19_december(release):
    meetings = release.meetings.filter(date=datetime.date(2025, 12, 19))
    bilateral = meetings.filter(kind=Meeting.Kind.BILATERAL)
    assert sorted(bilateral.values_list("country__code", flat=True)) == ["KZ", "TJ", "UZ"]
    assert meetings.filter(kind=Meeting.Kind.ROUNDTABLE, country__code="UZ").exists()


def test_tokayev_is_president_in_english_at_his_meeting(release):
    participation = MeetingParticipant.objects.get(
        meeting__release=release,
        meeting__country__code="KZ",
        meeting__date=datetime.date(2025, 12, 19),
        official__slug="kassym-jomart-tokayev",
    )
    assert participation.title_en == "President"
    assert participation.title_ja == "大統領"
    assert "Касым-Жомарт Токаев" in participation.official.other_names.splitlines()


def test_tau_ken_samruk_mou_was_signed_before_the_release(release):
    mou = Agreement.objects.get(parties__slug="tau-ken-samruk")
    assert mou.kind == Agreement.Kind.MOU
    assert mou.signed_on == datetime.date(2025, 12, 4)
    assert mou.country.code == "KZ"
    assert sorted(mou.parties.values_list("slug", flat=True)) == ["jogmec", "tau-ken-samruk"]
    assert mou.releases.get() == release
    assert release.published_at.date() > mou.signed_on


def test_uzbek_government_mou_was_signed_by_takahara_and_islamov(release):
    mou = Agreement.objects.get(parties__slug="uzbekistan-government")
    signatories = sorted(mou.signatories.values_list("slug", flat=True))
    assert signatories == ["bobir-islamov", "ichiro-takahara"]
    assert release.agreement_links.count() == 4
    assert release.agreement_links.get(agreement__kind=Agreement.Kind.MOC).role == "mentions"


def test_two_contact_blocks_with_the_seeds_phone_numbers(release):
    contacts = {c.role: c for c in release.contacts.all()}
    assert {role: c.phone for role, c in contacts.items()} == {
        "inquiries": "03-6758-8027",
        "press": "03-6758-8106",
    }
    assert contacts["inquiries"].department_ja == "金属企画部 国際業務課"
    assert contacts["inquiries"].persons_en == "Satomi, Takatsuka"
    assert contacts["press"].persons_en == "Osada"


def test_photo_credits_include_rotobo_and_each_presidential_office(release):
    photos = list(release.photos.select_related("meeting"))
    assert [p.credit_ja for p in photos] == [
        "カザフスタン大統領府",
        "タジキスタン大統領府",
        "ウズベキスタン大統領府",
        "ROTOBO",
        "ROTOBO",
    ]
    assert photos[0].credit_en == "Office of the President of Kazakhstan"
    for photo in photos[3:]:
        assert photo.meeting.date == datetime.date(2025, 12, 20)
        assert len(photo.caption_ja.splitlines()) == len(photo.caption_en.splitlines()) == 3
    assert all(p.alt_text_ja and p.alt_text_en for p in photos)
    assert set(release.photos.values_list("width", "height")) == {(1200, 800)}


def test_sections_are_the_parts_that_are_not_meetings(release):
    sections = list(release.sections.all())
    assert [s.order for s in sections] == [2, 3]
    assert [s.heading_ja for s in sections] == [
        "中央アジア+日本ビジネスフォーラム(2025年12月20日)",
        "最後に",
    ]
    assert all(s.body_ja.startswith("<p>") and s.body_en.startswith("<p>") for s in sections)


def test_the_demo_release_has_a_document_read_like_an_upload(release, client):
    (document,) = release.attachments.all()
    assert (document.format, document.pages) == ("pdf", 2)
    assert document.title_ja.startswith("中央アジアにおける JOGMEC の取組")
    with document.file.open("rb") as stored:
        assert stored.read().startswith(b"%PDF-") and document.size == stored.size
    page = client.get(release.get_absolute_url()).content.decode()
    assert document.title_ja in page


def test_the_demo_has_the_2025_summit_as_a_topical_event(release, client):
    from releases.models import TopicalEvent

    event = TopicalEvent.objects.get()
    assert event.name_ja.startswith("「中央アジア＋日本」対話・首脳会合")
    assert event.name_en.startswith("“Central Asia + Japan” Dialogue Summit")
    assert list(event.releases.all()) == [release]
    assert event.meetings.count() == release.meetings.count() == 8
    assert event.agreements.count() == 3
    assert sorted(event.countries.values_list("code", flat=True)) == [
        "JP",
        "KG",
        "KZ",
        "TJ",
        "TM",
        "UZ",
    ]
    assert load_demo().updated == 0
    assert client.get(event.get_absolute_url()).status_code == 200
