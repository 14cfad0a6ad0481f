"""No lost edits: of two people who opened the same page, the second to save is refused."""

import pytest
from django.test import Client
from django.urls import reverse

from directory.models import Official
from releases.models import Agreement, Release
from tests.admin_forms import errors, form_data
from tests.factories import (
    AgreementFactory,
    OfficialFactory,
    ReleaseFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_client(django_user_model):
    other = Client()
    user = django_user_model.objects.create_superuser("colleague", "c@example.org", "pw")
    user.first_name, user.last_name = "Hanako", "Sato"
    user.save()
    other.force_login(user)
    return other


def conflict(response):
    return any("Someone else saved this" in e for e in errors(response))


CASES = [
    (
        "releases_release",
        "release_form",
        lambda: ReleaseFactory(title_ja="元の題名"),
        "title_ja",
        Release,
    ),
    (
        "releases_agreement",
        "agreement_form",
        lambda: AgreementFactory(title_ja="元の題名"),
        "title_ja",
        Agreement,
    ),
    (
        "people_official",
        "official_form",
        lambda: OfficialFactory(name_ja="元の名前"),
        "name_ja",
        Official,
    ),
]


@pytest.mark.parametrize("name,form_id,make,field,model", CASES, ids=[c[0] for c in CASES])
def test_second_save_is_refused_with_who_saved_and_the_typed_text_kept(
    staff_client, other_client, name, form_id, make, field, model
):
    obj = make()
    url = reverse(f"admin:{name}_change", args=[obj.pk])
    mine = form_data(staff_client.get(url), form_id)
    theirs = form_data(other_client.get(url), form_id)

    theirs[field] = "同僚の変更"
    assert other_client.post(url, theirs).status_code == 302

    mine[field] = "私の変更（消えてはいけない）"
    response = staff_client.post(url, mine)
    assert response.status_code == 200
    assert conflict(response), errors(response)
    html = response.content.decode()
    assert "私の変更（消えてはいけない）" in html
    assert "colleague" in html or "Hanako Sato" in html
    assert getattr(model.objects.get(pk=obj.pk), field) == "同僚の変更"


@pytest.mark.parametrize("name,form_id,make,field,model", CASES, ids=[c[0] for c in CASES])
def test_saves_one_after_another_succeed(staff_client, name, form_id, make, field, model):
    obj = make()
    url = reverse(f"admin:{name}_change", args=[obj.pk])
    for text in ["一回目", "二回目"]:
        data = form_data(staff_client.get(url), form_id)
        data[field] = text
        response = staff_client.post(url, data)
        assert response.status_code == 302, errors(response)
    assert getattr(model.objects.get(pk=obj.pk), field) == "二回目"


def test_a_form_without_the_version_is_refused(staff_client):
    release = ReleaseFactory(title_ja="元の題名")
    url = reverse("admin:releases_release_change", args=[release.pk])
    data = form_data(staff_client.get(url), "release_form")
    del data["lock_version"]
    data["title_ja"] = "変更"
    response = staff_client.post(url, data)
    assert conflict(response)
    release.refresh_from_db()
    assert release.title_ja == "元の題名"


def test_a_change_to_an_inline_only_bumps_the_version_and_counts_as_a_change(
    staff_client, other_client
):
    release = ReleaseFactory()
    SectionFactory(release=release, body_ja="<p>元の本文</p>")
    url = reverse("admin:releases_release_change", args=[release.pk])
    mine = form_data(staff_client.get(url), "release_form")
    theirs = form_data(other_client.get(url), "release_form")
    before = Release.objects.get(pk=release.pk).version

    theirs["sections-0-body_ja"] = "<p>同僚が直した本文</p>"
    assert other_client.post(url, theirs).status_code == 302
    assert Release.objects.get(pk=release.pk).version > before

    mine["sections-0-body_ja"] = "<p>私の本文</p>"
    response = staff_client.post(url, mine)
    assert conflict(response)
    assert release.sections.get().body_ja == "<p>同僚が直した本文</p>"


def test_a_publication_by_someone_else_also_counts(staff_client, django_user_model):
    from releases import workflow

    release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None)
    url = reverse("admin:releases_release_change", args=[release.pk])
    mine = form_data(staff_client.get(url), "release_form")
    publisher = django_user_model.objects.create_superuser("boss", "b@example.org", "pw")
    workflow.publish(release, publisher)
    mine["title_ja"] = "古い画面から"
    response = staff_client.post(url, mine)
    assert conflict(response)
