"""Document uploads (a release's attachments): the content must be what the extension says.

The extension names the format the editor means; the bytes must prove it. A PDF starts with
`%PDF-` and pypdf can read its pages (its page count is kept); an Office Open XML file (DOCX,
XLSX, PPTX) is a zip whose `[Content_Types].xml` declares that document's main part; an
OpenDocument file (ODT, ODS, ODP) is a zip whose first entry, `mimetype`, names that kind; a CSV
is text (UTF-8, or Shift_JIS as Japanese spreadsheets save it) without control bytes. A file with
macros declares another main part, and is refused with the rest.

Sizes are checked before anything is read, and the zip members read (a few small XML parts) are
checked for size before they are decompressed. Whatever goes wrong while reading is a form
error, never a 500: parsers answer hostile bytes with many kinds of exception.

The file is stored as uploaded: a document is not re-encoded as a photo is.
"""

import logging
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader

logger = logging.getLogger(__name__)

MAX_BYTES = 30 * 1024 * 1024
# The XML parts read from a zip: a few kilobytes in real files.
MAX_PART_BYTES = 2 * 1024 * 1024

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "csv": "text/csv",
}
EXTENSIONS = tuple(CONTENT_TYPES)
# The content type `[Content_Types].xml` gives the main part of each Office Open XML document.
OOXML_MAIN = {
    "docx": CONTENT_TYPES["docx"] + ".main+xml",
    "xlsx": CONTENT_TYPES["xlsx"] + ".main+xml",
    "pptx": CONTENT_TYPES["pptx"] + ".main+xml",
}
# Where docProps/app.xml counts them (Word saves its page count, PowerPoint its slides).
OOXML_COUNT = {"docx": "Pages", "pptx": "Slides"}
NAMES = {
    "pdf": "PDF",
    "docx": _("a Word document (DOCX)"),
    "xlsx": _("an Excel workbook (XLSX)"),
    "pptx": _("a PowerPoint presentation (PPTX)"),
    "odt": _("an OpenDocument text (ODT)"),
    "ods": _("an OpenDocument spreadsheet (ODS)"),
    "odp": _("an OpenDocument presentation (ODP)"),
    "csv": "CSV",
}
CSV_ENCODINGS = ("utf-8-sig", "cp932")
# Control bytes a text file does not hold (tab, line feed and carriage return are fine).
BINARY = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Document:
    format: str
    size: int
    pages: int | None


class NotThatFormat(Exception):
    """The bytes are not the format the extension names."""


def check_document(upload):
    """What `upload` (a File) is, as a Document; ValidationError when it is not what its
    extension says, is too large or cannot be read."""
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in EXTENSIONS:
        raise ValidationError(
            _("Upload a PDF, Word, Excel, PowerPoint, OpenDocument or CSV file (%(list)s).")
            % {"list": ", ".join(f".{e}" for e in EXTENSIONS)},
            code="extension",
        )
    size = upload.size
    if size is not None and size > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // 2**20}, code="too_large"
        )
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    try:
        pages = READERS[extension](upload, extension)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - see the module's docstring
        logger.info("Refused a document upload", exc_info=True)
        raise ValidationError(
            _(
                "This file is not %(format)s, or it is damaged: its content does not match its "
                "extension (.%(extension)s)."
            )
            % {"format": NAMES[extension], "extension": extension},
            code="invalid_document",
        ) from None
    finally:
        upload.seek(0)
    return Document(format=extension, size=size, pages=pages)


def _pdf(upload, extension):
    if b"%PDF-" not in upload.read(1024):
        raise NotThatFormat
    upload.seek(0)
    reader = PdfReader(upload)
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValidationError(
            _("The PDF is protected by a password; upload it without one."), code="encrypted"
        )
    return len(reader.pages)


def _zip_part(archive, name):
    info = archive.getinfo(name)
    if info.file_size > MAX_PART_BYTES:
        raise NotThatFormat
    return archive.read(info)


def _xml(archive, name):
    data = _zip_part(archive, name)
    # These parts never declare a DTD: refusing one leaves no entity to expand or fetch.
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise NotThatFormat
    return ElementTree.fromstring(data)  # noqa: S314 - no DTD, size capped (above)


def _ooxml(upload, extension):
    with zipfile.ZipFile(upload) as archive:
        types = _xml(archive, "[Content_Types].xml")
        declared = {element.get("ContentType") for element in types}
        if OOXML_MAIN[extension] not in declared:
            raise NotThatFormat
        if extension not in OOXML_COUNT or "docProps/app.xml" not in archive.namelist():
            return None
        properties = _xml(archive, "docProps/app.xml")
    for element in properties:
        if element.tag.rpartition("}")[2] == OOXML_COUNT[extension]:
            return _count(element.text)
    return None


def _odf(upload, extension):
    with zipfile.ZipFile(upload) as archive:
        # The first entry, so that a program can tell the kind from the file's first bytes.
        if archive.infolist()[0].filename != "mimetype":
            raise NotThatFormat
        if _zip_part(archive, "mimetype") != CONTENT_TYPES[extension].encode():
            raise NotThatFormat
        if extension != "odt" or "meta.xml" not in archive.namelist():
            return None
        meta = _xml(archive, "meta.xml")
    for element in meta.iter():
        if element.tag.rpartition("}")[2] == "document-statistic":
            for name, value in element.attrib.items():
                if name.rpartition("}")[2] == "page-count":
                    return _count(value)
    return None


def _csv(upload, extension):
    data = upload.read()
    if BINARY.search(data):
        raise NotThatFormat
    for encoding in CSV_ENCODINGS:
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None
    raise NotThatFormat


def _count(text):
    """A page count as a file states it, or None where it states none (or nonsense)."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 100_000 else None


READERS = {
    "pdf": _pdf,
    "docx": _ooxml,
    "xlsx": _ooxml,
    "pptx": _ooxml,
    "odt": _odf,
    "ods": _odf,
    "odp": _odf,
    "csv": _csv,
}
