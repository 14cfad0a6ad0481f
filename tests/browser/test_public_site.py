"""A visitor finds the demo release by country and date, reads it, and switches to English."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = "2025-12-central-asia-japan-dialogue"
WIDTHS = {"phone": 390, "desktop": 1280}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ja-JP", "viewport": {"width": 1280, "height": 900}}


def release_titles(page):
    return page.locator(".release-item__title a").all_inner_texts()


def test_a_visitor_filters_by_country_and_month_and_reads_the_release_in_both_languages(
    page, live_server, demo_site
):
    page.goto(f"{live_server.url}/ja/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")

    # From the home page: Kazakhstan.
    page.select_option("#home-country", "KZ")
    page.click(".quick-search button[type=submit]")
    page.wait_for_url("**/ja/releases/?country=KZ")
    expect(page.locator(".chip").first).to_contain_text("カザフスタン")
    assert len(release_titles(page)) == 3

    # Narrowed to December 2025.
    page.select_option("#f-year", "2025")
    page.select_option("#f-month", "12")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**/ja/releases/?country=KZ&year=2025&month=12")
    assert release_titles(page) == [demo_site.title_ja]

    page.click(f"a[href='/ja/releases/{DEMO}/']")
    page.wait_for_url(f"**/ja/releases/{DEMO}/")
    expect(page.locator("h1")).to_have_text(demo_site.title_ja)
    tokayev = page.locator(".meeting", has_text="カスムジョマルト・トカエフ大統領との会談")
    expect(tokayev.locator(".officials")).to_contain_text("カスムジョマルト・トカエフ")
    expect(tokayev.locator(".officials")).to_contain_text("大統領")
    mou = page.locator(".release__agreements .card", has_text="Tau-Ken Samruk")
    expect(mou.locator(".tag--kind")).to_contain_text("MOU")
    expect(mou).to_contain_text("タウケン・サムルク")
    expect(mou).to_contain_text("2025年12月4日")

    # The same release, in English.
    page.click(".lang-switch a[hreflang=en]")
    page.wait_for_url(f"**/en/releases/{DEMO}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(demo_site.title_en)
    tokayev = page.locator(".meeting", has_text="Meeting with President Kassym-Jomart Tokayev")
    expect(tokayev.locator(".officials")).to_contain_text("Kassym-Jomart Tokayev")
    expect(tokayev.locator(".officials")).to_contain_text("President")
    mou = page.locator(".release__agreements .card", has_text="Tau-Ken Samruk")
    expect(mou.locator(".tag--kind")).to_contain_text("MOU")
    expect(mou).to_contain_text("4 December 2025")
    expect(page.locator(".notice--language")).to_have_count(0)


def test_the_filters_work_from_the_keyboard(page, live_server, demo_site):
    page.goto(f"{live_server.url}/ja/releases/")

    # The first Tab reaches the skip link, which shows itself and leads to the content.
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # Tab into the filters: words, then the first country.
    page.locator("#f-q").focus()
    page.keyboard.press("Tab")
    first_country = page.locator(".checklist input").first
    expect(first_country).to_be_focused()
    # Tab through the checkboxes to Kazakhstan and tick it with the space bar.
    while page.evaluate("document.activeElement.value") != "KZ":
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.locator("#f-country-KZ")).to_be_checked()

    # Year and month by typing into the focused selects, then Enter on the button.
    while page.evaluate("document.activeElement.id") != "f-year":
        page.keyboard.press("Tab")
    page.keyboard.type("2025")
    page.keyboard.press("Tab")
    page.keyboard.type("12")
    expect(page.locator("#f-year")).to_have_value("2025")
    expect(page.locator("#f-month")).to_have_value("12")
    while page.evaluate("document.activeElement.type") != "submit":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ja/releases/?country=KZ&year=2025&month=12")
    assert release_titles(page) == [demo_site.title_ja]

    # A chip is removed from the keyboard too.
    chip = page.locator("a.chip", has_text="12月")
    chip.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/ja/releases/?country=KZ&year=2025")
    assert len(release_titles(page)) == 2


def show_every_image(page):
    """Full-page screenshots: load the lazy photos below the fold first."""
    page.evaluate(
        """async () => {
            const images = [...document.images];
            images.forEach((img) => { img.loading = "eager"; });
            await Promise.all(images.map((img) => img.decode().catch(() => null)));
        }"""
    )


@pytest.mark.parametrize("language", ["ja", "en"])
def test_screenshots_of_the_public_pages(page, live_server, demo_site, screenshot_dir, language):
    pages = {
        "list": f"/{language}/releases/?country=KZ",
        "release": f"/{language}/releases/{DEMO}/",
        "country": f"/{language}/countries/kz/",
        "agreements": f"/{language}/agreements/",
    }
    for device, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            page.goto(live_server.url + path)
            show_every_image(page)
            # Nothing is wider than the screen.
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.screenshot(
                path=screenshot_dir / f"public-{name}-{language}-{device}.png", full_page=True
            )
