"""Photos: JPEG, PNG and WebP only, recognised by content; limits before decoding; no EXIF kept."""

import io
import struct
import time
import tracemalloc
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from releases.models import Photo
from releases.uploads import MAX_BYTES, clean_image
from tests.admin_forms import errors, form_data
from tests.factories import ReleaseFactory, jpeg_bytes

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width=100_000, height=100_000, rows_compressed=2000):
    """A valid PNG header claiming 10 gigapixels, with a little zero data: a decompression bomb."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)
    data = b"".join(compressor.compress(row) for _ in range(rows_compressed))
    data += compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", data)
        + png_chunk(b"IEND", b"")
    )


def jpeg_with_gps(orientation=None, size=(60, 40)):
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (35.0, 40.0, 1.5), 3: "E", 4: (139.0, 45.0, 2.5)})
    if orientation:
        exif[ORIENTATION] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type)


@pytest.mark.parametrize("fmt,extension", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_jpeg_png_and_webp_are_accepted_and_named_by_their_content(fmt, extension):
    cleaned = clean_image(upload(jpeg_bytes(fmt=fmt), name="whatever.gif"))
    assert cleaned.name == f"photo.{extension}"
    assert Image.open(cleaned).format == fmt


@pytest.mark.parametrize(
    "data,name",
    [
        (jpeg_bytes(fmt="GIF"), "photo.gif"),
        (jpeg_bytes(fmt="GIF"), "photo.jpg"),
        (jpeg_bytes(fmt="BMP"), "photo.jpg"),
        (jpeg_bytes(fmt="TIFF"), "photo.png"),
        (b"<html><script>alert(1)</script></html>", "photo.jpg"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "photo.jpg"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "photo.png"),
        (b"", "photo.jpg"),
        (jpeg_bytes()[:200], "photo.jpg"),
    ],
    ids=["gif", "gif-named-jpg", "bmp", "tiff", "html", "pdf", "svg", "empty", "truncated"],
)
def test_anything_else_is_refused(data, name):
    with pytest.raises(ValidationError):
        clean_image(upload(data, name=name))


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    class Huge(SimpleUploadedFile):
        def read(self, *args):
            raise AssertionError("the size limit must be checked before reading")

    huge = Huge("big.jpg", b"", "image/jpeg")
    huge.size = MAX_BYTES + 1
    with pytest.raises(ValidationError) as refused:
        clean_image(huge)
    assert refused.value.code == "too_large"


def test_a_decompression_bomb_is_refused_quickly_and_with_little_memory():
    bomb = png_bomb()
    assert len(bomb) < 1_000_000
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ValidationError) as refused:
        clean_image(upload(bomb, name="photo.png", content_type="image/png"))
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert refused.value.code == "too_many_pixels"
    assert elapsed < 1.0
    assert peak < 10 * 1024 * 1024


def test_an_image_just_over_the_pixel_limit_is_refused_before_decoding():
    # 8000 × 5001 = 40,008,000 pixels, over the 40 MP limit: a header is all it takes.
    bomb = png_bomb(width=8000, height=5001, rows_compressed=10)
    with pytest.raises(ValidationError) as refused:
        clean_image(upload(bomb, name="photo.png", content_type="image/png"))
    assert refused.value.code == "too_many_pixels"


def test_exif_and_gps_are_stripped_and_the_orientation_applied():
    original = jpeg_with_gps(orientation=6, size=(60, 40))  # 6: rotate 90° to display
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    data = clean_image(upload(original)).read()
    assert b"SecretCam" not in data
    cleaned = Image.open(io.BytesIO(data))
    assert not cleaned.getexif()
    assert cleaned.size == (40, 60)


@pytest.mark.django_db
class TestThroughTheAdmin:
    def post_photo(self, client, data, name="photo.jpg"):
        release = ReleaseFactory()
        url = reverse("admin:releases_release_change", args=[release.pk])
        form = form_data(client.get(url), "release_form")
        form.update(
            {
                "photos-TOTAL_FORMS": "1",
                "photos-0-image": SimpleUploadedFile(name, data),
                "photos-0-caption_ja": "写真",
                "photos-0-order": "1",
            }
        )
        return release, client.post(url, form)

    @pytest.mark.parametrize(
        "data,name",
        [
            (jpeg_bytes(fmt="GIF"), "photo.gif"),
            (b"<html><body onload=alert(1)>", "photo.jpg"),
            (png_bomb(), "photo.png"),
        ],
        ids=["gif", "html-named-jpg", "png-bomb"],
    )
    def test_refused_files_are_form_errors_never_500(self, staff_client, data, name):
        release, response = self.post_photo(staff_client, data, name)
        assert response.status_code == 200
        assert errors(response)
        assert not Photo.objects.filter(release=release).exists()

    def test_a_stored_photo_has_no_gps_and_a_random_name(self, staff_client):
        release, response = self.post_photo(staff_client, jpeg_with_gps(), "IMG_1234 自宅.jpg")
        assert response.status_code == 302, errors(response)
        photo = Photo.objects.get(release=release)
        assert "IMG_1234" not in photo.image.name
        assert photo.image.name.endswith(".jpg")
        with photo.image.open("rb") as stored:
            data = stored.read()
        assert b"SecretCam" not in data
        assert not Image.open(io.BytesIO(data)).getexif()
        assert (photo.width, photo.height) == (60, 40)
