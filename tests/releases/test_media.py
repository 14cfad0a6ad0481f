"""Photo files follow publication: served while the public may see the photo, else 404 (staff
excepted), and sent by nginx (X-Accel-Redirect) or object storage where one is configured."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.checks import run_checks
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from releases.models import Release
from releases.renditions import file_names, media_url, rendition_name
from tests.factories import PhotoFactory, ReleaseFactory, jpeg_bytes
from tests.pages import soup_of, url

pytestmark = pytest.mark.django_db

NOW = timezone.now()
STATES = {
    "draft": {"status": Release.Status.DRAFT, "published_at": None},
    "scheduled": {"status": Release.Status.PUBLISHED, "published_at": NOW + datetime.timedelta(1)},
    "withdrawn": {"status": Release.Status.WITHDRAWN, "published_at": NOW - datetime.timedelta(1)},
}


def photo_of(**release):
    photo = PhotoFactory(
        release=ReleaseFactory(**release), image=ContentFile(jpeg_bytes(700, 350), name="p.jpg")
    )
    assert len(file_names(photo)) == 5  # the original, 480 and 700 wide in WebP and JPEG
    return photo


def get(client, name):
    return client.get(media_url(name))


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw-for-tests", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


def test_a_public_photo_and_each_of_its_renditions_are_served_to_everyone(client):
    photo = photo_of()
    for name in file_names(photo):
        response = get(client, name)
        assert response.status_code == 200, name
        assert response["Content-Type"] in ("image/jpeg", "image/webp")
        assert response["Cache-Control"] == "public, max-age=300"
        with default_storage.open(name) as f:
            assert b"".join(response.streaming_content) == f.read()


@pytest.mark.parametrize("state", STATES)
def test_a_photo_the_public_may_not_see_is_404_for_them_and_shown_to_staff(editor_client, state):
    photo = photo_of(**STATES[state])
    for name in file_names(photo):
        assert get(Client(), name).status_code == 404, name
        response = get(editor_client, name)
        assert response.status_code == 200, name
        assert response["Cache-Control"] == "private, no-store"


def test_a_staff_member_without_the_right_to_see_photos_gets_404(client, django_user_model):
    photo = photo_of(**STATES["draft"])
    user = django_user_model.objects.create_user("clerk", password="pw-for-tests", is_staff=True)
    client.force_login(user)
    assert get(client, photo.image.name).status_code == 404


def test_unpublishing_or_withdrawing_takes_the_files_down_at_once(client):
    photo = photo_of()
    assert get(client, photo.image.name).status_code == 200
    Release.objects.filter(pk=photo.release_id).update(status=Release.Status.WITHDRAWN)
    for name in file_names(photo):
        assert get(client, name).status_code == 404


def test_a_deleted_photo_is_404_although_its_files_remain(client):
    photo = photo_of()
    names = file_names(photo)
    photo.delete()
    for name in names:
        assert default_storage.exists(name)
        assert get(client, name).status_code == 404


def test_a_file_is_found_by_its_photo_never_by_its_name(staff_client):
    photo = photo_of()
    # A file in the storage that no photo shows, e.g. left by an old upload.
    stray = default_storage.save("photos/2025/01/stray.jpg", ContentFile(jpeg_bytes()))
    stem = photo.image.name.removesuffix(".jpg")
    guesses = [
        stray,
        rendition_name(stray, 480, "jpg"),
        rendition_name(photo.image.name, 1600, "jpg"),  # a width that was not made
        rendition_name(photo.image.name, 480, "png"),
        f"renditions/{stem}-480w.jpg.tmp",
        f"{stem}.png",
        f"../{photo.image.name}",
        "photos/",
        "renditions/",
        "../config/settings.py",
        "%2e%2e/config/settings.py",
    ]
    for name in guesses:
        assert Client().get("/media/" + name).status_code == 404, name
        assert staff_client.get("/media/" + name).status_code == 404, name


def test_a_public_file_costs_one_query(client, django_assert_num_queries):
    photo = photo_of()
    with django_assert_num_queries(1):
        assert get(client, rendition_name(photo.image.name, 480, "webp")).status_code == 200


def test_behind_nginx_django_answers_with_x_accel_redirect_and_no_body(
    client, settings, django_user_model
):
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    photo = photo_of()
    name = rendition_name(photo.image.name, 480, "webp")
    response = get(client, name)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/public/{name}"
    assert response["Content-Type"] == "image/webp"
    assert response.content == b""
    hidden = photo_of(**STATES["draft"])
    response = get(client, hidden.image.name)
    assert response.status_code == 404 and "X-Accel-Redirect" not in response
    client.force_login(django_user_model.objects.create_superuser("chief", password="pw"))
    response = get(client, hidden.image.name)
    assert response["X-Accel-Redirect"] == f"/protected-media/private/{hidden.image.name}"


def test_without_nginx_nor_serve_media_nothing_is_sent_and_the_check_says_why(client, settings):
    settings.SERVE_MEDIA = False
    settings.MEDIA_ACCEL_REDIRECT = ""
    photo = photo_of()
    assert get(client, photo.image.name).status_code == 404
    assert "releases.W001" in [message.id for message in run_checks()]
    settings.SERVE_MEDIA = True
    assert "releases.W001" not in [message.id for message in run_checks()]


def test_the_preview_of_a_draft_shows_its_photos_to_staff(staff_client):
    photo = photo_of(**STATES["draft"])
    preview = reverse("admin:releases_release_preview", args=[photo.release_id])
    sources = [img["src"] for img in soup_of(staff_client.get(preview)).select("picture img")]
    assert sources
    for src in sources:
        assert staff_client.get(src).status_code == 200
        assert Client().get(src).status_code == 404


def test_the_admin_shows_the_photo_of_a_draft(staff_client):
    photo = photo_of(**STATES["draft"])
    change = reverse("admin:releases_release_change", args=[photo.release_id])
    page = soup_of(staff_client.get(change))
    src = page.select_one(".field-preview img")["src"]
    assert staff_client.get(src).status_code == 200


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_withdrawn_release_shows_its_title_date_and_notice_and_nothing_else(client, language):
    release = ReleaseFactory(
        slug="gone",
        **STATES["withdrawn"],
        withdrawn_at=NOW,
        withdrawal_reason_ja="誤りのため",
        withdrawal_reason_en="It was wrong",
        subtitle_ja="副題SECRET",
        lead_ja="概要SECRET",
        lead_en="Summary SECRET",
    )
    PhotoFactory(release=release, caption_ja="写真SECRET", caption_en="Photo SECRET")
    response = client.get(url("releases:detail", language, slug="gone"))
    soup = soup_of(response)
    html = response.content.decode()
    assert soup.h1.text == (release.title_ja if language == "ja" else release.title_en)
    assert soup.select_one(".release__meta time")["datetime"]
    notice = soup.select_one(".notice--withdrawn").text
    assert ("誤りのため" if language == "ja" else "It was wrong") in notice
    assert soup.select_one('meta[name="robots"]')["content"] == "noindex"
    assert "SECRET" not in html
    assert "/media/" not in html
    assert not soup.select('script[type="application/ld+json"]')
    assert not soup.select('meta[property="og:image"], meta[name="description"]')
    assert not soup.select("picture, .release__section, .release__meetings, .toc, .related")
