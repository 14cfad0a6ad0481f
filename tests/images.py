"""Images for upload tests: seeds full of metadata and odd modes, deterministic mutations of them,
and readers that split stored bytes into JPEG segments, PNG chunks and WebP chunks.

Every metadata block the seeds carry holds the word SECRET, so a test can also look for it.
"""

import io
import random
import struct
import zlib
from functools import cache

from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

SECRET = b"SECRET"
GPS_IFD = 0x8825
ORIENTATION = 0x0112
SIZE = (48, 32)


# Colour profiles ------------------------------------------------------------------------------

# sRGB's primaries as an ICC profile states them (adapted to the D50 white of the PCS).
SRGB_RED = (0.4361, 0.2225, 0.0139)
SRGB_GREEN = (0.3851, 0.7169, 0.0971)
SRGB_BLUE = (0.1431, 0.0606, 0.7141)
D50 = (0.9642, 1.0, 0.8249)


def _s15(value):
    return struct.pack(">i", round(value * 65536))


def _xyz(values):
    return b"XYZ \0\0\0\0" + b"".join(_s15(v) for v in values)


def swapped_rgb_profile():
    """A minimal ICC v2 RGB profile whose red and green primaries are sRGB's green and red,
    with linear curves: a pure red pixel in it is pure green in sRGB. Only a real colour
    conversion turns it green; a profile merely dropped leaves it red."""
    description = b"SECRET swapped RGB"
    desc = (
        b"desc\0\0\0\0"
        + struct.pack(">I", len(description) + 1)
        + description
        + b"\0"
        + b"\0" * 8  # Unicode: language, count 0
        + b"\0\0\0"  # ScriptCode: code, count 0
        + b"\0" * 67
    )
    linear = b"curv\0\0\0\0" + struct.pack(">IH", 1, 0x0100) + b"\0\0"
    tags = [
        (b"desc", desc),
        (b"wtpt", _xyz(D50)),
        (b"rXYZ", _xyz(SRGB_GREEN)),
        (b"gXYZ", _xyz(SRGB_RED)),
        (b"bXYZ", _xyz(SRGB_BLUE)),
        (b"rTRC", linear),
        (b"gTRC", linear),
        (b"bTRC", linear),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (
        struct.pack(">I", size)
        + b"none"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2026, 1, 1, 0, 0, 0)
        + b"acsp"
        + b"\0" * 24  # platform, flags, manufacturer, model, attributes
        + struct.pack(">I", 0)  # perceptual intent
        + b"".join(_s15(v) for v in D50)
        + b"none"
        + b"\0" * 44  # profile id, reserved
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body


def srgb_profile():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


# Seeds ----------------------------------------------------------------------------------------


def gradient(mode="RGB", size=SIZE):
    """A small image with varied pixels (flat images compress to almost nothing); in a mode with
    alpha, its transparency varies too."""
    width, height = size
    image = Image.new("RGBA", size)
    image.putdata(
        [
            (x * 255 // width, y * 255 // height, (x + y) * 7 % 256, 255 - x * 4)
            for y in range(height)
            for x in range(width)
        ]
    )
    return image.convert(mode)


def exif_with_gps(orientation=None):
    exif = Image.Exif()
    exif[0x010F] = "SECRET camera"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (35.0, 40.0, 1.5), 3: "E", 4: (139.0, 45.0, 2.5)})
    if orientation:
        exif[ORIENTATION] = orientation
    return exif


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="SECRET'
    b' photographer"/></rdf:RDF></x:xmpmeta>'
)
IPTC = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0e\x1c\x02\x50\x00\x0aSECRET IPT"


def jpeg_segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def with_segments(jpeg, *segments):
    """`jpeg` with `segments` (raw bytes) inserted right after its SOI marker."""
    return jpeg[:2] + b"".join(segments) + jpeg[2:]


def encode(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def jpeg_full_of_metadata(orientation=6, icc_profile=None):
    """A JPEG with EXIF (GPS, orientation), a comment, XMP, IPTC and a colour profile."""
    data = encode(
        gradient(),
        "JPEG",
        exif=exif_with_gps(orientation),
        comment=b"SECRET comment",
        icc_profile=icc_profile or swapped_rgb_profile(),
    )
    return with_segments(
        data,
        jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + XMP),
        jpeg_segment(0xED, IPTC),
        jpeg_segment(0xFE, b"SECRET second comment"),
    )


def png_full_of_metadata(mode="RGBA", icc_profile=None):
    info = PngInfo()
    info.add_text("Author", "SECRET author")
    info.add_text("Comment", "SECRET compressed " * 4, zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode(), lang="en", tkey="SECRET")
    image = gradient(mode)
    return encode(
        image,
        "PNG",
        pnginfo=info,
        exif=exif_with_gps(),
        icc_profile=icc_profile or swapped_rgb_profile(),
    )


def webp_full_of_metadata(lossless=False, mode="RGB"):
    return encode(
        gradient(mode),
        "WEBP",
        lossless=lossless,
        exif=exif_with_gps(),
        xmp=XMP,
        icc_profile=swapped_rgb_profile(),
    )


def palette_with_transparency():
    image = gradient().convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    return encode(image, "PNG", transparency=0)


def sixteen_bit_grey():
    image = Image.new("I;16", SIZE)
    image.putdata([x * 1300 + y * 40 for y in range(SIZE[1]) for x in range(SIZE[0])])
    return encode(image, "PNG")


def animation(fmt):
    frames = [gradient(), gradient().rotate(180)]
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)


@cache
def seeds():
    """{name: bytes}: valid images the fuzz test mutates; some are refused as they are."""
    return {
        "jpeg-metadata": jpeg_full_of_metadata(),
        "jpeg-cmyk": encode(gradient("CMYK"), "JPEG", comment=b"SECRET"),
        "jpeg-grey-progressive": encode(gradient("L"), "JPEG", progressive=True),
        "mpo": encode(
            gradient(),
            "MPO",
            save_all=True,
            append_images=[gradient("L").convert("RGB")],
            exif=exif_with_gps(),
        ),
        "png-metadata": png_full_of_metadata(),
        "png-palette-transparent": palette_with_transparency(),
        "png-16-bit-grey": sixteen_bit_grey(),
        "png-grey-alpha": png_full_of_metadata(mode="LA", icc_profile=b""),
        "apng": animation("PNG"),
        "webp-metadata": webp_full_of_metadata(),
        "webp-lossless-alpha": webp_full_of_metadata(lossless=True, mode="RGBA"),
        "webp-animated": animation("WEBP"),
    }


# Readers: what a stored file holds, block by block ---------------------------------------------


def jpeg_segments(data):
    """[(marker, payload)] of a JPEG; a scan's payload ends with its entropy-coded data, and
    bytes after the end of the image come last as ("after EOI", bytes)."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    segments, pos = [(0xD8, b"")], 2
    while pos < len(data):
        if data[pos] != 0xFF:
            raise ValueError(f"no marker at {pos}")
        while data[pos] == 0xFF:  # fill bytes
            pos += 1
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            segments.append((marker, b""))
            if data[pos:]:  # another image (an MPO's), or anything else hidden after the end
                segments.append(("after EOI", data[pos:]))
            break
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        payload, pos = data[pos + 2 : pos + length], pos + length
        if marker == 0xDA:
            end = pos
            while True:  # entropy-coded data runs to the next marker that is not RSTn or 0xFF00
                end = data.index(b"\xff", end)
                if data[end + 1] == 0 or 0xD0 <= data[end + 1] <= 0xD7:
                    end += 2
                    continue
                break
            payload, pos = payload + data[pos:end], end
        segments.append((marker, payload))
    return segments


def png_chunks(data):
    """[(type, data)] of a PNG, each chunk's CRC checked."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    chunks, pos = [], 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        if crc != zlib.crc32(kind + body):
            raise ValueError(f"bad CRC in {kind}")
        chunks.append((kind, body))
        pos += 12 + length
    return chunks


def webp_chunks(data):
    """[(fourcc, payload)] of a WebP (RIFF) file."""
    riff, size, webp = struct.unpack("<4sI4s", data[:12])
    if (riff, webp) != (b"RIFF", b"WEBP") or size != len(data) - 8:
        raise ValueError("not a WebP")
    chunks, pos = [], 12
    while pos < len(data):
        kind, length = struct.unpack("<4sI", data[pos : pos + 8])
        chunks.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 8 + length + length % 2
    return chunks


JPEG_PIXEL_MARKERS = {0xD8, 0xD9, 0xDB, 0xC0, 0xC1, 0xC2, 0xC4, 0xDD, 0xDA}
PNG_PIXEL_CHUNKS = {b"IHDR", b"IDAT", b"IEND"}
WEBP_PIXEL_CHUNKS = {b"VP8 ", b"VP8L", b"ALPH", b"VP8X"}
VP8X_ALPHA = 0x10


def non_pixel_blocks(data):
    """Every block of a stored JPEG, PNG or WebP that is not pixels or their layout; []
    for a file that carries pixels only. (JPEG's JFIF header, a pixel aspect ratio, counts as
    layout.)"""
    fmt = _format(data)
    if fmt == "JPEG":
        return [
            (marker, payload[:40])
            for marker, payload in jpeg_segments(data)
            if marker not in JPEG_PIXEL_MARKERS
            and not (marker == 0xE0 and payload.startswith(b"JFIF\0"))
        ]
    if fmt == "PNG":
        return [
            (kind, body[:40]) for kind, body in png_chunks(data) if kind not in PNG_PIXEL_CHUNKS
        ]
    found = []
    for kind, payload in webp_chunks(data):
        if kind not in WEBP_PIXEL_CHUNKS:
            found.append((kind, payload[:40]))
        elif kind == b"VP8X" and payload[0] & ~VP8X_ALPHA:
            found.append((kind, f"flags {payload[0]:#04x}"))
    return found


# Mutations ------------------------------------------------------------------------------------


def _format(data):
    return {b"\xff\xd8": "JPEG", b"\x89P": "PNG"}.get(data[:2], "WEBP")


def _split(data):
    """(head, [blocks]) of a valid seed: JPEG segments before the scan plus the rest,
    PNG chunks, or WebP chunks; joining head and blocks gives the bytes back."""
    fmt = _format(data)
    if fmt == "JPEG":
        blocks, pos = [], 2
        while data[pos + 1] != 0xDA:
            length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
            blocks.append(data[pos : pos + 2 + length])
            pos += 2 + length
        return data[:2], [*blocks, data[pos:]]
    if fmt == "PNG":
        blocks, pos = [], 8
        while pos < len(data):
            length = struct.unpack(">I", data[pos : pos + 4])[0]
            blocks.append(data[pos : pos + 12 + length])
            pos += 12 + length
        return data[:8], blocks
    blocks, pos = [], 12
    while pos < len(data):
        length = struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        blocks.append(data[pos : pos + 8 + length + length % 2])
        pos += 8 + length + length % 2
    return data[:12], blocks


def _payload(fmt, block):
    if fmt == "JPEG":
        return block[4:]
    if fmt == "PNG":
        return block[8:-4]
    return block[8 : 8 + struct.unpack("<I", block[4:8])[0]]


def _rebuilt_block(fmt, block, payload):
    """`block` holding `payload` instead, its length (and a PNG chunk's CRC) made right."""
    if fmt == "JPEG":
        return block[:2] + struct.pack(">H", len(payload) + 2) + payload
    if fmt == "PNG":
        kind = block[4:8]
        crc = zlib.crc32(kind + payload)
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)
    return block[:4] + struct.pack("<I", len(payload)) + payload + b"\0" * (len(payload) % 2)


EXIF_MARK = b"MM\x00*"  # the big-endian TIFF header Pillow writes, in all three formats


def _flip_bits(rng, data, count):
    data = bytearray(data)
    for _ in range(count):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


def _fix_riff_size(data):
    if data[:4] == b"RIFF":
        return data[:4] + struct.pack("<I", len(data) - 8) + data[8:]
    return data


def mutate(rng, name, seed, all_seeds):
    """One deterministic mutation of `seed`: (kind, bytes)."""
    kind = rng.choice(
        ["flip", "flip", "flip-in-block", "flip-in-exif", "truncate", "drop", "duplicate",
         "swap", "splice", "random-payload", "garbage"]
    )  # fmt: skip
    if kind == "flip":
        return kind, _flip_bits(rng, seed, rng.choice((1, 1, 2, 3, 8, 32)))
    if kind == "truncate":
        return kind, seed[: rng.randrange(len(seed))]
    if kind == "garbage":
        return kind, seed[: rng.randrange(2, 40)] + rng.randbytes(rng.randrange(0, 400))
    fmt = _format(seed)
    head, blocks = _split(seed)
    i = rng.randrange(len(blocks))
    if kind == "flip-in-exif":  # Pillow parses EXIF, and writes it back to turn a photo upright
        exif = [n for n, block in enumerate(blocks) if EXIF_MARK in _payload(fmt, block)[:12]]
        i = rng.choice(exif) if exif else i
    if kind in (
        "flip-in-block",
        "flip-in-exif",
    ):  # deeper than a bare flip: lengths and CRCs still agree
        payload = _payload(fmt, blocks[i])
        if payload:
            flipped = _flip_bits(rng, payload, rng.choice((1, 2, 4)))
            blocks[i] = _rebuilt_block(fmt, blocks[i], flipped)
    elif kind == "drop":
        del blocks[i]
    elif kind == "duplicate":
        blocks.insert(i, blocks[i])
    elif kind == "swap":
        j = rng.randrange(len(blocks))
        blocks[i], blocks[j] = blocks[j], blocks[i]
    elif kind == "splice":  # a block of another seed of the same format
        donors = [s for n, s in all_seeds.items() if n != name and _format(s) == fmt]
        _, donor_blocks = _split(rng.choice(donors))
        blocks.insert(i, rng.choice(donor_blocks))
    elif kind == "random-payload":
        payload = rng.randbytes(rng.choice((0, 1, 4, 16, 300)))
        blocks[i] = _rebuilt_block(fmt, blocks[i], payload)
    data = head + b"".join(blocks)
    return kind, _fix_riff_size(data) if rng.random() < 0.7 else data


def mutated_images(count, seed=20260101):
    """`count` (seed name, mutation kind, bytes), the same on every run."""
    rng = random.Random(seed)
    all_seeds = seeds()
    names = sorted(all_seeds)
    for n in range(count):
        name = names[n % len(names)]
        kind, data = mutate(rng, name, all_seeds[name], all_seeds)
        yield name, kind, data
