"""Body text: formatted without writing HTML, sanitized by one allow-list when stored and shown."""

import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from releases.models import Release, Section
from releases.richtext import ALLOWED_TAGS, sanitize_html
from tests.admin_forms import errors, form_data
from tests.factories import ReleaseFactory, SectionFactory


@pytest.mark.parametrize(
    "html",
    [
        "<h2>見出し</h2><p>段落 <strong>強調</strong> と <em>斜体</em></p>",
        "<ul><li>一</li><li>二</li></ul><ol><li>三</li></ol>",
        "<blockquote><p>引用</p></blockquote><p>改行<br>あり</p>",
    ],
)
def test_editor_formatting_is_kept(html):
    assert sanitize_html(html) == html


def test_links_keep_http_https_and_mailto_and_get_a_safe_rel():
    cleaned = sanitize_html(
        '<p><a href="https://www.jogmec.go.jp/">JOGMEC</a> '
        '<a href="mailto:press@example.org">mail</a></p>'
    )
    soup = BeautifulSoup(cleaned, "html.parser")
    assert [a["href"] for a in soup.find_all("a")] == [
        "https://www.jogmec.go.jp/",
        "mailto:press@example.org",
    ]
    assert all("noopener" in a["rel"] for a in soup.find_all("a"))


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href=" javascript:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<p onclick="alert(1)" class="x" id="y">x</p>',
        "<svg><script>alert(1)</script></svg>",
        '<iframe src="https://evil.example"></iframe>',
        '<object data="x.swf"></object><embed src="x.swf">',
        "<style>body{background:red}</style>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        '<a href="https://x.org" target="_blank">x</a>',
        "<!-- comment --><p>x</p>",
        '<form action="https://evil.example"><input name=x></form>',
    ],
)
def test_everything_else_is_removed(html):
    cleaned = sanitize_html(html)
    soup = BeautifulSoup(cleaned, "html.parser")
    for tag in soup.find_all(True):
        assert tag.name in ALLOWED_TAGS
        for name, value in tag.attrs.items():
            assert not name.startswith("on")
            assert name not in {"style", "class", "id", "target", "src"}
            if name == "href":
                assert re.match(r"^(https?:|mailto:)", value), value


def test_empty_editor_output_is_stored_as_empty():
    assert sanitize_html("<p></p>") == ""
    assert sanitize_html(None) == ""


@pytest.mark.django_db
def test_section_save_sanitizes_both_languages_whatever_writes_it():
    section = SectionFactory(
        body_ja='<p onclick="x()">本文<script>alert(1)</script></p>',
        body_en='<a href="javascript:alert(1)">link</a>',
    )
    section = Section.objects.get(pk=section.pk)
    assert section.body_ja == "<p>本文</p>"
    assert "javascript" not in section.body_en


@pytest.mark.django_db
def test_the_admin_offers_the_rich_text_editor_for_both_languages_with_a_csp_nonce(staff_client):
    release = ReleaseFactory()
    SectionFactory(release=release)
    response = staff_client.get(reverse("admin:releases_release_change", args=[release.pk]))
    soup = BeautifulSoup(response.content, "html.parser")
    for name in ["sections-0-body_ja", "sections-0-body_en"]:
        textarea = soup.find("textarea", attrs={"name": name})
        assert textarea.has_attr("data-django-prose-editor-configurable"), name
    importmap = soup.find("script", attrs={"type": "importmap"})
    nonce = importmap["nonce"]
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    srcs = [s.get("src", "") for s in soup.find_all("script") if s.get("src")]
    assert any("django_prose_editor" in src for src in srcs)
    assert all(src.startswith("/") for src in srcs)


@pytest.mark.django_db
def test_pages_without_the_editor_keep_the_strict_policy(staff_client):
    response = staff_client.get(reverse("admin:releases_release_changelist"))
    assert "nonce-" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_html_posted_through_the_admin_is_stored_sanitized(staff_client):
    release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None)
    SectionFactory(release=release)
    url = reverse("admin:releases_release_change", args=[release.pk])
    data = form_data(staff_client.get(url), "release_form")
    data["sections-0-body_en"] = "<h2>Title</h2><p><img src=x onerror=alert(1)>Text</p>"
    response = staff_client.post(url, data)
    assert response.status_code == 302, errors(response)
    assert release.sections.get().body_en == "<h2>Title</h2><p>Text</p>"
