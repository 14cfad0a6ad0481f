"""Less typing in the release form: addresses, defaults, new officials and partners in place,
photos tied to meetings of the same submit, the archive."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from core.history import comment_text
from people.models import Official, Organization
from releases.models import MeetingParticipant, Photo, Release
from tests.admin_forms import errors, form_data
from tests.factories import (
    OfficialFactory,
    OrganizationFactory,
    PostFactory,
    ReleaseFactory,
    country,
    jpeg_bytes,
)

pytestmark = pytest.mark.django_db
ADD = "admin:releases_release_add"


def add_data(client, **changes):
    data = form_data(client.get(reverse(ADD)), "release_form")
    data.update({"title_ja": "カザフスタン大統領との会談"})
    data.update(changes)
    return data


@pytest.fixture
def jogmec():
    return OrganizationFactory(slug="jogmec", name_ja="エネルギー・金属鉱物資源機構")


def test_the_agency_is_the_issuer_of_a_new_release(staff_client, jogmec, settings):
    data = form_data(staff_client.get(reverse(ADD)), "release_form")
    assert data["issuer"] == str(jogmec.pk)
    other = OrganizationFactory(slug="meti")
    settings.PRESSROOM_ISSUER_SLUG = "meti"
    assert form_data(staff_client.get(reverse(ADD)), "release_form")["issuer"] == str(other.pk)


def test_a_japanese_only_draft_saves_and_gets_a_romanised_address(staff_client, jogmec):
    response = staff_client.post(reverse(ADD), add_data(staff_client))
    assert response.status_code == 302, errors(response)
    release = Release.objects.get()
    month = timezone.localdate()
    assert release.slug == f"{month:%Y-%m}-kazafusutan-daitouryou-tono-kaidan"


def test_the_address_comes_from_the_english_title_and_never_repeats(staff_client, jogmec):
    for _ in range(2):
        data = add_data(staff_client, title_en="Meeting with the President")
        assert staff_client.post(reverse(ADD), data).status_code == 302
    slugs = sorted(Release.objects.values_list("slug", flat=True))
    base = f"{timezone.localdate():%Y-%m}-meeting-with-the-president"
    assert slugs == [base, f"{base}-2"]


def test_a_published_release_keeps_its_address(staff_client):
    release = ReleaseFactory(slug="kept", published_at=timezone.now())
    url = reverse("admin:releases_release_change", args=[release.pk])
    assert 'name="slug"' not in staff_client.get(url).content.decode()
    draft = ReleaseFactory(slug="draft-one", status=Release.Status.DRAFT, published_at=None)
    url = reverse("admin:releases_release_change", args=[draft.pk])
    assert 'name="slug"' in staff_client.get(url).content.decode()


def test_the_editors_last_department_is_the_default(staff_client, jogmec):
    data = add_data(staff_client, department_ja="金属企画部", department_en="Metals Planning")
    assert staff_client.post(reverse(ADD), data).status_code == 302
    again = form_data(staff_client.get(reverse(ADD)), "release_form")
    assert (again["department_ja"], again["department_en"]) == ("金属企画部", "Metals Planning")


def meeting(n=0, **fields):
    base = {
        "date": "2025-12-18",
        "kind": "bilateral",
        "country": str(country("KZ").pk),
        "order": "0",
        "title_ja": "会談",
    }
    return {f"meetings-{n}-{k}": v for k, v in {**base, **fields}.items()}


def test_a_new_official_and_post_are_made_from_the_meeting_row(staff_client, jogmec):
    samruk = OrganizationFactory(slug="samruk-kazyna")
    data = add_data(
        staff_client,
        **{"meetings-TOTAL_FORMS": "1"},
        **meeting(
            new_official_name_ja="ヌルラン・ジャクポフ",
            new_official_name_en="Nurlan Zhakupov",
            new_official_post_ja="CEO",
            new_official_post_en="CEO",
            new_official_organization=str(samruk.pk),
        ),
    )
    response = staff_client.post(reverse(ADD), data)
    assert response.status_code == 302, errors(response)
    official = Official.objects.get(slug="nurlan-zhakupov")
    assert official.country.code == "KZ"
    assert official.posts.get().organization == samruk
    participant = MeetingParticipant.objects.get()
    assert (participant.official, participant.title_ja) == (official, "CEO")


def test_a_new_official_needs_a_japanese_name(staff_client, jogmec):
    data = add_data(
        staff_client,
        **{"meetings-TOTAL_FORMS": "1"},
        **meeting(new_official_name_en="Nurlan Zhakupov"),
    )
    response = staff_client.post(reverse(ADD), data)
    assert response.status_code == 200
    assert "新しい要人の氏名を日本語で入力してください。" in " ".join(errors(response))
    assert not Official.objects.exists()


def test_a_photo_shows_a_meeting_saved_in_the_same_submit(staff_client, jogmec):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = add_data(
        staff_client,
        **{"meetings-TOTAL_FORMS": "2", "photos-TOTAL_FORMS": "1"},
        **meeting(0, title_ja="一つ目"),
        **meeting(1, title_ja="二つ目", date="2025-12-19"),
        **{
            "photos-0-image": SimpleUploadedFile("p.jpg", jpeg_bytes(), "image/jpeg"),
            "photos-0-meeting_position": "1",
            "photos-0-order": "0",
        },
    )
    response = staff_client.post(reverse(ADD), data)
    assert response.status_code == 302, errors(response)
    assert Photo.objects.get().meeting.title_ja == "二つ目"
    # Opened again, the photo names the same meeting.
    release = Release.objects.get()
    url = reverse("admin:releases_release_change", args=[release.pk])
    assert form_data(staff_client.get(url), "release_form")["photos-0-meeting_position"] == "1"


@pytest.mark.parametrize("position", ["7", "-1", "x"])
def test_a_photo_cannot_name_a_meeting_that_is_not_in_the_form(staff_client, jogmec, position):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = add_data(
        staff_client,
        **{"meetings-TOTAL_FORMS": "1", "photos-TOTAL_FORMS": "1"},
        **meeting(0),
        **{
            "photos-0-image": SimpleUploadedFile("p.jpg", jpeg_bytes(), "image/jpeg"),
            "photos-0-meeting_position": position,
            "photos-0-order": "0",
        },
    )
    response = staff_client.post(reverse(ADD), data)
    assert response.status_code == 200
    assert not Release.objects.exists()


def test_the_title_held_on_a_date_is_answered_as_json(staff_client):
    tokayev = OfficialFactory()
    PostFactory(
        official=tokayev,
        title_ja="大統領",
        title_en="President",
        start_date=datetime.date(2019, 3, 20),
    )
    url = reverse("admin:people_official_posts_on")
    found = staff_client.get(url, {"date": "2025-12-19", "official": tokayev.pk}).json()
    assert found["officials"][0]["title_en"] == "President"
    before = staff_client.get(url, {"date": "2010-01-01", "official": tokayev.pk}).json()
    assert before["officials"][0]["title_en"] == ""
    for bad in [{"date": "2025-13-45"}, {"date": "2025-12-19", "official": "x"}]:
        assert staff_client.get(url, bad).status_code == 400


def test_an_agreement_partner_is_typed_in_the_agreement_form(staff_client):
    jogmec = OrganizationFactory()
    url = reverse("admin:releases_agreement_add")
    data = form_data(staff_client.get(url), "agreement_form")
    data.update(
        {
            "kind": "mou",
            "title_ja": "覚書",
            "title_en": "MOU on metals",
            "parties": [str(jogmec.pk)],
            "country": str(country("KZ").pk),
            "new_party_name_ja": "タウケン・サムルク",
            "new_party_name_en": "Tau-Ken Samruk",
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, errors(response)
    partner = Organization.objects.get(slug="tau-ken-samruk")
    assert partner.country.code == "KZ"
    assert set(partner.agreements.get().parties.all()) == {jogmec, partner}


@pytest.fixture
def publisher_client(client, django_user_model):
    user = django_user_model.objects.create_user("pub", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Publishers"))
    client.force_login(user)
    return client


def test_a_publisher_enters_a_past_release_with_its_original_date(publisher_client):
    draft = ReleaseFactory(status=Release.Status.DRAFT, published_at=None)
    url = reverse("admin:releases_release_change", args=[draft.pk])
    data = form_data(publisher_client.get(url), "release_form")
    data.update({"_archive": "1", "schedule_at_0": "2019-04-01", "schedule_at_1": "10:00"})
    response = publisher_client.post(url, data)
    assert response.status_code == 302, errors(response)
    draft.refresh_from_db()
    assert Release.objects.published().filter(pk=draft.pk).exists()
    assert timezone.localtime(draft.published_at).date() == datetime.date(2019, 4, 1)
    from reversion.models import Version

    comment = comment_text(Version.objects.get_for_object(draft).first().revision)
    assert comment.startswith("過去のリリースとして公開しました")
    # Listed in its true place: after newer releases, not first.
    newer = ReleaseFactory(published_at=timezone.now() - datetime.timedelta(days=1))
    assert list(Release.objects.published()) == [newer, draft]


def test_an_archive_date_in_the_future_is_refused(publisher_client):
    draft = ReleaseFactory(status=Release.Status.DRAFT, published_at=None)
    url = reverse("admin:releases_release_change", args=[draft.pk])
    data = form_data(publisher_client.get(url), "release_form")
    later = timezone.localdate() + datetime.timedelta(days=3)
    data.update({"_archive": "1", "schedule_at_0": f"{later}", "schedule_at_1": "10:00"})
    response = publisher_client.post(url, data)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == Release.Status.DRAFT


def test_the_photo_input_carries_the_size_limit_the_server_refuses_above(staff_client, jogmec):
    from bs4 import BeautifulSoup
    from django.core.files.uploadedfile import SimpleUploadedFile

    from releases.uploads import MAX_BYTES

    page = BeautifulSoup(staff_client.get(reverse(ADD)).content, "html.parser")
    assert page.select_one("input[name=photos-__prefix__-image]")["data-max-bytes"] == str(
        MAX_BYTES
    )

    # A browser without the page's script sends it: the server refuses it as before.
    data = add_data(
        staff_client,
        **{"photos-TOTAL_FORMS": "1", "photos-0-order": "0"},
        **{
            "photos-0-image": SimpleUploadedFile("big.jpg", b"\xff" * (MAX_BYTES + 1), "image/jpeg")
        },
    )
    response = staff_client.post(reverse(ADD), data)
    assert response.status_code == 200
    assert "10 MB" in " ".join(errors(response))
    assert not Release.objects.exists()
