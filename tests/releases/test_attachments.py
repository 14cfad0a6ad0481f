"""A release's documents: listed on its page with format, size and pages in both languages,
their files following publication as photos do, in the API and in the release's history."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from releases.models import Attachment, Release
from releases.renditions import media_url
from tests.admin_forms import errors, form_data
from tests.documents import ooxml_bytes
from tests.factories import AttachmentFactory, ReleaseFactory
from tests.pages import soup_of, url

pytestmark = pytest.mark.django_db

NOW = timezone.now()
STATES = {
    "draft": {"status": Release.Status.DRAFT, "published_at": None},
    "scheduled": {"status": Release.Status.PUBLISHED, "published_at": NOW + datetime.timedelta(1)},
    "withdrawn": {"status": Release.Status.WITHDRAWN, "published_at": NOW - datetime.timedelta(1)},
}


def get(client, attachment):
    return client.get(media_url(attachment.file.name))


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    "language,about",
    [("ja", "PDF、{size}\xa0バイト、3ページ"), ("en", "PDF, {size}\xa0bytes, 3 pages")],
)
def test_the_release_page_lists_each_document_with_format_size_and_pages(client, language, about):
    attachment = AttachmentFactory(title_ja="ファクトシート", title_en="Fact sheet")
    page = soup_of(client.get(url("releases:detail", language, slug=attachment.release.slug)))
    item = page.select_one(".release__documents .document")
    link = item.select_one("a")
    assert link["href"] == media_url(attachment.file.name)
    assert link.get_text(strip=True) == {"ja": "ファクトシート", "en": "Fact sheet"}[language]
    assert item.select_one(".document__about").get_text(strip=True) == about.format(
        size=attachment.size
    )
    assert page.select_one(".toc a[href='#documents-title']")


def test_sizes_read_as_people_read_them(client):
    # (Number and unit held together by a no-break space, as Django's filesizeformat writes.)
    attachment = AttachmentFactory(
        file=ContentFile(ooxml_bytes("pptx"), name="deck.pptx"),
        format="pptx",
        size=2_400_000,
        pages=12,
    )
    slug = attachment.release.slug
    ja = soup_of(client.get(url("releases:detail", "ja", slug=slug)))
    en = soup_of(client.get(url("releases:detail", "en", slug=slug)))
    assert ja.select_one(".document__about").get_text(strip=True) == (
        "PowerPoint（PPTX）、2.3\xa0MB、12スライド"
    )
    assert en.select_one(".document__about").get_text(strip=True) == (
        "PowerPoint (PPTX), 2.3\xa0MB, 12 slides"
    )


def test_a_public_document_is_served_to_everyone_with_its_type_and_name(client):
    attachment = AttachmentFactory()
    response = get(client, attachment)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="{attachment.release.slug}-1.pdf"'
    )
    assert response["Cache-Control"] == "public, max-age=300"
    # A Content-Security-Policy would keep Chromium's viewer from showing it.
    assert "Content-Security-Policy" not in response
    with attachment.file.open("rb") as stored:
        assert body(response) == stored.read()


def test_an_office_document_is_downloaded(client):
    attachment = AttachmentFactory(
        file=ContentFile(ooxml_bytes("docx"), name="memo.docx"), format="docx", pages=None
    )
    response = get(client, attachment)
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("state", STATES)
def test_a_document_the_public_may_not_see_is_404_for_them_and_shown_to_staff(editor_client, state):
    attachment = AttachmentFactory(release=ReleaseFactory(**STATES[state]))
    assert get(Client(), attachment).status_code == 404
    response = get(editor_client, attachment)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_unpublishing_or_withdrawing_takes_the_document_down_at_once(client):
    attachment = AttachmentFactory()
    assert get(client, attachment).status_code == 200
    Release.objects.filter(pk=attachment.release_id).update(status=Release.Status.WITHDRAWN)
    assert get(client, attachment).status_code == 404


def test_a_document_file_is_found_by_its_row_never_by_its_name(staff_client):
    attachment = AttachmentFactory()
    stray = default_storage.save("attachments/2025/01/stray.pdf", ContentFile(b"%PDF-1.7"))
    name = attachment.file.name
    for guess in [stray, name + ".tmp", name.removesuffix(".pdf") + ".docx", "attachments/"]:
        assert Client().get("/media/" + guess).status_code == 404, guess
        assert staff_client.get("/media/" + guess).status_code == 404, guess
    attachment.delete()
    assert Client().get("/media/" + name).status_code == 404


def test_the_api_release_describes_its_documents(client):
    attachment = AttachmentFactory()
    response = client.get(f"/api/releases/{attachment.release.slug}/")
    assert response.status_code == 200
    [document] = response.json()["attachments"]
    assert document["file"] == f"http://testserver{media_url(attachment.file.name)}"
    assert document["title_ja"] == "ファクトシート" and document["title_en"] == "Fact sheet"
    assert (document["format"], document["size"], document["pages"]) == (
        "pdf",
        attachment.size,
        3,
    )


def test_the_release_history_keeps_its_documents(staff_client):
    attachment = AttachmentFactory(release=ReleaseFactory(status=Release.Status.DRAFT))
    release = attachment.release
    change = reverse("admin:releases_release_change", args=[release.pk])
    response = staff_client.post(change, form_data(staff_client.get(change), "release_form"))
    assert response.status_code == 302, errors(response)
    [first] = Version.objects.get_for_object(release)
    assert first.revision.version_set.filter(object_id=str(attachment.pk)).exists()
    data = form_data(staff_client.get(change), "release_form")
    data["attachments-0-DELETE"] = "on"
    assert staff_client.post(change, data).status_code == 302
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    restore = reverse("admin:releases_release_revision", args=[release.pk, first.pk])
    response = staff_client.post(restore, form_data(staff_client.get(restore), "release_form"))
    assert response.status_code == 302, errors(response)
    restored = Attachment.objects.get(pk=attachment.pk)
    assert restored.title_ja == "ファクトシート" and restored.file.name == attachment.file.name
