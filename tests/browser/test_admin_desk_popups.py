"""The editor's desk, continued: what an editor makes in a popup is there at once for the rest
of the form, a new organisation is made where an official or an agreement needs it, a search
that found nothing says so at Save, English fields warn of Japanese typed into them, and the
translation list leads to where each missing English is written."""

import importlib
import re

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from people.models import Official, Organization
from releases.models import Agreement, Release
from tests.browser.admin_forms import translation_mode, wait_until_drawn
from tests.browser.axe import AXE_JS, violations
from tests.factories import (
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    OrganizationFactory,
    ReleaseFactory,
    staff_member,
)

roles = importlib.import_module("releases.migrations.0004_editor_and_publisher_groups")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ja-JP", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def editor_page(page, live_server, countries):
    """A Chromium page logged into the admin as an editor (no publishing permission). The
    group as the migration defines it: transactional tests flush the groups."""
    editors, _ = Group.objects.get_or_create(name="Editors")
    for app_label, codename in roles._codenames(roles.EDITORS):
        editors.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    staff_member("Editors", "hanako")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "hanako")
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page


def pick(page, select_id, term, choice):
    """Open the autocomplete box of `select_id`, type `term`, take `choice` with Enter."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    # Typed before the box's search field has the focus, the keys would go nowhere.
    search = page.locator(".select2-container--open .select2-search__field")
    expect(search).to_be_focused()
    search.press_sequentially(term)
    expect(page.locator(".select2-results__option--highlighted")).to_have_text(choice)
    page.keyboard.press("Enter")
    expect(page.locator(".select2-container--open")).to_have_count(0)


def in_popup(page, link_selector):
    """Click a "+" link and return the popup window it opens, drawn."""
    with page.expect_popup() as opened:
        page.click(link_selector)
    popup = opened.value
    popup.wait_for_load_state()
    wait_until_drawn(popup)
    translation_mode(popup, "both")
    return popup


def test_a_new_official_from_a_meeting_row_signs_an_agreement_in_the_same_unsaved_release(
    editor_page, live_server
):
    page = editor_page
    OrganizationFactory(name_ja="カザフスタン地質委員会", name_en="Committee of Geology")
    page.goto(f"{live_server.url}/admin/releases/release/add/")
    wait_until_drawn(page)
    page.fill("#id_title_ja", "地質委員会との覚書署名")
    pick(page, "id_issuer", "地質委員会", "カザフスタン地質委員会")
    page.click("#meetings-group .add-row a")
    page.fill("#id_meetings-0-date", "2025-12-19")
    pick(page, "id_meetings-0-country", "KZ", "カザフスタン")

    # The meeting row's "+": a new official, with a post at a new organisation ("+" again).
    official_popup = in_popup(page, "#add_id_meetings-0-officials")
    official_popup.fill("#id_name_ja", "アルマト・ヌルラノフ")
    official_popup.fill("#id_name_en", "Almat Nurlanov")
    pick(official_popup, "id_country", "KZ", "カザフスタン")
    official_popup.fill("#id_posts-0-title_ja", "総裁")
    official_popup.fill("#id_posts-0-title_en", "Chairman")
    organisation_popup = in_popup(official_popup, "#add_id_posts-0-organization")
    organisation_popup.fill("#id_name_ja", "カザフスタン国営鉱業公社")
    organisation_popup.fill("#id_name_en", "Tau-Ken Samruk")
    organisation_popup.click("input[name=_save]")
    expect(official_popup.locator("#id_posts-0-organization option:checked")).to_have_text(
        "カザフスタン国営鉱業公社"
    )
    official_popup.click("input[name=_save]")
    chosen = page.locator("#id_meetings-0-officials option:checked")
    expect(chosen).to_have_text("アルマト・ヌルラノフ")

    # The agreement row's "+": the official just added is a signatory to choose.
    page.click("#agreement_links-group .add-row a")
    agreement_popup = in_popup(page, "#add_id_agreement_links-0-agreement")
    agreement_popup.fill("#id_title_ja", "地質調査に関する覚書")
    pick(agreement_popup, "id_parties", "地質委員会", "カザフスタン地質委員会")
    pick(agreement_popup, "id_parties", "国営鉱業", "カザフスタン国営鉱業公社")
    pick(agreement_popup, "id_signatories", "ヌルラノフ", "アルマト・ヌルラノフ")
    agreement_popup.click("input[name=_save]")
    expect(page.locator("#id_agreement_links-0-agreement option:checked")).to_have_text(
        re.compile("地質調査に関する覚書")
    )

    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    release = Release.objects.get(title_ja="地質委員会との覚書署名")
    official = Official.objects.get(name_ja="アルマト・ヌルラノフ")
    agreement = Agreement.objects.get(title_ja="地質調査に関する覚書")
    assert list(release.meetings.get().participants.all()) == [official]
    assert list(agreement.signatories.all()) == [official]
    assert list(release.agreements.all()) == [agreement]
    assert official.posts.get().organization.name_ja == "カザフスタン国営鉱業公社"


def test_a_search_with_no_match_says_so_at_save_and_a_second_save_goes_on(editor_page, live_server):
    page = editor_page
    release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None)
    meeting = MeetingFactory(release=release)
    page.goto(f"{live_server.url}/admin/releases/release/{release.pk}/change/")
    wait_until_drawn(page)
    page.locator("#id_meetings-0-officials + .select2 .select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    expect(search).to_be_focused()
    search.press_sequentially("存在しない人物")
    expect(page.locator(".select2-results__message")).to_be_visible()

    page.click("input[name=_save]")
    alert = page.locator("#id_meetings-0-officials_search_error")
    expect(alert).to_have_text(
        "「存在しない人物」に一致するものはありません。＋で追加するか、検索し直してください。"
    )
    expect(alert).to_have_attribute("role", "alert")
    assert page.url.endswith(f"/{release.pk}/change/")

    # Said once: the next Save saves the rest.
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert meeting.participations.count() == 0


def test_a_chosen_search_says_nothing(editor_page, live_server):
    page = editor_page
    release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None)
    MeetingFactory(release=release)
    OfficialFactory(name_ja="トカエフ")
    page.goto(f"{live_server.url}/admin/releases/release/{release.pk}/change/")
    wait_until_drawn(page)
    pick(page, "id_meetings-0-officials", "トカエフ", "トカエフ")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert release.meetings.get().participants.get().name_ja == "トカエフ"


@pytest.mark.parametrize(
    "interface,message",
    [
        ("ja", "この英語の欄に日本語が入っています。"),
        ("en", "This English field contains Japanese text."),
    ],
)
def test_japanese_typed_into_an_english_field_is_flagged_but_saves(
    editor_page, live_server, interface, message
):
    page = editor_page
    page.context.add_cookies(
        [{"name": "django_language", "value": interface, "url": live_server.url}]
    )
    release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None)
    page.goto(f"{live_server.url}/admin/releases/release/{release.pk}/change/")
    wait_until_drawn(page)
    page.click("form.translation-mode button[value=both]")
    warning = page.locator("#id_title_en_japanese_warning")
    expect(warning).to_have_count(0)
    page.fill("#id_title_en", "Meeting with 大臣")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(message)
    expect(page.locator("#id_title_en")).to_have_attribute(
        "aria-describedby", re.compile("id_title_en_japanese_warning")
    )
    page.fill("#id_title_en", "Meeting with the Minister")
    expect(warning).to_be_hidden()
    page.fill("#id_title_en", "Meeting with 大臣")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    release.refresh_from_db()
    assert release.title_en == "Meeting with 大臣"


def test_the_translation_list_leads_to_where_each_missing_english_is_written(
    editor_page, live_server
):
    page = editor_page
    release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None, subtitle_ja="副題")
    meeting = MeetingFactory(release=release, title_en="")
    official = OfficialFactory(name_en="")
    MeetingParticipantFactory(meeting=meeting, official=official, title_ja="大臣", title_en="")
    organisation = Organization.objects.get(pk=release.issuer_id)
    page.goto(f"{live_server.url}/admin/releases/release/{release.pk}/preview/?lang=en")
    notes = page.locator(".notice--language")
    expect(notes).to_be_visible()
    expect(notes.locator("a", has_text="Subtitle")).to_have_attribute(
        "href", f"/admin/releases/release/{release.pk}/change/#id_subtitle_en"
    )
    expect(notes.locator("a", has_text="Official")).to_have_attribute(
        "href", f"/admin/people/official/{official.pk}/change/#id_name_en"
    )
    notes.locator("a", has_text="Participant").click()
    expect(page).to_have_url(re.compile(rf"/admin/releases/meeting/{meeting.pk}/change/"))
    expect(page.locator("#id_participations-0-title_en")).to_be_attached()
    assert organisation


@pytest.mark.skipif(not AXE_JS.exists(), reason=f"needs axe-core at {AXE_JS}")
@pytest.mark.parametrize("interface,width", [("ja", 1280), ("en", 390)])
def test_the_warning_and_the_no_match_message_pass_axe(
    editor_page, browser, live_server, interface, width
):
    # axe is handed to the page by the test; the site's CSP rightly refuses scripts it did not send.
    context = browser.new_context(
        locale="ja-JP",
        bypass_csp=True,
        viewport={"width": width, "height": 900},
        storage_state=editor_page.context.storage_state(),
    )
    context.add_cookies([{"name": "django_language", "value": interface, "url": live_server.url}])
    page = context.new_page()
    release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None)
    MeetingFactory(release=release)
    page.goto(f"{live_server.url}/admin/releases/release/{release.pk}/change/")
    wait_until_drawn(page)
    translation_mode(page, "both")
    page.fill("#id_title_en", "会談")
    expect(page.locator("#id_title_en_japanese_warning")).to_be_visible()
    page.locator("#id_meetings-0-officials + .select2 .select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    expect(search).to_be_focused()
    search.press_sequentially("該当なし")
    expect(page.locator(".select2-results__message")).to_be_visible()
    page.click("input[name=_save]")
    expect(page.locator("#id_meetings-0-officials_search_error")).to_be_visible()
    assert violations(page) == []
    context.close()
