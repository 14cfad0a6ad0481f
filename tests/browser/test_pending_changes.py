"""In Chromium: an editor corrects a live release (its English title, a meeting's summary); the
public page does not change; a publisher compares, publishes it as a major change with a note;
the public page shows the new text and the note, in both languages."""

import pytest
from playwright.sync_api import expect

from releases.models import Release
from tests.browser.axe import violations
from tests.browser.test_publishing import log_in, staff  # noqa: F401 (a fixture)
from tests.factories import MeetingFactory, ReleaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ja-JP", "viewport": {"width": 1280, "height": 900}}


def test_an_editors_correction_waits_for_the_publisher_and_the_public_sees_the_note(
    page,
    browser,
    live_server,
    staff,  # noqa: F811 (the fixture)
    screenshot_dir,
):
    base = live_server.url
    release = ReleaseFactory(
        slug="live-release",
        title_ja="カザフスタンとの対話",
        title_en="Dialoge with Kazakhstan",
        issuer=staff["jogmec"],
    )
    MeetingFactory(release=release, summary_ja="協力を確認", summary_en="Confirmed cooperaton")
    public_en = f"{base}/en/releases/live-release/"
    public_ja = f"{base}/ja/releases/live-release/"

    # The editor corrects the English title and the meeting's summary.
    log_in(page, base, "editor")
    page.goto(f"{base}/admin/releases/release/{release.pk}/change/")
    page.locator("form.translation-mode [role=group] button[value='both']").click()
    page.fill("#id_title_en", "Dialogue with Kazakhstan")
    page.fill("#id_meetings-0-summary_en", "Confirmed cooperation")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_contain_text("公開担当者が公開するまで")
    expect(page.locator(".pending-changes")).to_be_visible()
    expect(page.locator("#id_title_en")).to_have_value("Dialogue with Kazakhstan")
    page.screenshot(path=screenshot_dir / "pending-1-editor-form.png", full_page=False)
    assert violations(page) == []

    # The public page is unchanged.
    visitor = browser.new_context(locale="en-US").new_page()
    visitor.goto(public_en)
    expect(visitor.locator("h1")).to_have_text("Dialoge with Kazakhstan")
    expect(visitor.locator("body")).not_to_contain_text("Confirmed cooperation")

    # The publisher sees what changes, side by side, and publishes it as a major change.
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    publisher = context.new_page()
    log_in(publisher, base, "publisher")
    publisher.goto(f"{base}/admin/releases/release/?changes_waiting=yes")
    publisher.click("text=カザフスタンとの対話")
    publisher.click(".pending-changes a.button")
    old = publisher.locator(".diff-table td.old")
    new = publisher.locator(".diff-table td.new")
    expect(old.filter(has_text="Dialoge with Kazakhstan")).to_have_count(1)
    expect(new.filter(has_text="Dialogue with Kazakhstan")).to_have_count(1)
    expect(new.filter(has_text="Confirmed cooperation")).to_have_count(1)
    publisher.fill("#id_note_ja", "英語の題名と会談の要旨の誤字を訂正しました。")
    publisher.fill("#id_note_en", "Corrected typos in the English title and the meeting summary.")
    publisher.check("#id_major")
    publisher.screenshot(path=screenshot_dir / "pending-2-comparison.png", full_page=True)
    assert violations(publisher) == []
    publisher.click("input[name=_publish]")
    expect(publisher.locator(".messagelist .success")).to_contain_text("変更を公開しました")
    assert Release.objects.get(pk=release.pk).last_major_update is not None

    # The public page shows the new text and the update note, in both languages (a new visitor:
    # a browser keeps a page up to DJANGO_HTTP_CACHE_SECONDS).
    visitor = browser.new_context(locale="en-US").new_page()
    visitor.goto(public_en)
    expect(visitor.locator("h1")).to_have_text("Dialogue with Kazakhstan")
    expect(visitor.locator("body")).to_contain_text("Confirmed cooperation")
    expect(visitor.locator(".release__updates")).to_contain_text(
        "Corrected typos in the English title and the meeting summary."
    )
    visitor.screenshot(path=screenshot_dir / "pending-3-public-en.png", full_page=False)
    visitor.goto(public_ja)
    expect(visitor.locator(".release__updates")).to_contain_text(
        "英語の題名と会談の要旨の誤字を訂正しました。"
    )
    visitor.screenshot(path=screenshot_dir / "pending-4-public-ja.png", full_page=False)
    assert violations(visitor) == []
    visitor.set_viewport_size({"width": 390, "height": 844})
    visitor.screenshot(path=screenshot_dir / "pending-5-public-ja-390.png", full_page=False)
    assert violations(visitor) == []
    context.close()
