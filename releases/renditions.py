"""Photos as renditions: a few widths, WebP with a JPEG fallback, made with Pillow.

A photo's renditions are made when the photo is saved (`releases.signals`, once the save is
committed), or by `python manage.py make_renditions` for photos that have none yet, through the
photo's storage (the local disk or object storage alike). They are named after the stored
original (`photos/2025/12/<uuid>.jpg` gives `renditions/photos/2025/12/<uuid>-960w.webp`), and
what was made is recorded on the rows showing that file (`Photo.renditions`). Pages read only
that record: a page never writes a file nor asks the storage anything, and a photo whose
renditions are not made yet is shown from its original.

Every file's address is under MEDIA_URL whatever the storage: `releases.media` answers it after
checking that the public may see the photo.
"""

import io
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.encoding import filepath_to_uri
from PIL import Image, ImageOps

from core.cache import content_changed

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


def file_names(photo):
    """The names in storage of the photo's original and of its renditions made so far."""
    name = photo.image.name
    return {name} | {
        rendition_name(name, width, extension)
        for width in photo.rendition_widths
        for extension, *_ in FORMATS
    }


def media_url(name):
    """The address of a stored file: always ours (see releases.media), never the storage's, so
    that a page or feed kept in a cache holds no expiring signed address."""
    return settings.MEDIA_URL + filepath_to_uri(name)


def picture_for(photo):
    """The photo's <picture> data, from what its row records (no file is read or written):
    renditions in both formats when they are made, else the original alone; None for a photo
    without a stored image or its size."""
    name = photo.image.name if photo.image else ""
    if not (name and photo.width and photo.height):
        return None
    widths = photo.rendition_widths
    if not widths:
        return Picture(sources=(), src=media_url(name), width=photo.width, height=photo.height)

    def srcset(extension):
        return ", ".join(f"{media_url(rendition_name(name, w, extension))} {w}w" for w in widths)

    largest = widths[-1]
    # Browsers without srcset get a middle-sized JPEG.
    fallback = widths[(len(widths) - 1) // 2]
    return Picture(
        sources=tuple(Source(mime, srcset(ext)) for ext, _, mime, _ in FORMATS),
        src=media_url(rendition_name(name, fallback, FORMATS[-1][0])),
        width=largest,
        height=max(1, round(photo.height * largest / photo.width)),
    )


def is_current(photo):
    """True when the photo's renditions are made, at the widths its image calls for."""
    widths = photo.rendition_widths
    return bool(widths) and (not photo.width or widths == widths_for(photo.width))


def render(storage, name):
    """Make the renditions of the original stored as `name` and store them beside it; return
    the record to keep on the photos showing it (see `Photo.renditions`)."""
    with storage.open(name) as f, Image.open(f, formats=SOURCE_FORMATS) as original:
        image = _flattened(ImageOps.exif_transpose(original))
    widths = widths_for(image.width)
    jpeg_bytes = 0
    for width in widths:
        size = (width, max(1, round(image.height * width / image.width)))
        resized = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        for extension, fmt, _mime, options in FORMATS:
            buffer = io.BytesIO()
            resized.save(buffer, fmt, **options)
            _store(storage, rendition_name(name, width, extension), buffer.getvalue())
            jpeg_bytes = buffer.tell()  # the largest JPEG comes last
    return {"of": name, "widths": widths, "jpeg_bytes": jpeg_bytes}


def make_renditions(photo):
    """Make the photo's renditions and record them on every photo showing the same file."""
    from .models import Photo

    name = photo.image.name
    photo.renditions = render(photo.image.storage, name)
    Photo.objects.filter(image=name).update(renditions=photo.renditions)
    # update() sends no signal: pages cached with the original give way to the renditions.
    content_changed()


def make_missing_renditions(photos):
    """Make the renditions missing or out of date among `photos` (a queryset), once per stored
    file; return the number of files done."""
    done = set()
    for photo in photos.exclude(image="").iterator():
        if photo.image.name not in done and not is_current(photo):
            make_renditions(photo)
            done.add(photo.image.name)
    return len(done)


def _flattened(image):
    """RGB pixels only: transparency laid on white (JPEG has none), metadata left behind."""
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        return flat
    image = image.convert("RGB")
    # Originals stored before uploads were cleaned, or loaded from elsewhere, may carry some.
    image.info = {}
    return image


def _store(storage, name, data):
    """Store `data` as `name`, replacing what is there (renditions are remade, never renamed)."""
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(data))
    if saved != name:  # another process stored it in between: theirs is the same image
        storage.delete(saved)
