"""Helpers for browser tests that fill in the admin's bilingual forms."""

from playwright.sync_api import expect


def translation_mode(page, mode):
    """Switch the form's languages (ja, en, both) the way an editor does: one button."""
    button = page.locator(f"form.translation-mode button[value='{mode}']")
    if button.get_attribute("aria-pressed") != "true":
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")


def fill_in(page, field_id, lang, value):
    """Type into one language of a translated field, switching the form to that language."""
    translation_mode(page, lang)
    page.fill(f"#{field_id}_{lang}", value)


def rich_text(page, textarea_id):
    """The editable area of the rich-text editor that replaces `textarea_id`."""
    return page.locator(f".prose-editor:has(#{textarea_id}) [contenteditable=true]")
