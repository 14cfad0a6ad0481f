"""The choice of updates (corrections) as well as new releases: on the subscribe form and on
the page that manages an address's subscriptions, in both languages, at a laptop's width and a
phone's, with no axe-core WCAG 2.2 A/AA violation."""

import pytest
from playwright.sync_api import expect

from alerts.mail import manage_token
from alerts.models import Subscription
from tests.browser.axe import violations
from tests.factories import SubscriptionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {
        "ask": "Also send me updates (corrections) to these releases",
        "turn_on": "Also send updates (corrections) to releases",
        "on": "with updates to releases",
    },
    "ja": {
        "ask": "これらのリリースの更新（訂正）も受け取る",
        "turn_on": "リリースの更新（訂正）も受け取る",
        "on": "リリースの更新も受け取る",
    },
}


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["en", "ja"])
def test_asking_for_updates_on_the_form_and_the_manage_page(
    browser, live_server, countries, screenshot_dir, language, width
):
    words = WORDS[language]
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/{language}/alerts/?country=KZ")
    checkbox = page.get_by_label(words["ask"])
    expect(checkbox).not_to_be_checked()
    assert violations(page) == []
    page.screenshot(path=screenshot_dir / f"alerts-updates-form-{language}-{width}.png")

    subscription = SubscriptionFactory(email="reader@example.org", query="country=KZ")
    page.goto(f"{live_server.url}/{language}/alerts/manage/{manage_token(subscription)}/")
    page.get_by_role("button", name=words["turn_on"]).click()
    expect(page.locator(".subscription__meta", has_text=words["on"])).to_be_visible()
    assert Subscription.objects.get().updates
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert violations(page) == []
    page.screenshot(
        path=screenshot_dir / f"alerts-updates-manage-{language}-{width}.png", full_page=True
    )
    context.close()
