"""The release as a PDF: in each language, read by a PDF text extractor (pypdf) as real
Japanese, tagged with its language; made by a task or at the first request, then read from the
storage; never for a release the public may not see; new when the release changes.

Rendering costs a second or so: only the tests that read a real PDF make one (four in all);
the others put a stand-in in place of WeasyPrint."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from releases import pdf, workflow
from releases.models import Release
from releases.tasks import make_release_pdfs
from tests.factories import (
    ContactFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    PhotoFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    SectionFactory,
)
from tests.pages import soup_of, url

pytestmark = pytest.mark.django_db

NOW = timezone.now()
HIDDEN = {
    "draft": {"status": Release.Status.DRAFT, "published_at": None},
    "scheduled": {"status": Release.Status.PUBLISHED, "published_at": NOW + datetime.timedelta(1)},
    "withdrawn": {"status": Release.Status.WITHDRAWN, "published_at": NOW - datetime.timedelta(1)},
}


@pytest.fixture
def release():
    release = ReleaseFactory(
        slug="2025-12-central-asia",
        title_ja="「中央アジア＋日本」対話を通じた資源国との関係強化",
        title_en="Strengthening relations through the Central Asia + Japan Dialogue",
        subtitle_ja="—中央アジア諸国の政府要人との会談—",
    )
    ContactFactory(
        release=release,
        department_ja="金属企画部 国際業務課",
        department_en="International Affairs Division",
        persons_ja="里見、高塚",
        persons_en="Satomi, Takatsuka",
        phone="03-6758-8027",
    )
    meeting = MeetingFactory(release=release, title_ja="トカエフ大統領との会談")
    MeetingParticipantFactory(meeting=meeting, title_ja="大統領", title_en="President")
    SectionFactory(release=release, heading_ja="最後に", body_ja="<p>関係強化を図ります。</p>")
    PhotoFactory(release=release, meeting=meeting, credit_ja="カザフスタン大統領府")
    ReleaseAgreementFactory(release=release)
    return release


def no_render(release, html):
    raise AssertionError("a PDF was rendered")


@pytest.fixture
def no_rendering(monkeypatch):
    """WeasyPrint is not to be called: a call fails the test."""
    monkeypatch.setattr(pdf, "render", no_render)


@pytest.fixture
def stand_in(monkeypatch):
    """A fast stand-in for WeasyPrint, counting its calls."""
    calls = []

    def render(release, html):
        calls.append(release.pk)
        return b"%PDF-1.7 stand-in"

    monkeypatch.setattr(pdf, "render", render)
    return calls


def stored(release):
    _, files = default_storage.listdir(f"{pdf.FOLDER}/{release.pk}")
    return sorted(files)


def read(response, language="ja"):
    """The PDF and its text, lines joined as the language joins them (Japanese wraps anywhere,
    with no space)."""
    reader = PdfReader(io.BytesIO(response.content))
    lines = "\n".join(page.extract_text() for page in reader.pages).split("\n")
    return reader, ("" if language == "ja" else " ").join(lines)


def test_the_task_makes_both_pdfs_and_visitors_get_them_from_the_storage(
    client, release, monkeypatch
):
    make_release_pdfs.call(release.pk)
    assert [name[:3] for name in stored(release)] == ["en-", "ja-"]
    monkeypatch.setattr(pdf, "render", no_render)  # nothing is rendered from here on
    responses = {
        language: client.get(url("releases:pdf", language, slug=release.slug))
        for language in ("ja", "en")
    }

    ja = responses["ja"]
    assert ja.status_code == 200
    assert ja["Content-Type"] == "application/pdf"
    assert ja["Content-Disposition"] == 'inline; filename="2025-12-central-asia-ja.pdf"'
    assert "Content-Security-Policy" not in ja  # it would keep Chromium's viewer from showing it
    reader, text = read(ja)
    assert release.title_ja in text  # real Japanese text, not glyph ids
    assert "金属企画部 国際業務課" in text and "里見、高塚" in text and "03-6758-8027" in text
    assert "NEWS RELEASE" in text and "出典" in text and "カザフスタン大統領府" in text
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "ja"
    assert (
        root["/MarkInfo"]["/Marked"].value is True
    )  # tagged: its structure is read aloud in order
    assert "/StructTreeRoot" in root
    assert reader.metadata.title == release.title_ja

    reader, text = read(responses["en"], "en")
    assert responses["en"]["Content-Disposition"].endswith('filename="2025-12-central-asia-en.pdf"')
    assert release.title_en in text and "International Affairs Division" in text
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_a_change_to_the_release_makes_a_new_pdf_with_the_new_title(
    client, release, django_capture_on_commit_callbacks
):
    address = url("releases:pdf", "ja", slug=release.slug)
    _, text = read(client.get(address))
    assert release.title_ja in text
    with django_capture_on_commit_callbacks(execute=True):  # the change commits
        release.title_ja = "中央アジア諸国との関係強化（改訂）"
        release.save()
    _, text = read(client.get(address))
    assert "中央アジア諸国との関係強化（改訂）" in text and "「中央アジア＋日本」" not in text
    assert len(stored(release)) == 2  # the old one stays until the task tidies up


@pytest.mark.parametrize("state", HIDDEN)
def test_no_pdf_of_a_release_the_public_may_not_see(client, state, no_rendering, staff_client):
    release = ReleaseFactory(**HIDDEN[state])
    for language in ("ja", "en"):
        address = url("releases:pdf", language, slug=release.slug)
        assert client.get(address).status_code == 404
        assert staff_client.get(address).status_code == 404  # staff use the preview
    assert Client().get(url("releases:pdf", "ja", slug="no-such-release")).status_code == 404


def test_a_pdf_made_while_public_is_not_served_once_withdrawn(client, stand_in, publisher):
    release = ReleaseFactory()
    address = url("releases:pdf", "ja", slug=release.slug)
    assert client.get(address).status_code == 200
    workflow.withdraw(release, publisher, "誤りがあったため")
    assert client.get(address).status_code == 404


def test_the_task_removes_older_pdfs_and_all_of_a_release_no_longer_public(stand_in):
    release = ReleaseFactory()
    old = f"{pdf.FOLDER}/{release.pk}/ja-0123456789abcdef0123.pdf"
    default_storage.save(old, ContentFile(b"%PDF-1.7 old"))
    assert make_release_pdfs.call(release.pk) is True
    assert len(stand_in) == 2  # one per language
    files = stored(release)
    assert len(files) == 2 and old.rpartition("/")[2] not in files
    make_release_pdfs.call(release.pk)
    assert len(stand_in) == 2  # the same content is not made again

    Release.objects.filter(pk=release.pk).update(status=Release.Status.WITHDRAWN)
    assert make_release_pdfs.call(release.pk) is False
    assert stored(release) == []


def test_a_deleted_release_takes_its_pdfs_along(stand_in, django_capture_on_commit_callbacks):
    release = ReleaseFactory()
    make_release_pdfs.call(release.pk)
    assert len(stored(release)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        Release.objects.get(pk=release.pk).delete()
    assert stored(release) == []


def test_the_task_leaves_a_scheduled_release_to_its_moment(stand_in):
    release = ReleaseFactory(**HIDDEN["scheduled"])
    assert make_release_pdfs.call(release.pk) is False
    assert stand_in == []


def test_publishing_or_changing_a_public_release_enqueues_its_pdfs_on_commit(
    publisher, django_capture_on_commit_callbacks
):
    tasks = DBTaskResult.objects.filter(task_path=make_release_pdfs.module_path)
    draft = ReleaseFactory(**HIDDEN["draft"])
    with django_capture_on_commit_callbacks(execute=True):
        draft.lead_ja = "下書きの変更"
        draft.save()
    assert not tasks.exists()  # a draft's PDF is nobody's business

    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(draft, publisher)
    (task,) = tasks.all()
    assert task.args_kwargs["args"] == [draft.pk]
    assert task.task.run_after is None  # at once

    later = ReleaseFactory(**HIDDEN["draft"])
    at = timezone.now() + datetime.timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.schedule(later, publisher, at)
    [scheduled] = [task for task in tasks.all() if task.args_kwargs["args"] == [later.pk]]
    assert scheduled.task.run_after == at  # made when it becomes public, not before


@pytest.mark.parametrize("language,text", [("ja", "PDF版"), ("en", "PDF version")])
def test_the_release_page_links_to_its_pdf(client, language, text):
    release = ReleaseFactory()
    page = soup_of(client.get(url("releases:detail", language, slug=release.slug)))
    link = page.select_one(".release__formats a")
    assert link["href"] == url("releases:pdf", language, slug=release.slug)
    assert link.get_text(strip=True) == text and link["type"] == "application/pdf"


def test_the_preview_of_a_draft_has_no_pdf_link(staff_client):
    release = ReleaseFactory(**HIDDEN["draft"])
    preview = reverse("admin:releases_release_preview", args=[release.pk])
    assert not soup_of(staff_client.get(preview)).select(".release__formats")


@pytest.mark.django_db(transaction=True)
def test_the_pdf_is_cached_and_invalidated_like_the_page(client, countries, stand_in):
    release = ReleaseFactory()
    address = url("releases:pdf", "en", slug=release.slug)
    first = client.get(address)
    assert first["X-Page-Cache"] == "miss"
    assert "public" in first["Cache-Control"] and "s-maxage" in first["Cache-Control"]
    assert client.get(address)["X-Page-Cache"] == "hit"
    assert client.get(address, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert len(stand_in) == 1

    release.title_en = "A corrected title"
    release.save()  # commits: a new content version
    changed = client.get(address)
    assert changed["X-Page-Cache"] == "miss" and changed["ETag"] != first["ETag"]
    assert len(stand_in) == 2
