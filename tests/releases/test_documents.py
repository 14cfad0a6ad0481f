"""Documents: PDF, Office Open XML, OpenDocument and CSV, recognised by content, counted where
the file says how many pages it has; anything else refused with a message, through the admin
too, never a 500."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from releases import documents
from releases.documents import check_document
from releases.models import Attachment, Release
from tests.admin_forms import errors, form_data
from tests.documents import odf_bytes, ooxml_bytes, pdf_bytes, png_bytes
from tests.factories import ReleaseFactory


def check(data, name):
    return check_document(SimpleUploadedFile(name, data))


@pytest.mark.parametrize(
    "data,name,found",
    [
        (pdf_bytes(pages=3), "deck.pdf", ("pdf", 3)),
        (ooxml_bytes("docx", count=4), "memo.DOCX", ("docx", 4)),
        (ooxml_bytes("pptx", count=12), "slides.pptx", ("pptx", 12)),
        (ooxml_bytes("xlsx", count=5), "figures.xlsx", ("xlsx", None)),  # sheets have no pages
        (ooxml_bytes("docx"), "unsaved.docx", ("docx", None)),  # no docProps/app.xml
        (ooxml_bytes("docx", count="many"), "odd.docx", ("docx", None)),
        (odf_bytes("odt", pages=2), "memo.odt", ("odt", 2)),
        (odf_bytes("ods"), "figures.ods", ("ods", None)),
        (odf_bytes("odp"), "slides.odp", ("odp", None)),
        ("国,件数\r\nカザフスタン,3\r\n".encode(), "counts.csv", ("csv", None)),
        ("国,件数\r\nカザフスタン,3\r\n".encode("cp932"), "excel.csv", ("csv", None)),
    ],
)
def test_documents_are_recognised_by_content_with_their_page_count(data, name, found):
    document = check(data, name)
    assert (document.format, document.pages) == found
    assert document.size == len(data)


@pytest.mark.parametrize(
    "data,name,code",
    [
        (png_bytes(), "deck.pdf", "invalid_document"),
        (b"%PDF-1.7\nnot really a pdf at all", "broken.pdf", "invalid_document"),
        (pdf_bytes(password="secret"), "locked.pdf", "encrypted"),
        (pdf_bytes(), "deck.docx", "invalid_document"),
        (ooxml_bytes("xlsx"), "figures.docx", "invalid_document"),  # another kind's main part
        (
            ooxml_bytes("docx", main="application/vnd.ms-word.document.macroEnabled.main+xml"),
            "macros.docx",
            "invalid_document",
        ),
        (ooxml_bytes("docx", count=2, doctype=True), "entities.docx", "invalid_document"),
        (odf_bytes("odt"), "slides.odp", "invalid_document"),
        (ooxml_bytes("docx"), "memo.odt", "invalid_document"),
        (b"a,b\x00\x01\x02", "binary.csv", "invalid_document"),
        (b"\xff\xfe\x00\x81\x82", "noise.csv", "invalid_document"),
        (b"MZ\x90\x00", "setup.exe", "extension"),
        (pdf_bytes(), "no-extension", "extension"),
        (b"", "empty.pdf", "empty"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_with_a_message(data, name, code):
    with pytest.raises(ValidationError) as refused:
        check(data, name)
    assert refused.value.code == code
    assert refused.value.messages[0]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(documents, "MAX_BYTES", 1000)
    with pytest.raises(ValidationError) as refused:
        check(pdf_bytes(pages=40), "big.pdf")
    assert refused.value.code == "too_large"


@pytest.mark.django_db
class TestThroughTheAdmin:
    def post_document(self, client, data, name):
        # A draft: a live release's new document waits for a publisher (releases.drafts).
        release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None)
        url = reverse("admin:releases_release_change", args=[release.pk])
        form = form_data(client.get(url), "release_form")
        form.update(
            {
                "attachments-TOTAL_FORMS": "1",
                "attachments-0-file": SimpleUploadedFile(name, data),
                "attachments-0-title_ja": "中央アジアにおける取組",
                "attachments-0-title_en": "Our work in Central Asia",
                "attachments-0-order": "1",
            }
        )
        return release, client.post(url, form)

    def test_a_pdf_is_stored_with_its_format_size_and_pages(self, staff_client):
        data = pdf_bytes(pages=3)
        release, response = self.post_document(staff_client, data, "Fact sheet.pdf")
        assert response.status_code == 302, errors(response)
        attachment = Attachment.objects.get(release=release)
        assert (attachment.format, attachment.size, attachment.pages) == ("pdf", len(data), 3)
        assert attachment.file.name.startswith("attachments/")
        assert "Fact sheet" not in attachment.file.name  # the uploaded name is not kept
        with attachment.file.open("rb") as stored:
            assert stored.read() == data
        page = staff_client.get(reverse("admin:releases_release_change", args=[release.pk]))
        assert "3ページ" in page.content.decode() or "3 pages" in page.content.decode()

    @pytest.mark.parametrize(
        "data,name",
        [(png_bytes(), "deck.pdf"), (ooxml_bytes("xlsx"), "memo.docx"), (b"MZ", "run.exe")],
        ids=["png-named-pdf", "xlsx-named-docx", "exe"],
    )
    def test_refused_files_are_form_errors_never_500(self, staff_client, data, name):
        release, response = self.post_document(staff_client, data, name)
        assert response.status_code == 200
        said = " ".join(errors(response))
        assert said
        assert not Attachment.objects.filter(release=release).exists()

    def test_the_message_says_the_content_does_not_match(self, staff_client):
        _, response = self.post_document(staff_client, png_bytes(), "deck.pdf")
        said = " ".join(errors(response))
        assert "PDF" in said
        assert "does not match" in said or "一致しません" in said  # the admin speaks ja or en
