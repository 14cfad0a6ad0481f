"""The editors' desk in Chromium never traps and never silently throws work away: a language
mode never leaves Japanese that cannot be typed without saying why, leaving a form with unsaved
changes asks first, and a photo over the size limit is refused before it is sent."""

import re

import pytest
from playwright.sync_api import expect

from releases.models import Photo, Release
from releases.uploads import MAX_BYTES
from tests.browser.admin_forms import rich_text, translation_mode, wait_until_drawn
from tests.browser.axe import AXE_JS, violations
from tests.factories import ReleaseFactory, SectionFactory, jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ja-JP", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def release(countries):
    release = ReleaseFactory(title_ja="元の題名", title_en="Original title")
    SectionFactory(release=release, heading_ja="背景", heading_en="Background")
    return release


def change_url(live_server, release):
    return f"{live_server.url}/admin/releases/release/{release.pk}/change/"


def add_url(live_server):
    return f"{live_server.url}/admin/releases/release/add/"


def remember_mode(page, mode):
    """Choose a mode and wait until the desk has stored it (the switch posts in the background)."""
    with page.expect_response(lambda response: "translation-mode" in response.url):
        translation_mode(page, mode)


# A language mode never traps ----------------------------------------------------------------


def test_side_by_side_never_keeps_a_new_release_from_being_typed_in_japanese(
    admin_page, live_server, release
):
    page = admin_page
    page.goto(change_url(live_server, release))
    remember_mode(page, "both")
    expect(page.locator("#id_title_ja")).not_to_be_editable()

    # The next new release, still side by side: its Japanese is there to be written.
    page.goto(add_url(live_server))
    wait_until_drawn(page)
    expect(page.locator("body")).to_have_class(re.compile(r"\btmode-both\b"))
    page.click("#id_title_ja")
    page.keyboard.type("新しいリリースの題名")
    expect(page.locator("#id_title_ja")).to_have_value("新しいリリースの題名")
    page.click("#sections-group .add-row a")
    page.fill("#id_sections-0-heading_ja", "概要")
    expect(page.locator("#id_sections-0-heading_ja")).to_have_value("概要")
    rich_text(page, "id_sections-0-body_ja").click()
    page.keyboard.type("本文です。")
    expect(rich_text(page, "id_sections-0-body_ja")).to_have_text("本文です。")
    # Nothing here is read-only, so nothing says so.
    expect(page.locator("#translation-mode-note")).to_be_hidden()


def test_read_only_japanese_says_so_and_its_switch_makes_it_editable(
    admin_page, live_server, release
):
    page = admin_page
    page.goto(change_url(live_server, release))
    wait_until_drawn(page)
    remember_mode(page, "both")
    note = page.locator("#translation-mode-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("保存済みの日本語は読み取り専用です")
    title = page.locator("#id_title_ja")
    expect(title).not_to_be_editable()
    # A screen reader hears why when it reaches the field.
    expect(title).to_have_attribute("aria-describedby", re.compile("translation-mode-note"))
    expect(page.locator("#id_sections-0-heading_ja")).not_to_be_editable()
    expect(
        page.locator(".prose-editor:has(#id_sections-0-body_ja) [contenteditable]")
    ).to_have_attribute("contenteditable", "false")
    # A new row has no Japanese to translate yet: it is typed.
    page.click("#sections-group .add-row a")
    expect(page.locator("#id_sections-1-heading_ja")).to_be_editable()

    note.get_by_role("button", name="「日本語」に切り替えて編集する").click()
    expect(note).to_be_hidden()
    expect(page.locator("form.translation-mode [role=group] button[value=ja]")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.fill("#id_title_ja", "直した題名")
    expect(title).to_have_value("直した題名")
    rich_text(page, "id_sections-0-body_ja").click()
    page.keyboard.type("追記。")
    expect(rich_text(page, "id_sections-0-body_ja")).to_contain_text("追記。")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_side_by_side_screenshots_of_a_new_and_a_saved_release(
    admin_page, live_server, release, screenshot_dir, language
):
    page = admin_page
    page.goto(change_url(live_server, release))
    page.click(f".interface-language button[value={language}]")
    expect(page.locator("html")).to_have_attribute("lang", language)
    wait_until_drawn(page)
    remember_mode(page, "both")
    expect(page.locator("#translation-mode-note")).to_be_visible()
    page.screenshot(path=screenshot_dir / f"desk-side-by-side-change-{language}.png")
    page.goto(add_url(live_server))
    wait_until_drawn(page)
    expect(page.locator("#id_title_ja")).to_be_editable()
    page.screenshot(path=screenshot_dir / f"desk-side-by-side-add-{language}.png")


# Leaving a form with unsaved changes asks first --------------------------------------------


class Dialogs:
    """Every dialog the page opens, answered "stay on this page" (or "leave" once told to)."""

    def __init__(self, page):
        self.seen = []
        self.leave = False
        page.on("dialog", self.answer)

    def answer(self, dialog):
        self.seen.append(dialog.type)
        if self.leave:
            dialog.accept()
        else:
            dialog.dismiss()


def leave_by_breadcrumb(page):
    page.click("div.breadcrumbs a[href$='/releases/release/']")


def test_leaving_a_changed_form_asks_and_staying_keeps_the_text(admin_page, live_server, release):
    page = admin_page
    page.goto(change_url(live_server, release))
    wait_until_drawn(page)
    dialogs = Dialogs(page)
    page.fill("#id_title_ja", "書きかけの題名")
    with page.expect_event("dialog"):
        leave_by_breadcrumb(page)
    assert dialogs.seen == ["beforeunload"]
    expect(page.locator("#id_title_ja")).to_have_value("書きかけの題名")
    assert page.url == change_url(live_server, release)

    # Asked again, the editor leaves: nothing was saved.
    dialogs.leave = True
    leave_by_breadcrumb(page)
    page.wait_for_url(f"{live_server.url}/admin/releases/release/")
    assert dialogs.seen == ["beforeunload", "beforeunload"]
    release.refresh_from_db()
    assert release.title_ja == "元の題名"


def test_a_change_in_the_rich_text_editor_or_a_new_row_also_asks(admin_page, live_server, release):
    page = admin_page
    page.goto(change_url(live_server, release))
    wait_until_drawn(page)
    dialogs = Dialogs(page)
    rich_text(page, "id_sections-0-body_ja").click()
    page.keyboard.type("追記")
    with page.expect_event("dialog"):
        leave_by_breadcrumb(page)
    expect(rich_text(page, "id_sections-0-body_ja")).to_contain_text("追記")

    dialogs.leave = True
    page.goto(add_url(live_server))
    dialogs.leave = False
    wait_until_drawn(page)
    page.click("#meetings-group .add-row a")
    with page.expect_event("dialog"):
        page.click("#nav-sidebar a[href$='/people/official/']")
    assert dialogs.seen == ["beforeunload"] * 3
    expect(page.locator("#meetings-0")).to_be_visible()


def test_an_untouched_form_and_a_saved_one_are_left_without_a_question(
    admin_page, live_server, release
):
    page = admin_page
    dialogs = Dialogs(page)
    page.goto(change_url(live_server, release))
    wait_until_drawn(page)
    # Looked at, clicked into, a field typed and typed back: nothing to lose.
    page.click("#id_title_ja")
    page.keyboard.press("End")
    page.keyboard.type("X")
    page.keyboard.press("Backspace")
    leave_by_breadcrumb(page)
    page.wait_for_url(f"{live_server.url}/admin/releases/release/")

    page.goto(change_url(live_server, release))
    wait_until_drawn(page)
    page.fill("#id_title_ja", "保存する題名")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator("#id_title_ja")).to_have_value("保存する題名")
    leave_by_breadcrumb(page)
    page.wait_for_url(f"{live_server.url}/admin/releases/release/")
    assert dialogs.seen == []


# Photos over the size limit ----------------------------------------------------------------


def test_a_photo_over_the_limit_is_refused_in_the_browser_and_a_small_one_uploads(
    admin_page, live_server, release, screenshot_dir
):
    # A draft, whose new photo is saved at once (a live release's waits for a publisher).
    Release.objects.filter(pk=release.pk).update(status=Release.Status.DRAFT, published_at=None)
    page = admin_page
    page.goto(change_url(live_server, release))
    wait_until_drawn(page)
    page.click("#photos-group .add-row a")
    image = page.locator("#id_photos-0-image")
    image.set_input_files(
        {"name": "huge.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * (MAX_BYTES + 1)}
    )
    error = page.locator("#id_photos-0-image_size_error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("「huge.jpg」は 10.1 MB です。写真は 10 MB までです。")
    assert image.evaluate("input => input.files.length") == 0
    expect(image).to_have_attribute("aria-invalid", "true")
    error.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "desk-photo-too-large-ja.png")

    # Saving now stops at the photo, once, to say so; nothing was sent.
    page.click("input[name=_continue]")
    expect(image).to_be_focused()
    expect(page.locator(".messagelist .success")).to_have_count(0)

    image.set_input_files({"name": "small.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()})
    expect(error).to_have_count(0)
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert Photo.objects.get(release=release).width == 40


def test_the_size_message_speaks_english_to_an_english_desk(admin_page, live_server, release):
    page = admin_page
    page.goto(change_url(live_server, release))
    page.click(".interface-language button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    wait_until_drawn(page)
    page.click("#photos-group .add-row a")
    page.locator("#id_photos-0-image").set_input_files(
        {"name": "huge.png", "mimeType": "image/png", "buffer": b"\x89" * (MAX_BYTES + 300_000)}
    )
    expect(page.locator("#id_photos-0-image_size_error")).to_have_text(
        "“huge.png” is 10.3 MB; photos up to 10 MB are accepted. "
        "Export a smaller JPEG and choose it again."
    )


@pytest.mark.skipif(not AXE_JS.exists(), reason=f"needs axe-core at {AXE_JS}")
def test_the_read_only_note_and_the_size_message_pass_axe(
    admin_page, browser, live_server, release
):
    # axe is handed to the page by the test; the site's CSP rightly refuses scripts it did not send.
    context = browser.new_context(
        locale="ja-JP", bypass_csp=True, storage_state=admin_page.context.storage_state()
    )
    page = context.new_page()
    page.goto(change_url(live_server, release))
    wait_until_drawn(page)
    remember_mode(page, "both")
    expect(page.locator("#translation-mode-note")).to_be_visible()
    page.click("#photos-group .add-row a")
    page.locator("#id_photos-0-image").set_input_files(
        {"name": "huge.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * (MAX_BYTES + 1)}
    )
    expect(page.locator("#id_photos-0-image_size_error")).to_be_visible()
    assert violations(page) == []
    context.close()
