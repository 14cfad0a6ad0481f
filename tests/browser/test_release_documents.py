"""A visitor sees the demo release's documents and its PDF, in Japanese and English, in a laptop's
window and a phone's; the page passes axe's WCAG 2.2 A/AA rules with its documents listed."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import AXE_JS, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = "2025-12-central-asia-japan-dialogue"
WIDTHS = {"phone": 390, "desktop": 1280}
SAID = {
    "ja": {"heading": "添付資料", "about": "PDF、", "pages": "2ページ", "pdf": "PDF版"},
    "en": {"heading": "Documents", "about": "PDF, ", "pages": "2 pages", "pdf": "PDF version"},
}


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_release_lists_its_documents_and_links_its_pdf(
    page, live_server, demo_site, screenshot_dir, language
):
    said = SAID[language]
    for device, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/{language}/releases/{DEMO}/")
        documents = page.locator(".release__documents")
        expect(documents.locator("h2")).to_have_text(said["heading"])
        about = documents.locator(".document__about")
        expect(about).to_contain_text(said["about"])
        expect(about).to_contain_text(said["pages"])
        pdf_link = page.locator(".release__formats a")
        expect(pdf_link).to_have_text(said["pdf"])
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=screenshot_dir / f"release-top-{language}-{device}.png")
        documents.scroll_into_view_if_needed()
        page.screenshot(path=screenshot_dir / f"release-documents-{language}-{device}.png")
        if AXE_JS.exists():
            assert violations(page) == [], (language, device)

    document = page.request.get(live_server.url + documents.locator("a").get_attribute("href"))
    assert document.status == 200 and document.headers["content-type"] == "application/pdf"
    assert document.body().startswith(b"%PDF-")
    release_pdf = page.request.get(live_server.url + pdf_link.get_attribute("href"))
    assert release_pdf.status == 200 and release_pdf.headers["content-type"] == "application/pdf"
    assert release_pdf.headers["content-disposition"] == (
        f'inline; filename="{DEMO}-{language}.pdf"'
    )
