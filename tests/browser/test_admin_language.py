"""The Japanese admin in Chromium: the rich-text toolbar speaks Japanese, the English one
English."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.admin_forms import translation_mode, wait_until_drawn
from tests.factories import ReleaseFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_section_editor(admin_page, live_server, language):
    release = ReleaseFactory()
    SectionFactory(release=release, body_ja="<p>本文</p>")
    admin_page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    admin_page.goto(live_server.url + reverse("admin:releases_release_change", args=[release.pk]))
    wait_until_drawn(admin_page)
    translation_mode(admin_page, "ja")
    return admin_page.locator(".prose-editor:has(#id_sections-0-body_ja)")


def test_the_rich_text_toolbar_speaks_japanese(admin_page, live_server):
    editor = open_section_editor(admin_page, live_server, "ja")
    menubar = editor.locator(".prose-menubar")
    expect(menubar.locator("[title='太字']")).to_have_count(1)
    expect(menubar.locator("[title='bold']")).to_have_count(0)
    editor.locator("[contenteditable=true]").click()
    selected = menubar.locator(".prose-menubar__selected")
    expect(selected.locator("button")).to_have_attribute("title", "段落")
    selected.click()
    picker = menubar.locator(".prose-menubar__picker")
    expect(picker).to_be_visible()
    expect(picker).to_contain_text("見出し2")
    expect(picker).to_contain_text("段落")
    expect(picker).not_to_contain_text("Heading")
    expect(picker).not_to_contain_text("Paragraph")


def test_the_english_admins_toolbar_stays_english(admin_page, live_server):
    editor = open_section_editor(admin_page, live_server, "en")
    menubar = editor.locator(".prose-menubar")
    expect(menubar.locator("[title='bold']")).to_have_count(1)
    editor.locator("[contenteditable=true]").click()
    menubar.locator(".prose-menubar__selected").click()
    expect(menubar.locator(".prose-menubar__picker")).to_contain_text("Heading 2")
