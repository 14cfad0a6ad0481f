"""In Chromium: two colleagues, one on a release's page and one on its meeting's page. Whoever
saves second is refused, in their own language, and keeps what they typed."""

import pytest
from playwright.sync_api import expect

from releases.models import Meeting, Release
from tests.browser.admin_forms import fill_in
from tests.factories import MeetingFactory, ReleaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ja-JP", "viewport": {"width": 1280, "height": 900}}


def save_and_continue(page):
    page.click("input[name=_continue]")


def test_the_second_to_save_is_refused_in_their_language_and_keeps_their_text(
    admin_page, browser, live_server, django_user_model, screenshot_dir
):
    base = live_server.url
    # A draft: its meetings are edited on their own page too (a live release's wait for a
    # publisher on its form).
    release = ReleaseFactory(
        title_ja="元の題名", title_en="Original title", status="draft", published_at=None
    )
    meeting = MeetingFactory(release=release, title_ja="元の会談", title_en="Original meeting")
    release_url = f"{base}/admin/releases/release/{release.pk}/change/"
    meeting_url = f"{base}/admin/releases/meeting/{meeting.pk}/change/"

    django_user_model.objects.create_superuser(
        "hanako", "h@example.org", "correct-horse-7", first_name="Hanako", last_name="Sato"
    )
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    colleague = context.new_page()
    colleague.goto(f"{base}/admin/login/")
    colleague.fill("#id_username", "hanako")
    colleague.fill("#id_password", "correct-horse-7")
    colleague.click("input[type=submit]")
    colleague.wait_for_url(f"{base}/admin/")

    # The release is saved once from its page, so its history knows the versions shown.
    page = admin_page
    page.goto(release_url)
    save_and_continue(page)
    expect(page.locator(".messagelist .success")).to_be_visible()

    # I open the release; meanwhile my colleague corrects its meeting on the meeting's page.
    page.goto(release_url)
    fill_in(page, "id_lead", "ja", "私が書き直したリード文")
    colleague.goto(meeting_url)
    fill_in(colleague, "id_title", "en", "Meeting with the President")
    save_and_continue(colleague)
    expect(colleague.locator(".messagelist .success")).to_be_visible()

    # My save would write the meeting back as I opened it: refused, in Japanese.
    save_and_continue(page)
    note = page.locator(".inline-group .errorlist.nonform, .errornote").first
    expect(note).to_be_visible()
    refusal = page.locator(".errorlist.nonform")
    expect(refusal).to_contain_text("他の人が会談")
    expect(refusal).to_contain_text("Hanako Sato")
    expect(refusal).to_contain_text("保存されていません")
    expect(page.locator("#id_lead_ja")).to_have_value("私が書き直したリード文")
    refusal.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "no-lost-edit-ja.png")
    assert Meeting.objects.get(pk=meeting.pk).title_en == "Meeting with the President"
    assert Release.objects.get(pk=release.pk).lead_ja != "私が書き直したリード文"

    # The other way round, in English: she opens the release, I change the meeting.
    colleague.goto(release_url)
    fill_in(colleague, "id_title", "en", "Her new title")
    page.goto(meeting_url)
    fill_in(page, "id_place", "ja", "アスタナ")
    save_and_continue(page)
    expect(page.locator(".messagelist .success")).to_be_visible()
    save_and_continue(colleague)
    refusal = colleague.locator(".errorlist.nonform")
    expect(refusal).to_contain_text("was saved by someone else after you opened this page")
    expect(refusal).to_contain_text("They changed: Place (Japanese).")
    expect(colleague.locator("#id_title_en")).to_have_value("Her new title")
    refusal.scroll_into_view_if_needed()
    colleague.screenshot(path=screenshot_dir / "no-lost-edit-en.png")
    assert Release.objects.get(pk=release.pk).title_en == "Original title"
    context.close()
