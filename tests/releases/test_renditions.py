import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.template import Context, Template
from PIL import Image

from releases.renditions import WIDTHS, picture_for, rendition_name, widths_for
from tests.factories import PhotoFactory, jpeg_bytes

pytestmark = pytest.mark.django_db


def image_at(settings, url):
    path = Path(settings.MEDIA_ROOT) / url.removeprefix(settings.MEDIA_URL)
    return Image.open(path)


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


def test_renditions_are_made_once(settings):
    photo = PhotoFactory()
    first = picture_for(photo)
    marker = Path(settings.MEDIA_ROOT) / first.src.removeprefix(settings.MEDIA_URL)
    before = marker.stat().st_mtime_ns
    assert picture_for(photo) == first
    assert marker.stat().st_mtime_ns == before


def test_a_png_with_transparency_is_flattened_onto_white(settings):
    buffer = io.BytesIO()
    Image.new("RGBA", (100, 50), (0, 0, 0, 0)).save(buffer, "PNG")
    photo = PhotoFactory(image=ContentFile(buffer.getvalue(), name="clear.png"))
    with image_at(settings, picture_for(photo).src) as im:
        assert im.getpixel((10, 10)) == (255, 255, 255)


def test_a_missing_or_broken_original_gives_no_picture_and_no_error():
    missing = PhotoFactory()
    missing.image.storage.delete(missing.image.name)
    assert picture_for(missing) is None
    broken = PhotoFactory(image=ContentFile(b"not an image", name="broken.jpg"))
    assert picture_for(broken) is None


def test_the_photo_fragment_shows_picture_caption_and_credit():
    photo = PhotoFactory(
        image=ContentFile(jpeg_bytes(1200, 800), name="p.jpg"),
        caption_ja="会談の様子",
        credit_ja="カザフスタン大統領府",
        alt_text_ja="握手する二人",
    )
    html = Template('{% include "includes/photo.html" with photo=photo %}').render(
        Context({"photo": photo})
    )
    soup = BeautifulSoup(html, "html.parser")
    img = soup.select_one("figure picture img")
    assert img["width"] == "1200" and img["height"] == "800"
    assert img["loading"] == "lazy"
    assert img["alt"] == "握手する二人"
    assert soup.select_one("source[type='image/webp']")["sizes"]
    assert "480w" in soup.select_one("source[type='image/webp']")["srcset"]
    assert "会談の様子" in soup.figcaption.text
    assert "カザフスタン大統領府" in soup.select_one(".photo__credit").text


def test_renditions_are_served_with_debug_off(client, settings):
    photo = PhotoFactory()
    response = client.get(picture_for(photo).src)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    # A path out of MEDIA_ROOT is refused (400), never read.
    assert client.get(settings.MEDIA_URL + "../config/settings.py").status_code in (400, 404)
    assert client.get(settings.MEDIA_URL + "renditions/").status_code == 404
