"""Photos on S3-compatible object storage (DJANGO_STORAGE=s3), against a real S3 API served by
moto on 127.0.0.1: uploads and renditions land in a private bucket, the site answers each file
after its check with a redirect to a short-lived signed address."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from moto.server import ThreadedMotoServer

from config.settings import media_storage
from core.cache import content_changed
from releases.models import Photo, Release
from tests.admin_forms import errors, form_data
from tests.factories import ReleaseFactory, jpeg_bytes
from tests.images import non_pixel_blocks
from tests.pages import soup_of

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A new private bucket, and the site configured for it as the README says."""
    name = f"press-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("DJANGO_STORAGE", "s3")
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", name)
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_S3_REGION_NAME", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket=name)
    settings.STORAGES = {**settings.STORAGES, "default": media_storage()}
    yield s3, name


def keys(bucket):
    s3, name = bucket
    return {item["Key"] for item in s3.list_objects_v2(Bucket=name).get("Contents", [])}


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our own server)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def upload_through_the_admin(client, release, data):
    change = reverse("admin:releases_release_change", args=[release.pk])
    form = form_data(client.get(change), "release_form")
    form.update(
        {
            "photos-TOTAL_FORMS": "1",
            "photos-0-image": SimpleUploadedFile("IMG_0001.jpg", data),
            "photos-0-caption_ja": "署名式",
            "photos-0-order": "1",
        }
    )
    response = client.post(change, form)
    assert response.status_code == 302, errors(response)
    return Photo.objects.get(release=release)


def test_photos_live_in_a_private_bucket_and_follow_publication(
    bucket, staff_client, s3_endpoint, django_capture_on_commit_callbacks
):
    public = Client()
    # Uploaded while a draft (a live release's new photo waits for a publisher), then public.
    release = ReleaseFactory(slug="on-s3", status=Release.Status.DRAFT, published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        photo = upload_through_the_admin(staff_client, release, jpeg_bytes(1200, 600))
    Release.objects.filter(pk=release.pk).update(
        status=Release.Status.PUBLISHED, published_at=timezone.now() - timedelta(days=1)
    )
    content_changed()  # update() sends no signals (core.cache)

    # The original and its renditions are in the bucket, and nowhere on the local disk.
    photo.refresh_from_db()
    assert photo.rendition_widths == [480, 960, 1200]
    stem = photo.image.name.removesuffix(".jpg")
    renditions = {f"renditions/{stem}-{w}w.{e}" for w in (480, 960, 1200) for e in ("webp", "jpg")}
    assert keys(bucket) == {photo.image.name} | renditions
    s3, name = bucket
    stored = s3.get_object(Bucket=name, Key=photo.image.name)["Body"].read()
    assert non_pixel_blocks(stored) == []

    # The bucket answers no one without a signature.
    assert fetch(f"{s3_endpoint}/{name}/{photo.image.name}")[0] == 403

    # The public page names the site's own addresses; each redirects to a signed one.
    page = soup_of(public.get(release.get_absolute_url()))
    sources = [page.select_one("picture img")["src"]]
    sources += [c.split()[0] for c in page.select_one("source")["srcset"].split(",")]
    assert all(src.startswith("/media/renditions/") for src in sources)
    for src in sources:
        response = public.get(src)
        assert response.status_code == 302
        assert response["Cache-Control"] == "public, max-age=300"
        signed = response["Location"]
        assert signed.startswith(f"{s3_endpoint}/") and urlsplit(signed).query
        status, body = fetch(signed)
        assert status == 200
        assert body == s3.get_object(Bucket=name, Key=src.removeprefix("/media/"))["Body"].read()

    # Withdrawn: the page shows no photo, and the files are 404 for the public.
    Release.objects.filter(pk=release.pk).update(status=Release.Status.WITHDRAWN)
    content_changed()  # update() sends no signals (core.cache)
    assert "/media/" not in public.get(release.get_absolute_url()).content.decode()
    for src in [*sources, f"/media/{photo.image.name}"]:
        assert public.get(src).status_code == 404
        assert staff_client.get(src).status_code == 302  # staff still see it


def test_the_settings_take_object_storage_from_the_environment(s3_endpoint):
    """As a server would start: the storage and the Content-Security-Policy that lets browsers
    follow the redirect to the storage's signed addresses."""
    environment = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DJANGO_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": "press-photos",
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
    }
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.STORAGES['default'], "
        "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']]))"
    )
    output = subprocess.run(  # noqa: S603 (our interpreter, fixed arguments)
        [sys.executable, "-c", script],
        env={**environment, "DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    storage, image_sources = json.loads(output)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "press-photos"
    assert storage["OPTIONS"]["default_acl"] == "private"
    assert image_sources == ["'self'", "data:", s3_endpoint]
