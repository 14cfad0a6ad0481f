"""The topical events pages and the countries page's world map, in Chromium: axe-core finds
nothing wrong in either language at 1280 and 390 px, the map fits a phone, and a keyboard user
tabs to a country on the map, sees where the focus is and follows the link."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import AXE_JS, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVENT = "central-asia-japan-dialogue-summit-2025"
WIDTHS = [1280, 390]
LANGUAGES = ["ja", "en"]


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is handed to the page by the test; the site's CSP rightly refuses scripts it did not send.
    return {**browser_context_args, "locale": "ja-JP", "bypass_csp": True}


def pages(language):
    return {
        "events": f"/{language}/events/",
        "event": f"/{language}/events/{EVENT}/",
        "countries": f"/{language}/countries/",
    }


@pytest.mark.skipif(
    not AXE_JS.exists(),
    reason=f"needs axe-core at {AXE_JS}: npm install --prefix ~/.cache/axe axe-core@4.14.1",
)
def test_events_and_countries_pages_pass_axe_in_both_languages_at_1280_and_390(
    page, live_server, demo_site, screenshot_dir
):
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for language in LANGUAGES:
            for name, path in pages(language).items():
                page.goto(live_server.url + path)
                expect(page.locator("h1")).to_be_visible()
                page.screenshot(
                    path=screenshot_dir / f"{name}-{language}-{width}.png", full_page=True
                )
                problems = violations(page)
                if problems:
                    found[f"{language} {width} {name}"] = problems
    assert found == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_map_fits_a_phone_without_sideways_scrolling(page, live_server, demo_site, language):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/{language}/countries/")
    svg = page.locator("figure.world-map svg")
    expect(svg).to_be_visible()
    box = svg.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize(
    ("language", "name"), [("en", "Kazakhstan: 3 releases"), ("ja", "カザフスタン：3件")]
)
def test_a_keyboard_user_tabs_to_a_country_on_the_map_and_follows_it(
    page, live_server, demo_site, language, name
):
    page.goto(f"{live_server.url}/{language}/countries/")
    country = page.get_by_role("link", name=name, exact=True)
    expect(country).to_be_visible()
    # Tab from the top of the page through the links before it, as a person would.
    for _ in range(60):
        page.keyboard.press("Tab")
        if country.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail(f"{name!r} was never reached with Tab")
    # The focused country is drawn in the focus colour, with a dark outline.
    fill = country.locator("path").evaluate("path => getComputedStyle(path).fill")
    assert fill == "rgb(255, 191, 71)"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{language}/countries/kz/")
    expect(page.locator("h1")).to_have_text(name.split(":")[0].split("：")[0])
