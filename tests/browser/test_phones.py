"""Phones: every public page reads whole at 360 px, in Japanese and English: nothing scrolls
sideways, no column is hidden and no title is cut."""

import pytest

from releases.models import Agreement, Release

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = "2025-12-central-asia-japan-dialogue"
EVENT = "central-asia-japan-dialogue-summit-2025"

# Elements whose content is wider than their box and cut off or scrolled away, the page's own
# sideways scroll, and table cells hidden on this screen (1-pixel boxes are text for screen readers only). The breadcrumb's last step may end in
# an ellipsis: it repeats the page's title, which the h1 below shows whole.
CUT_OFF = """() => {
    const problems = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) {
        const wide = [...document.querySelectorAll("body *")].filter(
            (el) => el.getBoundingClientRect().right > root.clientWidth && !el.children.length
        );
        problems.push(`page: ${root.scrollWidth} > ${root.clientWidth}, ` +
            wide.slice(0, 3).map((el) => `${el.tagName.toLowerCase()}.${el.className} in ${el.parentElement.className} "${el.textContent.slice(0, 40)}"`).join(" "));
    }
    for (const el of document.querySelectorAll("body *")) {
        const style = getComputedStyle(el);
        const clips = ["auto", "scroll", "hidden", "clip"].includes(style.overflowX);
        if (clips && el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1 && !el.matches(".visually-hidden, .breadcrumbs [aria-current]")) {
            problems.push(`${el.tagName.toLowerCase()}.${el.className} in ${el.parentElement.className}: ${el.scrollWidth} > ${el.clientWidth} "${el.textContent.trim().slice(0, 30)}"`);
        }
        if (el.matches("th, td") && style.display === "none") {
            problems.push(`hidden cell: ${el.textContent.trim().slice(0, 30)}`);
        }
    }
    return problems;
}"""


def public_pages(language):
    official = Release.objects.published().officials().first()
    agreement = Agreement.objects.public().first()
    return {
        "home": f"/{language}/",
        "list": f"/{language}/releases/?country=KZ",
        "release": f"/{language}/releases/{DEMO}/",
        "countries": f"/{language}/countries/",
        "country": f"/{language}/countries/kz/",
        "official": f"/{language}/officials/{official.slug}/",
        "agreements": f"/{language}/agreements/",
        "agreement": f"/{language}/agreements/{agreement.slug}/",
        "events": f"/{language}/events/",
        "event": f"/{language}/events/{EVENT}/",
        "alerts": f"/{language}/alerts/?country=KZ",
        "feed": f"/{language}/releases/feed/?country=KZ",
        "not-found": f"/{language}/releases/no-such-release/",
    }


@pytest.mark.parametrize("language", ["ja", "en"])
def test_no_public_page_scrolls_sideways_or_hides_anything_at_360px(
    page, live_server, demo_site, screenshot_dir, language
):
    page.set_viewport_size({"width": 360, "height": 780})
    for name, path in public_pages(language).items():
        page.goto(live_server.url + path)
        page.wait_for_selector("main")
        assert page.evaluate(CUT_OFF) == [], f"{name} ({path})"
        page.screenshot(path=screenshot_dir / f"phone-{name}-{language}-360.png", full_page=True)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_countries_table_reads_whole_at_390px(page, live_server, demo_site, language):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/{language}/countries/")
    row = page.locator(".data-table tbody tr", has=page.locator("a[href$='/countries/kz/']"))
    box = row.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    for cell in row.locator("th, td").all():
        assert cell.is_visible()
        cell_box = cell.bounding_box()
        assert cell_box["x"] >= 0 and cell_box["x"] + cell_box["width"] <= 390
    assert page.evaluate(CUT_OFF) == []


def test_agreement_register_shows_whole_release_titles(page, live_server, demo_site):
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"{live_server.url}/ja/agreements/")
    titles = page.locator(".card .facts a[href*='/releases/']").all_inner_texts()
    assert demo_site.title_ja in titles
