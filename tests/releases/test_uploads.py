"""Photos: JPEG, PNG and WebP only, recognised by content; limits before decoding; any bad
file refused with a message; what is stored carries pixels only."""

import io
import struct
import zlib
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image, ImageFile

from releases.models import Photo, Release
from releases.uploads import MAX_BYTES, clean_image
from tests.admin_forms import errors, form_data
from tests.factories import ReleaseFactory, jpeg_bytes
from tests.images import (
    GPS_IFD,
    SECRET,
    encode,
    exif_with_gps,
    gradient,
    jpeg_segment,
    jpeg_segments,
    mutated_images,
    non_pixel_blocks,
    png_chunks,
    seeds,
    swapped_rgb_profile,
    webp_chunks,
    with_segments,
)


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
    return encode(Image.new("RGB", size, (200, 30, 30)), "JPEG", exif=exif_with_gps(orientation))


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


def test_a_decompression_bomb_is_refused_from_its_header_without_decoding(monkeypatch):
    bomb = png_bomb()
    assert len(bomb) < 1_000_000

    def load(image):
        raise AssertionError("a bomb must be refused before its pixels are decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    with pytest.raises(ValidationError) as refused:
        clean_image(upload(bomb, name="photo.png", content_type="image/png"))
    assert refused.value.code == "too_many_pixels"


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
    assert SECRET not in data
    cleaned = Image.open(io.BytesIO(data))
    assert not cleaned.getexif()
    assert cleaned.size == (40, 60)


def broken_exif_jpeg():
    """A JPEG whose EXIF has an orientation to apply and says the camera's make is a fraction:
    Pillow fails writing the rest of the block back once it has turned the image."""
    exif = exif_with_gps(orientation=6).tobytes()
    broken = exif.replace(b"\x01\x0f\x00\x02", b"\x01\x0f\x00\x0a", 1)  # Make: ASCII → SRATIONAL
    assert broken != exif
    return with_segments(encode(gradient(), "JPEG"), jpeg_segment(0xE1, broken))


@pytest.mark.filterwarnings("ignore")  # Pillow warns about the blocks it cannot read
@pytest.mark.parametrize(
    "block",
    [
        exif_with_gps(orientation=6).tobytes()[:40],  # cut short
        b"Exif\x00\x00" + b"\xff" * 60,  # garbage after the header
        b"Exif\x00\x00XX*\x00\x08\x00\x00\x00",  # no byte order
        b"Exif\x00\x00II*\x00\xff\xff\x00\x00",  # first directory past the end
        exif_with_gps().tobytes().replace(b"\x01\x0f\x00\x02", b"\x01\x0f\x00\x0a", 1),
    ],
    ids=["truncated", "garbage", "byte-order", "offset", "wrong-type-no-orientation"],
)
def test_a_jpeg_with_an_unreadable_exif_block_is_accepted_as_its_pixels_alone(block):
    """What docs/security.md says: the block is left behind with the rest of the metadata, and
    the image is kept as it is stored (an orientation that cannot be read is not applied)."""
    image = gradient()
    assert image.width != image.height
    data = with_segments(encode(image, "JPEG"), jpeg_segment(0xE1, block))
    stored = clean_image(upload(data)).read()
    assert non_pixel_blocks(stored) == []
    assert Image.open(io.BytesIO(stored)).size == image.size


def test_a_jpeg_whose_exif_orientation_cannot_be_applied_is_refused_with_a_message():
    with pytest.raises(ValidationError) as refused:
        clean_image(upload(broken_exif_jpeg()))
    assert refused.value.code == "invalid_image"
    with translation.override("en"):
        assert refused.value.messages == ["The image file is damaged or incomplete."]


@pytest.mark.parametrize("seed", ["apng", "webp-animated"])
def test_animations_are_refused_with_a_message(seed):
    with pytest.raises(ValidationError) as refused:
        clean_image(upload(seeds()[seed]))
    assert refused.value.code == "animated"


@pytest.mark.parametrize(
    "seed,fmt,mode",
    [
        ("jpeg-cmyk", "JPEG", "RGB"),
        ("jpeg-grey-progressive", "JPEG", "L"),
        ("mpo", "JPEG", "RGB"),
        ("png-palette-transparent", "PNG", "RGBA"),
        ("png-16-bit-grey", "PNG", "L"),
        ("png-grey-alpha", "PNG", "RGBA"),
        ("webp-lossless-alpha", "WEBP", "RGBA"),
    ],
)
def test_odd_modes_are_stored_as_rgb_rgba_or_grey(seed, fmt, mode):
    stored = Image.open(clean_image(upload(seeds()[seed])))
    assert (stored.format, stored.mode, stored.size) == (fmt, mode, (48, 32))


def test_transparency_and_sixteen_bit_grey_keep_their_look():
    palette = Image.open(clean_image(upload(seeds()["png-palette-transparent"])))
    source = Image.open(io.BytesIO(seeds()["png-palette-transparent"])).convert("RGBA")
    assert palette.getchannel("A").getextrema() == (0, 255)
    assert palette.tobytes() == source.tobytes()
    grey = Image.open(clean_image(upload(seeds()["png-16-bit-grey"])))
    # The 16-bit values (0 to 62,340) become 0 to 242, not a white image clipped at 255.
    assert grey.getextrema() == (0, 242)


def test_an_mpo_is_stored_as_its_first_image():
    stored = Image.open(clean_image(upload(seeds()["mpo"])))
    assert stored.format == "JPEG" and not getattr(stored, "n_frames", 1) > 1
    assert stored.getpixel((47, 0))[0] > 200  # the first image's red corner, not the grey one


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_colours_are_converted_to_srgb_through_the_profile_and_the_profile_dropped(fmt):
    # In this profile, full red is sRGB's full green: only a real conversion turns it green.
    red = encode(Image.new("RGB", (8, 8), (255, 0, 0)), fmt, icc_profile=swapped_rgb_profile())
    stored = Image.open(clean_image(upload(red)))
    assert "icc_profile" not in stored.info
    r, g, b = stored.convert("RGB").getpixel((4, 4))
    assert r < 30 and g > 225 and b < 30


def test_a_profile_that_does_not_fit_the_pixels_is_dropped_and_the_photo_kept():
    cmyk_with_rgb_profile = encode(gradient("CMYK"), "JPEG", icc_profile=swapped_rgb_profile())
    stored = Image.open(clean_image(upload(cmyk_with_rgb_profile)))
    assert stored.mode == "RGB" and "icc_profile" not in stored.info


METADATA_SEEDS = ["jpeg-metadata", "jpeg-cmyk", "mpo", "png-metadata", "png-grey-alpha"]
METADATA_SEEDS += ["webp-metadata", "webp-lossless-alpha"]


@pytest.mark.parametrize("seed", METADATA_SEEDS)
def test_a_stored_photo_carries_pixels_only(seed):
    original = seeds()[seed]
    assert SECRET in original and non_pixel_blocks(original)
    stored = clean_image(upload(original)).read()
    assert non_pixel_blocks(stored) == []
    assert SECRET not in stored and b"Exif" not in stored and b"http://ns.adobe.com" not in stored


def test_the_block_readers_see_every_kind_of_metadata():
    """The readers the tests rely on find what they must refuse, block by block."""
    jpeg = [marker for marker, _ in jpeg_segments(seeds()["jpeg-metadata"])]
    assert {0xE1, 0xE2, 0xED, 0xFE} <= set(jpeg)  # EXIF and XMP, ICC, IPTC, comments
    png = [kind for kind, _ in png_chunks(seeds()["png-metadata"])]
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP"} <= set(png)
    webp = [kind for kind, _ in webp_chunks(seeds()["webp-metadata"])]
    assert {b"ICCP", b"EXIF", b"XMP "} <= set(webp)


@pytest.mark.filterwarnings("ignore")  # Pillow warns about every odd EXIF and chunk it meets
def test_ten_thousand_mutated_images_are_refused_with_a_message_or_stored_as_pixels_only():
    outcomes = Counter()
    for n, (seed, kind, data) in enumerate(mutated_images(10_000)):
        try:
            stored = clean_image(upload(data)).read()
        except ValidationError as refused:
            assert refused.messages, (n, seed, kind)
            outcomes[refused.code] += 1
            continue
        except Exception as error:
            raise AssertionError(f"case {n}: {kind} of {seed} is a crash, not a message") from error
        assert non_pixel_blocks(stored) == [] and SECRET not in stored, (n, seed, kind)
        outcomes["stored"] += 1
    assert sum(outcomes.values()) == 10_000
    # The corpus reaches every outcome, and plenty of the refused and the accepted.
    assert outcomes["stored"] > 2000 and outcomes["invalid_image"] > 2000, outcomes
    assert outcomes["animated"] and outcomes["too_many_pixels"], outcomes


@pytest.mark.django_db
class TestThroughTheAdmin:
    def post_photo(self, client, data, name="photo.jpg"):
        # A draft: a live release's new photo waits for a publisher (releases.drafts).
        release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None)
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

    def test_a_broken_exif_or_an_animation_gets_a_message_in_the_form(self, staff_client):
        for data, words in [
            (broken_exif_jpeg(), ("damaged", "壊れている")),
            (seeds()["webp-animated"], ("Animated images are not accepted", "アニメーション画像")),
        ]:
            release, response = self.post_photo(staff_client, data)
            assert response.status_code == 200
            said = " ".join(errors(response))
            assert any(word in said for word in words), said  # the admin speaks ja or en
            assert not Photo.objects.filter(release=release).exists()

    @pytest.mark.filterwarnings("ignore")
    def test_mutated_images_through_the_admin_are_a_message_or_a_clean_photo(self, staff_client):
        outcomes = Counter()
        for seed, kind, data in list(mutated_images(60, seed=7))[::5]:
            release, response = self.post_photo(staff_client, data, name="upload.jpg")
            photo = Photo.objects.filter(release=release).first()
            if response.status_code == 302:
                with photo.image.open("rb") as stored:
                    assert non_pixel_blocks(stored.read()) == [], (seed, kind)
                outcomes["stored"] += 1
            else:
                assert response.status_code == 200 and errors(response), (seed, kind)
                assert photo is None
                outcomes["refused"] += 1
        assert outcomes["stored"] and outcomes["refused"], outcomes

    def test_a_stored_photo_has_no_gps_and_a_random_name(self, staff_client):
        release, response = self.post_photo(staff_client, jpeg_with_gps(), "IMG_1234 自宅.jpg")
        assert response.status_code == 302, errors(response)
        photo = Photo.objects.get(release=release)
        assert "IMG_1234" not in photo.image.name
        assert photo.image.name.endswith(".jpg")
        with photo.image.open("rb") as stored:
            data = stored.read()
        assert SECRET not in data
        assert not Image.open(io.BytesIO(data)).getexif()
        assert (photo.width, photo.height) == (60, 40)
