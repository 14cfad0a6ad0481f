"""A staff member types a small release into the admin, in Japanese and English, in Chromium."""

import pytest
from playwright.sync_api import expect

from directory.models import Official
from releases.models import Agreement, MeetingParticipant, Photo, Release
from tests.factories import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    # The agency's staff work in a Japanese browser.
    return {**browser_context_args, "locale": "ja-JP"}


def pick(page, field_id, term, choice):
    """Choose `choice` in an admin autocomplete (select2) by typing `term`."""
    page.click(f"#{field_id} + .select2 .select2-selection")
    # Type only once the dropdown's search box is open and focused; a loaded machine opens it late.
    search = page.locator(".select2-container--open .select2-search__field")
    expect(search).to_be_focused()
    search.press_sequentially(term)
    page.click(f".select2-results__option:has-text('{choice}')")


def fill_in(page, field_id, lang, value):
    """Type into one language's tab of a translated field, as an editor would."""
    page.click(f"a[href='#tab_{field_id}_{lang}']")
    page.fill(f"#{field_id}_{lang}", value)
    page.press(f"#{field_id}_{lang}", "Tab")


def test_staff_enter_a_release_with_meeting_official_agreement_and_photo(
    admin_page, live_server, tmp_path, screenshot_dir
):
    page = admin_page
    base = live_server.url

    # The issuer and the partner, through the organisation form.
    for ja, en, slug in [
        (
            "エネルギー・金属鉱物資源機構",
            "Japan Organization for Metals and Energy Security",
            "jogmec",
        ),
        ("タウケン・サムルク", "Tau-Ken Samruk", "tau-ken-samruk"),
    ]:
        page.goto(f"{base}/admin/people/organization/add/")
        fill_in(page, "id_name", "ja", ja)
        fill_in(page, "id_name", "en", en)
        page.fill("#id_slug", slug)
        page.click("input[name=_save]")
        expect(page.locator(".messagelist .success")).to_be_visible()

    # An official with a post, in both languages.
    page.goto(f"{base}/admin/people/official/add/")
    fill_in(page, "id_name", "ja", "カスムジョマルト・トカエフ")
    fill_in(page, "id_name", "en", "Kassym-Jomart Tokayev")
    expect(page.locator("#id_slug")).to_have_value("kassym-jomart-tokayev")
    pick(page, "id_country", "Kaz", "カザフスタン")
    page.fill("#id_other_names", "Касым-Жомарт Токаев")
    fill_in(page, "id_posts-0-title", "ja", "大統領")
    fill_in(page, "id_posts-0-title", "en", "President")
    page.screenshot(path=screenshot_dir / "admin-official-add.png", full_page=True)
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    # The agreement, edited on its own.
    page.goto(f"{base}/admin/releases/agreement/add/")
    page.select_option("#id_kind", "mou")
    fill_in(page, "id_title", "ja", "金属鉱物資源の協力に関する覚書")
    fill_in(page, "id_title", "en", "MOU on cooperation in metals and minerals")
    pick(page, "id_parties", "JOGMEC", "エネルギー・金属鉱物資源機構")
    pick(page, "id_parties", "Tau", "タウケン・サムルク")
    pick(page, "id_country", "KZ", "カザフスタン")
    page.fill("#id_signed_on", "2025-12-04")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    # The release: text in both languages, a meeting with the official, the agreement.
    page.goto(f"{base}/admin/releases/release/add/")
    fill_in(page, "id_title", "ja", "カザフスタン大統領との会談")
    fill_in(page, "id_lead", "ja", "JOGMECはトカエフ大統領と会談しました。")
    fill_in(page, "id_title", "en", "Meeting with the President of Kazakhstan")
    fill_in(page, "id_lead", "en", "JOGMEC met President Tokayev.")
    expect(page.locator("#id_slug")).to_have_value("meeting-with-the-president-of-kazakhstan")
    pick(page, "id_issuer", "JOGMEC", "エネルギー・金属鉱物資源機構")

    page.click("#meetings-group .add-row a")
    page.fill("#id_meetings-0-date", "2025-12-19")
    pick(page, "id_meetings-0-country", "Kaz", "カザフスタン")
    fill_in(page, "id_meetings-0-title", "ja", "トカエフ大統領との会談")
    pick(page, "id_meetings-0-officials", "Токаев", "カスムジョマルト・トカエフ")

    page.click("#agreement_links-group .add-row a")
    pick(page, "id_agreement_links-0-agreement", "Tau", "金属鉱物資源の協力に関する覚書")

    image = tmp_path / "tokayev.jpg"
    image.write_bytes(jpeg_bytes(800, 600))
    page.click("#photos-group .add-row a")
    page.set_input_files("#id_photos-0-image", str(image))
    fill_in(page, "id_photos-0-caption", "ja", "トカエフ大統領との会談")
    fill_in(page, "id_photos-0-credit", "ja", "カザフスタン大統領府")
    fill_in(page, "id_photos-0-credit", "en", "Office of the President of Kazakhstan")
    page.screenshot(path=screenshot_dir / "admin-release-add.png", full_page=True)
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    page.screenshot(path=screenshot_dir / "admin-release-change.png", full_page=True)

    release = Release.objects.get()
    assert release.title_en == "Meeting with the President of Kazakhstan"
    assert release.status == Release.Status.DRAFT
    assert [c.code for c in release.countries.all()] == ["KZ"]
    participant = MeetingParticipant.objects.get(meeting__release=release)
    assert participant.official == Official.objects.get(slug="kassym-jomart-tokayev")
    assert (participant.title_ja, participant.title_en) == ("大統領", "President")
    assert list(release.agreements.all()) == [Agreement.objects.get()]
    photo = Photo.objects.get(release=release)
    assert (photo.credit_ja, photo.credit_en) == (
        "カザフスタン大統領府",
        "Office of the President of Kazakhstan",
    )
    assert (photo.width, photo.height) == (800, 600)


def test_translation_tabs_switch_languages_in_the_admin(admin_page, live_server):
    page = admin_page
    page.goto(f"{live_server.url}/admin/releases/release/add/")
    page.click("a[href='#tab_id_title_ja']")
    expect(page.locator("#id_title_ja")).to_be_visible()
    expect(page.locator("#id_title_en")).to_be_hidden()
    page.click("a[href='#tab_id_title_en']")
    expect(page.locator("#id_title_en")).to_be_visible()
    expect(page.locator("#id_title_ja")).to_be_hidden()
