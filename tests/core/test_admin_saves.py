"""A staff save that meets a passing database error (`database is locked`, a dropped
connection) never throws away what was typed: it is tried once more, then the form comes back
bound to everything typed with a message that nothing was saved; the outage page is for
visitors. Writes are made to fail for real, at the database connection (execute_wrapper)."""

import pytest
from django.contrib.admin import site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import translation

from core.admin import KeepsTypedWork
from people.models import Official, Post
from releases.models import Meeting, PendingChange, Photo, Release, Section
from tests.admin_forms import errors, form_data
from tests.factories import OrganizationFactory, ReleaseFactory, country, jpeg_bytes

pytestmark = pytest.mark.django_db

NOT_SAVED = {
    "en": "Nothing was saved: the database did not answer in time.",
    "ja": "保存されていません",
}


class FailingWrites:
    """Refuses `times` writes (every write when None) as SQLite does when its lock stays taken."""

    def __init__(self, times=None):
        self.left = times
        self.refused = 0

    def __call__(self, execute, sql, params, many, context):
        is_write = sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        if is_write and (self.left is None or self.left > 0):
            self.left = None if self.left is None else self.left - 1
            self.refused += 1
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)


def release_data(staff_client):
    data = form_data(staff_client.get(reverse("admin:releases_release_add")), "release_form")
    data.update(
        {
            "title_ja": "カザフスタン大統領と会談（下書き）",
            "title_en": "Meeting with the President of Kazakhstan",
            "slug": "kz-president",
            "issuer": str(OrganizationFactory(slug="jogmec").pk),
            "sections-TOTAL_FORMS": "1",
            "sections-0-heading_ja": "会談の概要",
            "sections-0-body_ja": "<p>両国の鉱物資源協力について長い時間をかけて話し合った。</p>",
            "sections-0-order": "0",
            "meetings-TOTAL_FORMS": "1",
            "meetings-0-date": "2025-12-19",
            "meetings-0-kind": "bilateral",
            "meetings-0-country": str(country("KZ").pk),
            "meetings-0-title_ja": "トカエフ大統領との会談",
            "meetings-0-order": "0",
        }
    )
    return data


def official_data(staff_client):
    data = form_data(staff_client.get(reverse("admin:people_official_add")), "official_form")
    data.update(
        {
            "name_ja": "カシムジョマルト・トカエフ",
            "name_en": "Kassym-Jomart Tokayev",
            "slug": "tokayev",
            "country": str(country("KZ").pk),
            "posts-TOTAL_FORMS": "1",
            "posts-0-title_ja": "カザフスタン共和国大統領",
            "posts-0-title_en": "President of Kazakhstan",
            "posts-0-start_date": "2019-06-12",
        }
    )
    return data


def post_with_failing_writes(client, url, data, times=None, language="en"):
    failing = FailingWrites(times)
    with connection.execute_wrapper(failing), translation.override(language):
        response = client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)
    return response, failing


def test_every_staff_admin_of_the_project_keeps_typed_work():
    ours = {"releases", "people"}
    admins = [a for m, a in site._registry.items() if m._meta.app_label in ours]
    assert admins
    assert all(isinstance(a, KeepsTypedWork) for a in admins)


@pytest.mark.parametrize("language", ["en", "ja"])
def test_a_release_save_that_keeps_failing_comes_back_with_everything_typed(staff_client, language):
    data = release_data(staff_client)
    response, failing = post_with_failing_writes(
        staff_client, reverse("admin:releases_release_add"), data, language=language
    )
    assert response.status_code == 200
    assert failing.refused == 2  # the save, then once more
    html = response.content.decode()
    assert NOT_SAVED[language] in " ".join(errors(response))
    back = form_data(response, "release_form")
    assert back["title_ja"] == data["title_ja"]
    assert back["title_en"] == data["title_en"]
    assert back["sections-0-heading_ja"] == "会談の概要"
    assert "鉱物資源協力" in back["sections-0-body_ja"]
    assert back["meetings-0-title_ja"] == "トカエフ大統領との会談"
    assert back["meetings-0-date"] == "2025-12-19"
    assert "was added successfully" not in html
    assert not Release.objects.exists()
    assert not Section.objects.exists()
    assert not Meeting.objects.exists()
    # Saved again once the database answers: exactly one release, with its rows.
    response = staff_client.post(reverse("admin:releases_release_add"), back)
    assert response.status_code == 302, errors(response)
    release = Release.objects.get()
    assert release.sections.get().heading_ja == "会談の概要"
    assert release.meetings.get().title_ja == "トカエフ大統領との会談"


def test_a_change_that_fails_once_is_saved_by_the_second_try_exactly_once(staff_client):
    release = ReleaseFactory(title_ja="元の題名", status=Release.Status.DRAFT, published_at=None)
    opened_version = release.version
    url = reverse("admin:releases_release_change", args=[release.pk])
    data = form_data(staff_client.get(url), "release_form")
    data["title_ja"] = "新しい題名"
    response, failing = post_with_failing_writes(staff_client, url, data, times=1)
    assert response.status_code == 302, errors(response)
    assert failing.refused == 1
    release.refresh_from_db()
    assert release.title_ja == "新しい題名"
    assert release.version == opened_version + 1
    messages = [str(m) for m in response.wsgi_request._messages]
    assert len(messages) == 1  # "… was changed successfully", not twice


def test_an_official_save_that_keeps_failing_comes_back_with_its_posts(staff_client):
    data = official_data(staff_client)
    response, _failing = post_with_failing_writes(
        staff_client, reverse("admin:people_official_add"), data
    )
    assert response.status_code == 200
    assert NOT_SAVED["en"] in " ".join(errors(response))
    back = form_data(response, "official_form")
    assert back["name_ja"] == "カシムジョマルト・トカエフ"
    assert back["posts-0-title_ja"] == "カザフスタン共和国大統領"
    assert back["posts-0-title_en"] == "President of Kazakhstan"
    assert not Official.objects.exists()
    assert not Post.objects.exists()


def test_when_not_even_the_form_can_be_shown_the_503_holds_what_was_typed(
    staff_client, monkeypatch
):
    data = official_data(staff_client)
    admin = site._registry[Official]

    def unreachable(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(admin, "render_change_form", unreachable)
    response, _failing = post_with_failing_writes(
        staff_client, reverse("admin:people_official_add"), data
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "カシムジョマルト・トカエフ" in html
    assert "President of Kazakhstan" in html
    assert "csrfmiddlewaretoken" not in html
    assert not Official.objects.exists()


def test_visitors_still_get_the_outage_page(client, database_down):
    response = client.get("/en/")
    assert response.status_code == 503
    assert "Briefly unavailable" in response.content.decode()


def test_a_save_with_a_photo_is_not_tried_twice_and_says_to_choose_the_file_again(
    staff_client,
):
    data = release_data(staff_client)
    data.update(
        {
            "photos-TOTAL_FORMS": "1",
            "photos-0-caption_ja": "会談の様子",
            "photos-0-order": "0",
            "photos-0-image": SimpleUploadedFile("talks.jpg", jpeg_bytes(), "image/jpeg"),
        }
    )
    response, failing = post_with_failing_writes(
        staff_client, reverse("admin:releases_release_add"), data, times=1
    )
    assert response.status_code == 200
    assert failing.refused == 1
    shown = " ".join(errors(response))
    assert NOT_SAVED["en"] in shown
    assert "Choose your files again" in shown
    assert form_data(response, "release_form")["photos-0-caption_ja"].strip() == "会談の様子"
    assert not Release.objects.exists()
    assert not Photo.objects.exists()


def test_the_second_try_of_a_live_releases_change_still_waits_for_a_publisher(editor_client):
    release = ReleaseFactory(title_ja="公開中の題名")
    url = reverse("admin:releases_release_change", args=[release.pk])
    data = form_data(editor_client.get(url), "release_form")
    data["title_ja"] = "新しい題名"
    response, failing = post_with_failing_writes(editor_client, url, data, times=1)
    assert response.status_code == 302, errors(response)
    assert failing.refused == 1
    release.refresh_from_db()
    assert release.title_ja == "公開中の題名"
    assert (
        PendingChange.objects.get(release=release).content[0]["fields"]["title_ja"] == "新しい題名"
    )
