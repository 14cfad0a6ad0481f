"""The feed's page, where our "News feed" links lead: a readable HTML page in its language
(feeds themselves are XML for readers), at a laptop's width and a phone's, with no axe-core
WCAG 2.2 A/AA violation."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.axe import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize(
    ("language", "heading", "alerts", "day"),
    [
        ("en", "What is a news feed?", "E-mail alerts", "14 November 2025"),
        ("ja", "ニュースフィードとは", "メール通知", "2025年11月14日"),
    ],
)
def test_the_feed_page_reads_well_and_passes_axe(
    browser, live_server, demo_site, screenshot_dir, language, heading, alerts, day, width
):
    # bypass_csp: axe-core is injected by the test; the page itself runs under our CSP.
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/{language}/releases/?country=KZ")
    page.locator(".feed-links a").click()
    expect(page).to_have_url(f"{live_server.url}/{language}/releases/feed/?country=KZ")
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", language)
    titles = page.locator(".release-item__title a")
    expect(titles).to_have_count(3)
    expect(titles.first).to_have_text(getattr(demo_site, f"title_{language}"))
    expect(page.locator(".release-item time", has_text=day)).to_be_visible()
    rss = page.locator("#feed-rss")
    expect(rss).to_have_text(f"{settings.SITE_URL}/{language}/releases/feed/rss/?country=KZ")
    # The address is whole on a phone: it wraps, nothing is cut off.
    box = rss.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    expect(page.get_by_role("link", name=alerts, exact=True)).to_have_attribute(
        "href", f"/{language}/alerts/?country=KZ"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert violations(page) == []
    page.screenshot(path=screenshot_dir / f"feed-page-{language}-{width}.png", full_page=True)
    context.close()
