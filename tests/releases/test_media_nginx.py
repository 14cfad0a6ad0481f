"""Behind a real nginx, with deploy/nginx-media.conf as the README tells: Django checks, nginx
sends the file (X-Accel-Redirect). Skipped only where nginx is not installed (.ci/run installs
nginx-light)."""

import shutil
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test.testcases import _MediaFilesHandler

from releases.documents import CONTENT_TYPES
from releases.media import PUBLIC_MAX_AGE
from releases.models import Release
from releases.renditions import file_names, media_url, rendition_name
from tests.documents import ooxml_bytes
from tests.factories import AttachmentFactory, PhotoFactory, ReleaseFactory, jpeg_bytes

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
SNIPPET = Path(__file__).resolve().parents[2] / "deploy" / "nginx-media.conf"

pytestmark = [
    pytest.mark.skipif(NGINX is None, reason="needs nginx (.ci/run installs nginx-light)"),
    pytest.mark.django_db(transaction=True),
]


def free_port():
    # nginx cannot be told to bind port 0 and report it: take a port the kernel just gave out.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, process):
    """Until nginx accepts connections (or has exited)."""
    while process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            continue
    raise AssertionError(f"nginx exited with {process.returncode}")


@pytest.fixture
def nginx(live_server, settings, tmp_path, monkeypatch, countries):
    # Django's live server answers MEDIA_URL itself, from MEDIA_ROOT, before any view: let our
    # view answer, as it does in production.
    monkeypatch.setattr(_MediaFilesHandler, "_should_handle", lambda handler, path: False)
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    port = free_port()
    snippet = SNIPPET.read_text().replace("/srv/pressroom/media/", f"{settings.MEDIA_ROOT}/")
    temp = {name: tmp_path / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"""
        daemon off;
        master_process off;
        pid {tmp_path}/nginx.pid;
        error_log {tmp_path}/error.log;
        events {{}}
        http {{
            include /etc/nginx/mime.types;
            access_log off;
            client_body_temp_path {temp["body"]};
            proxy_temp_path {temp["proxy"]};
            fastcgi_temp_path {temp["fastcgi"]};
            uwsgi_temp_path {temp["uwsgi"]};
            scgi_temp_path {temp["scgi"]};
            server {{
                listen 127.0.0.1:{port};
                location / {{
                    proxy_pass {live_server.url};
                }}
                {snippet}
            }}
        }}
        """
    )
    process = subprocess.Popen(  # noqa: S603 (our arguments)
        [NGINX, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def fetch(url):
    """(status, headers, body), whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our own server)
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_nginx_sends_the_files_of_a_public_photo_after_django_checked(nginx):
    photo = PhotoFactory(image=ContentFile(jpeg_bytes(700, 350), name="p.jpg"))
    for name in file_names(photo):
        status, headers, body = fetch(nginx + media_url(name))
        assert status == 200, name
        with default_storage.open(name) as f:
            assert body == f.read()
        assert headers["Content-Type"] == ("image/webp" if name.endswith(".webp") else "image/jpeg")
        assert headers["Cache-Control"] == f"public, max-age={PUBLIC_MAX_AGE}"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "X-Accel-Redirect" not in headers


def test_through_nginx_a_hidden_photo_is_404_and_the_internal_location_unreachable(nginx):
    withdrawn = ReleaseFactory(status=Release.Status.WITHDRAWN)
    photo = PhotoFactory(release=withdrawn, image=ContentFile(jpeg_bytes(600, 300), name="p.jpg"))
    name = rendition_name(photo.image.name, 480, "jpg")
    assert default_storage.exists(name)
    assert fetch(nginx + media_url(name))[0] == 404
    assert fetch(nginx + "/protected-media/private/" + name)[0] == 404
    public = PhotoFactory()
    assert fetch(nginx + "/protected-media/public/" + public.image.name)[0] == 404
    assert fetch(nginx + media_url(public.image.name))[0] == 200


def test_nginx_sends_a_public_document_with_its_type_and_file_name(nginx):
    attachment = AttachmentFactory(
        file=ContentFile(ooxml_bytes("pptx", count=3), name="deck.pptx"), format="pptx", pages=3
    )
    status, headers, body = fetch(nginx + media_url(attachment.file.name))
    assert status == 200
    with attachment.file.open("rb") as stored:
        assert body == stored.read()
    assert headers["Content-Type"] == CONTENT_TYPES["pptx"]
    assert headers["Content-Disposition"] == (
        f'attachment; filename="{attachment.release.slug}-1.pptx"'
    )
    assert headers["Cache-Control"] == f"public, max-age={PUBLIC_MAX_AGE}"
    hidden = AttachmentFactory(release=ReleaseFactory(status=Release.Status.WITHDRAWN))
    assert fetch(nginx + media_url(hidden.file.name))[0] == 404
