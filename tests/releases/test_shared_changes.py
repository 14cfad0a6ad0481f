"""Changes to shared records (officials, organisations, countries, agreements) are live; staff
see each one saved since the record was last reviewed, with who made it, and publishers mark
them reviewed."""

import pytest
import reversion
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from core.models import Review
from tests.admin_forms import errors, form_data
from tests.factories import AgreementFactory, OfficialFactory, staff_member

pytestmark = pytest.mark.django_db

PAGE = "/admin/core/review/"


def edit(client, obj, form_id, **changes):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    data = form_data(client.get(url), form_id)
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, errors(response)


def in_english(client):
    client.cookies["django_language"] = "en"
    return client


def records(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.select("section.shared-record")


@pytest.fixture
def publishers(publisher):
    client = Client()
    client.force_login(publisher)
    return client


def test_a_change_by_an_editor_shows_who_and_what_until_a_publisher_reviews_it(
    editor_client, publishers
):
    with reversion.create_revision():
        official = OfficialFactory(name_en="Kanat Bozumbayev")
    edit(editor_client, official, "official_form", name_en="Kanat Bozumbayev Jr.")

    page = in_english(publishers).get(PAGE)
    [record] = records(page)
    first, change = record.select(".shared-version")
    assert "first version in the history" in first.get_text()
    assert "editors" in change.select_one("h3").get_text()  # who saved it
    rows = change.select("tbody tr")
    assert len(rows) == 1
    assert [td.get_text(strip=True) for td in rows[0].select("td")] == [
        "Kanat Bozumbayev",
        "Kanat Bozumbayev Jr.",
    ]

    data = {i["name"]: i.get("value", "") for i in record.select("form input")}
    response = publishers.post(PAGE, data)
    assert response.status_code == 302
    assert records(publishers.get(PAGE)) == []
    review = Review.objects.get()
    assert review.reviewed_by.username == "publishers"


def test_a_change_after_the_review_shows_alone(editor_client, publishers, publisher):
    agreement = AgreementFactory(title_en="MOU on lithium")
    edit(editor_client, agreement, "agreement_form", title_en="MOU on lithium exploration")
    page = publishers.get(PAGE)
    data = {i["name"]: i.get("value", "") for i in records(page)[0].select("form input")}
    publishers.post(PAGE, data)

    edit(editor_client, agreement, "agreement_form", subject_en="Joint geological survey")
    [record] = records(in_english(publishers).get(PAGE))
    assert len(record.select(".shared-version")) == 1
    cells = [td.get_text(strip=True) for td in record.select("tbody td")]
    assert cells == ["", "Joint geological survey"]
    assert "Last reviewed by publishers" in record.get_text(" ", strip=True)


def test_a_review_covers_only_the_version_the_publisher_saw(editor_client, publishers):
    official = OfficialFactory(name_en="Before")
    edit(editor_client, official, "official_form", name_en="Seen")
    data = {
        i["name"]: i.get("value", "") for i in records(publishers.get(PAGE))[0].select("form input")
    }
    edit(editor_client, official, "official_form", name_en="Saved meanwhile")
    publishers.post(PAGE, data)
    [record] = records(publishers.get(PAGE))
    assert "Saved meanwhile" in record.get_text()


def test_editors_see_the_changes_but_cannot_mark_them_reviewed(editor_client):
    official = OfficialFactory(name_en="Someone")
    edit(editor_client, official, "official_form", name_en="Someone else")
    page = editor_client.get(PAGE)
    [record] = records(page)
    assert record.select("form") == []
    response = editor_client.post(PAGE, {"content_type": "1", "object_id": "1", "up_to": "1"})
    assert response.status_code == 403
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"content_type": "x", "object_id": "1", "up_to": "1"},
        {"content_type": "1", "object_id": "1", "up_to": "999999"},
    ],
)
def test_a_crafted_review_is_refused_without_a_500(publishers, data):
    assert publishers.post(PAGE, data).status_code == 400
    assert not Review.objects.exists()


def test_a_review_of_a_record_that_is_not_shared_is_refused(publishers, editor_client):
    from releases.models import Release
    from tests.factories import ReleaseFactory

    release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None)
    edit(editor_client, release, "release_form", title_en="A draft")
    from django.contrib.contenttypes.models import ContentType
    from reversion.models import Version

    version = Version.objects.get_for_object(release).first()
    data = {
        "content_type": ContentType.objects.get_for_model(Release).pk,
        "object_id": str(release.pk),
        "up_to": version.pk,
    }
    assert publishers.post(PAGE, data).status_code == 400


@pytest.mark.parametrize(
    "language,heading,empty",
    [
        ("ja", "共有レコードの変更", "確認待ちの変更はありません"),
        ("en", "Changes to shared records", "Nothing to review"),
    ],
)
def test_the_page_speaks_both_languages(publishers, language, heading, empty):
    publishers.cookies["django_language"] = language
    response = publishers.get(PAGE)
    assert response.status_code == 200
    text = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
    assert heading in text and empty in text


def test_the_public_and_staff_without_the_permission_do_not_see_it(client):
    assert client.get(PAGE).status_code == 302  # to the login page
    nobody = staff_member("Editors", "nobody")
    nobody.groups.clear()
    client.force_login(nobody)
    assert client.get(PAGE).status_code == 403
