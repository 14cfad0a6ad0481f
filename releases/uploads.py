"""Photo uploads: recognise the image by its content, refuse what is too big or odd, store pixels.

The order matters. The byte size is checked first, then Pillow reads only the header (format
and dimensions) with JPEG, PNG and WebP as the only decoders it may try, and the pixel count is
checked before anything is decoded, so a decompression bomb is refused after reading a few
bytes. Animations are refused: a press photo is one picture, and which frame an editor meant
cannot be guessed. (An MPO, the JPEG that phones and stereo cameras write with depth or gain
maps after the photo, is not an animation: its first image is the photo.)

Only then is the image decoded, and a new image is built from its pixels alone: turned upright
as the camera meant, converted to sRGB through its colour profile when it has one (browsers
take untagged pixels as sRGB, so the profile is then dropped), in RGB, RGBA or L. That image is
encoded with nothing else: no EXIF (no GPS position, no camera serial), XMP, IPTC, comment, text
chunk or colour profile reaches the storage.

Whatever goes wrong while decoding is a form error, never a 500: Pillow's decoders answer
hostile bytes with many kinds of exception (OSError, SyntaxError, struct.error, KeyError...).
"""

import io
import logging

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
# Pillow names a JPEG carrying further images "MPO"; what is stored is its first image, as JPEG.
STORED_AS = {"MPO": "JPEG"}
ENCODER_OPTIONS = {
    "JPEG": {"quality": 90, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 90},
}
GREY_MODES = {"1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "I;16N", "F"}
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


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
            fmt = STORED_AS.get(image.format, image.format)
            if fmt != image.format:
                image.seek(0)
            elif getattr(image, "n_frames", 1) > 1:
                _refuse(
                    _("Animated images are not accepted; upload a single still photo."),
                    "animated",
                )
            image.load()
            data = _encode(_pixels(image), fmt)
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        _refuse(_("The image has too many pixels to be accepted."), "too_many_pixels")
    except UnidentifiedImageError:
        _refuse(_("Upload a photo as JPEG, PNG or WebP."), "invalid_image")
    except Exception:  # noqa: BLE001 - see the module's docstring
        logger.info("Refused a damaged image upload", exc_info=True)
        _refuse(_("The image file is damaged or incomplete."), "invalid_image")
    extension, content_type = FORMATS[fmt]
    return SimpleUploadedFile(f"photo.{extension}", data, content_type)


def _pixels(image):
    """A new image with `image`'s pixels only: upright, sRGB, in RGB, RGBA or L, no info."""
    icc_profile = image.info.get("icc_profile")
    image = ImageOps.exif_transpose(image)
    alpha = image.convert("RGBA").getchannel("A") if image.has_transparency_data else None
    if image.mode.startswith("I"):
        # 16-bit grey: keep the top 8 bits (convert("L") would clip everything above 255).
        image = image.convert("I").point(lambda value: value * (1 / 257), "L")
    colour = _srgb(image, icc_profile, "L" if image.mode in GREY_MODES else "RGB")
    if alpha is not None:
        colour = colour.convert("RGBA")
        colour.putalpha(alpha)
    colour.info = {}
    return colour


def _srgb(image, icc_profile, mode):
    """`image` in `mode` ("RGB" or "L"), its colours converted from its profile to sRGB."""
    if icc_profile:
        try:
            source = image if image.mode in ("RGB", "CMYK", "L") else image.convert(mode)
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            converted = ImageCms.profileToProfile(source, profile, SRGB, outputMode="RGB")
            return converted.convert(mode)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            # A damaged profile, or one for another colour space than the pixels': the pixels
            # are kept as they are, which is what a browser would show.
            logger.info("Ignored an unusable colour profile", exc_info=True)
    return image.convert(mode)


def _encode(image, fmt):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **ENCODER_OPTIONS[fmt])
    return buffer.getvalue()
