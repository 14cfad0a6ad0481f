"""Photo uploads: recognise the image by its content, refuse what is too big, store a clean copy.

The order matters. The byte size is checked first, then Pillow reads only the header (format
and dimensions) with JPEG, PNG and WebP as the only decoders it may try, and the pixel count is
checked before anything is decoded, so a decompression bomb is refused after reading a few
bytes. Only then is the image decoded and encoded again: what is stored carries no EXIF (no
GPS position, no camera serial), only the pixels, turned upright as the camera meant.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}


def _refuse(message, code):
    raise ValidationError(message, code=code)


def clean_image(upload):
    """Return a re-encoded copy of `upload` (an UploadedFile), or raise ValidationError."""
    if upload.size is not None and upload.size > MAX_BYTES:
        _refuse(
            _("The file is larger than %(mb)d MB; export a smaller JPEG.")
            % {"mb": MAX_BYTES // 2**20},
            "too_large",
        )
    upload.seek(0)
    try:
        # Image.open reads the header only; `formats` keeps every other decoder away.
        with Image.open(upload, formats=list(FORMATS)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                _refuse(
                    _(
                        "The image is %(w)d × %(h)d pixels; at most %(mp)d million pixels are "
                        "accepted."
                    )
                    % {"w": width, "h": height, "mp": MAX_PIXELS // 1_000_000},
                    "too_many_pixels",
                )
            fmt = image.format
            image.load()
            upright = ImageOps.exif_transpose(image)
            data = _encode(upright, fmt, image.info.get("icc_profile"))
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        _refuse(_("The image has too many pixels to be accepted."), "too_many_pixels")
    except UnidentifiedImageError:
        _refuse(_("Upload a photo as JPEG, PNG or WebP."), "invalid_image")
    except (OSError, ValueError, SyntaxError, EOFError):
        _refuse(_("The image file is damaged or incomplete."), "invalid_image")
    extension, content_type = FORMATS[fmt]
    return SimpleUploadedFile(f"photo.{extension}", data, content_type)


def _encode(image, fmt, icc_profile):
    # Saving without exif= (and without pnginfo) drops every metadata block but the colour profile.
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        options.update(quality=90, optimize=True)
    elif fmt == "WEBP":
        options.update(quality=90)
    else:
        options.update(optimize=True)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()
