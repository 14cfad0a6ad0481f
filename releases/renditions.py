"""Photos as renditions: a few widths, WebP with a JPEG fallback, made with Pillow.

A photo's renditions are made the first time a page shows it and kept under
MEDIA_ROOT/renditions/, named after the stored original (`photos/2025/12/<uuid>.jpg` gives
`renditions/photos/2025/12/<uuid>-960w.webp`): the same photo always gets the same names and
nothing is stored in the database. Later requests only check that the largest JPEG exists;
it is written last, each file atomically, so its presence means the set is complete.
"""

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

WIDTHS = (480, 960, 1600)
# (extension, Pillow format, MIME type, save options); the fallback format comes last.
FORMATS = (
    ("webp", "WEBP", "image/webp", {"quality": 80, "method": 4}),
    ("jpg", "JPEG", "image/jpeg", {"quality": 82, "optimize": True, "progressive": True}),
)
SOURCE_FORMATS = ["JPEG", "PNG", "WEBP"]


@dataclass(frozen=True)
class Source:
    type: str
    srcset: str


@dataclass(frozen=True)
class Picture:
    sources: tuple[Source, ...]
    src: str
    width: int
    height: int


def widths_for(original_width):
    """The rendition widths for an original: never wider than it, nor than the largest width."""
    largest = min(original_width, WIDTHS[-1])
    return [*(w for w in WIDTHS if w < largest), largest]


def rendition_name(image_name, width, extension):
    stem = PurePosixPath(image_name).with_suffix("")
    return f"renditions/{stem}-{width}w.{extension}"


def picture_for(photo):
    """The photo's <picture> data, its renditions made if they are missing; None when the
    original cannot be read (missing file, not an image): the page shows the caption alone."""
    name = photo.image.name if photo.image else ""
    if not name:
        return None
    try:
        width, height = photo.width, photo.height
        if not (width and height):
            with photo.image.storage.open(name) as f, Image.open(f, formats=SOURCE_FORMATS) as im:
                width, height = ImageOps.exif_transpose(im).size
        widths = widths_for(width)
        marker = rendition_name(name, widths[-1], FORMATS[-1][0])
        if not default_storage.exists(marker):
            _make_renditions(photo, widths)
    except Exception:  # a broken photo must not break the page that shows it
        logger.warning("No renditions for photo %s (%s)", photo.pk, name, exc_info=True)
        return None

    def srcset(extension):
        return ", ".join(
            f"{default_storage.url(rendition_name(name, w, extension))} {w}w" for w in widths
        )

    largest = widths[-1]
    # Browsers without srcset get a middle-sized JPEG.
    fallback = widths[(len(widths) - 1) // 2]
    return Picture(
        sources=tuple(Source(mime, srcset(ext)) for ext, _, mime, _ in FORMATS),
        src=default_storage.url(rendition_name(name, fallback, FORMATS[-1][0])),
        width=largest,
        height=max(1, round(height * largest / width)),
    )


def _make_renditions(photo, widths):
    storage = photo.image.storage
    with storage.open(photo.image.name) as f, Image.open(f, formats=SOURCE_FORMATS) as original:
        image = ImageOps.exif_transpose(original)
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            flat = Image.new("RGB", image.size, "white")
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        else:
            image = image.convert("RGB")
        # Widths ascend and the fallback format comes last: the marker is written last.
        for width in widths:
            size = (width, max(1, round(image.height * width / image.width)))
            resized = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
            for extension, fmt, _mime, options in FORMATS:
                _write(resized, rendition_name(photo.image.name, width, extension), fmt, options)


def _write(image, name, fmt, options):
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            image.save(f, fmt, **options)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
