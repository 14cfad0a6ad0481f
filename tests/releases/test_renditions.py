import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from django.template import Context, Template
from PIL import Image

from core.cache import content_changed
from releases.models import Photo
from releases.renditions import WIDTHS, picture_for, rendition_name, widths_for
from tests.factories import PhotoFactory, jpeg_bytes
from tests.images import non_pixel_blocks

pytestmark = pytest.mark.django_db


def stored(settings, url):
    """The stored name behind a media address."""
    return url.removeprefix(settings.MEDIA_URL)


def image_at(settings, url):
    return Image.open(default_storage.open(stored(settings, url)))


def test_widths_never_exceed_the_original_nor_the_largest_width():
    assert widths_for(3000) == list(WIDTHS)
    assert widths_for(1200) == [480, 960, 1200]
    assert widths_for(480) == [480]
    assert widths_for(40) == [40]


def test_rendition_names_are_deterministic_and_under_renditions():
    name = rendition_name("photos/2025/12/abc.jpg", 960, "webp")
    assert name == "renditions/photos/2025/12/abc-960w.webp"


def test_a_photo_gets_webp_and_jpeg_renditions_at_each_width(settings):
    photo = PhotoFactory(image=ContentFile(jpeg_bytes(2000, 1000), name="big.jpg"))
    picture = picture_for(photo)
    assert (picture.width, picture.height) == (1600, 800)
    assert [s.type for s in picture.sources] == ["image/webp", "image/jpeg"]
    for source, fmt in zip(picture.sources, ["WEBP", "JPEG"], strict=True):
        candidates = [c.strip().split(" ") for c in source.srcset.split(",")]
        assert [w for _, w in candidates] == ["480w", "960w", "1600w"]
        for url, w in candidates:
            with image_at(settings, url) as im:
                assert im.format == fmt
                assert im.size == (int(w[:-1]), int(w[:-1]) // 2)
    assert picture.src.endswith("-960w.jpg")


def test_renditions_are_made_when_the_photo_is_saved_once_committed(
    django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        photo = PhotoFactory(
            with_renditions=False, image=ContentFile(jpeg_bytes(1000, 500), name="p.jpg")
        )
        assert photo.rendition_widths == []  # not before the commit
    photo.refresh_from_db()
    assert photo.rendition_widths == [480, 960, 1000]
    for width in photo.rendition_widths:
        assert default_storage.exists(rendition_name(photo.image.name, width, "webp"))
    # Saving it again (a new caption) makes nothing again.
    monkeypatch.setattr("releases.renditions.render", lambda *a: pytest.fail("made again"))
    with django_capture_on_commit_callbacks(execute=True):
        photo.caption_ja = "新しい説明"
        photo.save()


def test_a_new_image_on_the_same_photo_gets_its_own_renditions(django_capture_on_commit_callbacks):
    photo = PhotoFactory()
    old = picture_for(photo).src
    with django_capture_on_commit_callbacks(execute=True):
        photo.image = ContentFile(jpeg_bytes(600, 300), name="new.jpg")
        photo.save()
        # Until the commit, the page shows the new original, never the old renditions.
        assert picture_for(photo).src.endswith(photo.image.name)
    photo.refresh_from_db()
    assert picture_for(photo).src != old
    assert picture_for(photo).src.endswith("-480w.jpg")


def test_a_page_never_touches_the_storage(monkeypatch):
    photo = PhotoFactory(image=ContentFile(jpeg_bytes(1200, 800), name="p.jpg"))
    storage = type(storages["default"])
    for method in ("open", "save", "exists", "size"):
        monkeypatch.setattr(storage, method, lambda *a, **k: pytest.fail("storage used"))
    assert picture_for(photo).width == 1200


def test_a_photo_whose_renditions_are_not_made_is_shown_from_its_original():
    photo = PhotoFactory(
        with_renditions=False, image=ContentFile(jpeg_bytes(900, 600), name="p.jpg")
    )
    picture = picture_for(photo)
    assert picture.sources == ()
    assert picture.src == f"/media/{photo.image.name}"
    assert (picture.width, picture.height) == (900, 600)
    assert not default_storage.exists(rendition_name(photo.image.name, 900, "jpg"))


def test_the_command_makes_what_is_missing_for_every_row_showing_the_file():
    missing = PhotoFactory(
        with_renditions=False, image=ContentFile(jpeg_bytes(700, 350), name="p.jpg")
    )
    # Two rows showing the same stored file (as generated releases do): made once for both.
    twin = PhotoFactory(with_renditions=False, image=missing.image.name)
    done = PhotoFactory()
    before = default_storage.get_modified_time(picture_for(done).src.removeprefix("/media/"))
    call_command("make_renditions", stdout=io.StringIO())
    for photo in (missing, twin):
        photo.refresh_from_db()
        assert photo.rendition_widths == [480, 700]
    after = default_storage.get_modified_time(picture_for(done).src.removeprefix("/media/"))
    assert after == before


def test_renditions_out_of_date_are_made_again(settings, monkeypatch):
    photo = PhotoFactory(image=ContentFile(jpeg_bytes(2000, 1000), name="big.jpg"))
    monkeypatch.setattr("releases.renditions.WIDTHS", (320, 1600))
    call_command("make_renditions", stdout=io.StringIO())
    photo.refresh_from_db()
    assert photo.rendition_widths == [320, 1600]


def test_a_png_with_transparency_is_flattened_onto_white(settings):
    buffer = io.BytesIO()
    Image.new("RGBA", (100, 50), (0, 0, 0, 0)).save(buffer, "PNG")
    photo = PhotoFactory(image=ContentFile(buffer.getvalue(), name="clear.png"))
    with image_at(settings, picture_for(photo).src) as im:
        assert im.getpixel((10, 10)) == (255, 255, 255)


def test_renditions_carry_pixels_only(settings):
    # An original from before uploads were cleaned, with EXIF and a comment.
    image = Image.new("RGB", (600, 400), (20, 120, 200))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=Image.Exif(), comment=b"SECRET")
    photo = PhotoFactory(image=ContentFile(buffer.getvalue(), name="old.jpg"))
    names = [rendition_name(photo.image.name, w, e) for w in (480, 600) for e in ("jpg", "webp")]
    for name in names:
        with default_storage.open(name) as f:
            data = f.read()
        assert non_pixel_blocks(data) == [] and b"SECRET" not in data, name


def test_a_broken_original_gets_no_renditions_and_the_save_still_succeeds(
    django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        broken = PhotoFactory(
            with_renditions=False, image=ContentFile(b"not an image", name="broken.jpg")
        )
    assert Photo.objects.get(pk=broken.pk).rendition_widths == []
    assert "Error calling" in caplog.text
    assert picture_for(broken) is None  # no size known: the page shows the caption alone


def test_the_photo_fragment_shows_picture_caption_and_credit():
    photo = PhotoFactory(
        image=ContentFile(jpeg_bytes(1200, 800), name="p.jpg"),
        caption_ja="会談の様子",
        credit_ja="カザフスタン大統領府",
        alt_text_ja="握手する二人",
    )
    html = Template("{% load site_tags %}{% photo photo %}").render(Context({"photo": photo}))
    soup = BeautifulSoup(html, "html.parser")
    img = soup.select_one("figure picture img")
    assert img["width"] == "1200" and img["height"] == "800"
    assert img["loading"] == "lazy"
    assert img["alt"] == "握手する二人"
    assert soup.select_one("source[type='image/webp']")["sizes"]
    assert "480w" in soup.select_one("source[type='image/webp']")["srcset"]
    assert "会談の様子" in soup.figcaption.text
    assert "カザフスタン大統領府" in soup.select_one(".photo__credit").text


def test_renditions_are_written_through_the_storage_api(settings, monkeypatch, tmp_path):
    written = []
    storage = type(storages["default"])
    save = storage.save
    monkeypatch.setattr(
        storage,
        "save",
        lambda self, name, content, **k: written.append(name) or save(self, name, content, **k),
    )
    photo = PhotoFactory(image=ContentFile(jpeg_bytes(500, 250), name="p.jpg"))
    renditions = {n for n in written if n.startswith("renditions/")}
    assert renditions == {
        rendition_name(photo.image.name, w, e) for w in (480, 500) for e in ("jpg", "webp")
    }
    assert all(Path(settings.MEDIA_ROOT, n).exists() for n in renditions)


@pytest.mark.django_db(transaction=True)
def test_a_cached_page_shows_the_renditions_once_they_are_made(client, countries):
    photo = PhotoFactory(image=ContentFile(jpeg_bytes(900, 600), name="p.jpg"))
    # As for a photo saved before its renditions existed (they are made by the command).
    Photo.objects.filter(pk=photo.pk).update(renditions={})
    content_changed()
    page = photo.release.get_absolute_url()
    first = BeautifulSoup(client.get(page).content, "html.parser").select_one("picture img")
    assert first["src"] == f"/media/{photo.image.name}"
    assert client.get(page).content == client.get(page).content  # served from the page cache
    call_command("make_renditions", stdout=io.StringIO())
    then = BeautifulSoup(client.get(page).content, "html.parser").select_one("picture img")
    assert then["src"].startswith("/media/renditions/")
