"""A feed opened in a browser is a readable page in its language (the XSL stylesheet)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("language", "heading", "alerts"),
    [("en", "What is this page?", "E-mail alerts"), ("ja", "このページは何ですか", "メール通知")],
)
@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feed_opened_in_a_browser_is_a_readable_page(
    page, live_server, demo_site, screenshot_dir, language, heading, alerts, kind
):
    page.goto(f"{live_server.url}/{language}/releases/feed/{kind}/?country=KZ")
    expect(page.locator("h2", has_text=heading)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", language)
    titles = page.locator(".release-item__title a")
    expect(titles).to_have_count(3)
    expect(titles.first).to_have_text(getattr(demo_site, f"title_{language}"))
    link = page.get_by_role("link", name=alerts, exact=True)
    expect(link).to_have_attribute("href", f"/{language}/alerts/?country=KZ")
    page.get_by_role("link", name="iCalendar").first.wait_for()
    # The site's stylesheet applies under the site's CSP. (Chromium 156 injects its own XSLT
    # deprecation banner, whose inline style and handler the CSP refuses; it is not ours.)
    header = page.locator(".site-header")
    assert header.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(11, 42, 71)"
    page.screenshot(path=screenshot_dir / f"feed-{kind}-{language}.png", full_page=True)
