"""Documents for upload tests, built in memory as the programs that write them lay them out: PDFs
with pypdf, Office Open XML and OpenDocument files as the zips they are."""

import io
import zipfile

from pypdf import PdfWriter

from releases.documents import CONTENT_TYPES, OOXML_MAIN

MAIN_PART = {
    "docx": "/word/document.xml",
    "xlsx": "/xl/workbook.xml",
    "pptx": "/ppt/presentation.xml",
}


def pdf_bytes(pages=2, password=None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            compression = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compression)
    return buffer.getvalue()


def ooxml_bytes(kind, count=None, main=None, doctype=False):
    """A DOCX, XLSX or PPTX as Office writes it (the parts that say what it is); `main`: the
    content type its main part declares (another kind's, to lie); `count`: the pages or slides
    docProps/app.xml states."""
    main = main or OOXML_MAIN[kind]
    dtd = '<!DOCTYPE Types [<!ENTITY a "aaaa">]>' if doctype else ""
    types = (
        f'<?xml version="1.0" encoding="UTF-8"?>{dtd}'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="{MAIN_PART[kind]}" ContentType="{main}"/>'
        "</Types>"
    )
    members = [("[Content_Types].xml", types), (MAIN_PART[kind].lstrip("/"), "<document/>")]
    if count is not None:
        tag = {"docx": "Pages", "pptx": "Slides", "xlsx": "Pages"}[kind]
        members.append(
            (
                "docProps/app.xml",
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                f'extended-properties"><{tag}>{count}</{tag}></Properties>',
            )
        )
    return _zip(members)


def odf_bytes(kind, pages=None, mimetype=None):
    """An ODT, ODS or ODP: `mimetype` first and stored, then its parts."""
    members = [("mimetype", mimetype or CONTENT_TYPES[kind]), ("content.xml", "<content/>")]
    if pages is not None:
        members.append(
            (
                "meta.xml",
                '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
                'office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0">'
                f'<office:meta><meta:document-statistic meta:page-count="{pages}"/>'
                "</office:meta></office:document-meta>",
            )
        )
    return _zip(members)


def png_bytes():
    from tests.factories import jpeg_bytes

    return jpeg_bytes(fmt="PNG")
