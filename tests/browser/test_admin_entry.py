"""The editors' desk in Chromium: a release entered with few clicks, forms that fit the window,
one language switch for the whole form."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from playwright.sync_api import expect

from people.models import Official, Organization
from releases.models import Agreement, MeetingParticipant, Photo, Release
from tests.browser.admin_forms import translation_mode
from tests.factories import (
    AgreementFactory,
    ContactFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    OrganizationFactory,
    PhotoFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    SectionFactory,
    country,
    jpeg_bytes,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    # The agency's staff work in a Japanese browser, in a laptop-sized window.
    return {**browser_context_args, "locale": "ja-JP", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def directory(countries):
    """What the directory holds before the release: the agency and the partner's parent."""
    jogmec = OrganizationFactory(
        slug="jogmec", name_ja="エネルギー・金属鉱物資源機構", name_en="JOGMEC"
    )
    samruk = OrganizationFactory(
        slug="samruk-kazyna", name_ja="サムルク・カズナ", name_en="Samruk-Kazyna"
    )
    return {"jogmec": jogmec, "samruk": samruk}


class Counter:
    """Every click an editor makes (choosing a file or an option counts as one)."""

    def __init__(self, page):
        self.page, self.n = page, 0

    def click(self, selector, page=None):
        self.n += 1
        (page or self.page).click(selector)

    def pick(self, field_id, term, choice, page=None):
        """An autocomplete box: open it, type, click the choice (two clicks)."""
        page = page or self.page
        self.click(f"#{field_id} + .select2 .select2-selection", page)
        search = page.locator(".select2-container--open .select2-search__field")
        expect(search).to_be_focused()
        search.press_sequentially(term)
        self.click(f".select2-results__option:has-text('{choice}')", page)

    def mode(self, mode, page=None):
        self.n += 1
        translation_mode(page or self.page, mode)


def test_a_release_like_the_seeds_first_meeting_takes_at_most_45_clicks(
    admin_page, live_server, directory, tmp_path, screenshot_dir
):
    page = admin_page
    clicks = Counter(page)
    page.goto(f"{live_server.url}/admin/releases/release/add/")
    # The agency issues it unless the editor says otherwise.
    expect(page.locator("#id_issuer")).to_have_value(str(directory["jogmec"].pk))

    # Japanese first, as the agency writes.
    page.fill("#id_title_ja", "サムルク・カズナ CEO との会談")
    page.fill("#id_lead_ja", "JOGMEC はサムルク・カズナのジャクポフ CEO と会談しました。")

    clicks.click("#meetings-group .add-row a")
    page.fill("#id_meetings-0-date", "2025-12-18")
    clicks.pick("id_meetings-0-country", "Kaz", "カザフスタン")
    page.fill("#id_meetings-0-title_ja", "ジャクポフ CEO との会談")
    # The official is new: typed into the meeting row, no popup window.
    clicks.click("#meetings-0 .new-official summary")
    page.fill("#id_meetings-0-new_official_name_ja", "ヌルラン・ジャクポフ")
    page.fill("#id_meetings-0-new_official_post_ja", "CEO")
    clicks.pick("id_meetings-0-new_official_organization", "Samruk", "サムルク・カズナ")

    # The MOU is new too, with a partner that is new: one popup, no popup inside it.
    clicks.click("#agreement_links-group .add-row a")
    with page.expect_popup() as popup_info:
        clicks.click("#add_id_agreement_links-0-agreement")
    popup = popup_info.value
    popup.wait_for_load_state()
    popup.fill("#id_title_ja", "金属鉱物資源分野における協力覚書")
    clicks.pick("id_parties", "JOG", "エネルギー・金属鉱物資源機構", popup)
    popup.fill("#id_new_party_name_ja", "タウケン・サムルク")
    clicks.pick("id_country", "KZ", "カザフスタン", popup)
    clicks.mode("en", popup)
    popup.fill("#id_title_en", "MOU on cooperation in metals and minerals")
    popup.fill("#id_new_party_name_en", "Tau-Ken Samruk")
    with popup.expect_event("close"):
        clicks.click("input[name=_save]", popup)
    expect(page.locator("#id_agreement_links-0-agreement")).not_to_have_value("")

    clicks.click("#photos-group .add-row a")
    image = tmp_path / "zhakupov.jpg"
    image.write_bytes(jpeg_bytes(800, 600))
    clicks.n += 1  # choosing the file
    page.set_input_files("#id_photos-0-image", str(image))
    page.fill("#id_photos-0-caption_ja", "ジャクポフ CEO との会談")
    page.fill("#id_photos-0-credit_ja", "ROTOBO")
    # The meeting is not saved yet; the photo names it by its place in the form.
    clicks.n += 1
    page.select_option("#id_photos-0-meeting_position", "0")
    expect(page.locator("#photos-0 h3 .inline_label")).to_have_text("ジャクポフ CEO との会談")

    # Then the English, in the same form.
    clicks.mode("en")
    expect(page.locator("#id_title_ja")).to_be_hidden()
    page.fill("#id_title_en", "Meeting with the CEO of Samruk-Kazyna")
    page.fill("#id_lead_en", "JOGMEC met Mr Zhakupov, CEO of Samruk-Kazyna.")
    page.fill("#id_meetings-0-title_en", "Meeting with CEO Zhakupov")
    page.fill("#id_meetings-0-new_official_name_en", "Nurlan Zhakupov")
    page.fill("#id_meetings-0-new_official_post_en", "CEO")
    page.fill("#id_photos-0-caption_en", "Meeting with CEO Zhakupov")
    page.fill("#id_photos-0-credit_en", "ROTOBO")
    page.screenshot(path=screenshot_dir / "desk-entry-before-save.png", full_page=True)
    clicks.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert clicks.n <= 45, clicks.n

    release = Release.objects.get()
    assert release.title_en == "Meeting with the CEO of Samruk-Kazyna"
    assert release.slug == f"{datetime.date.today():%Y-%m}-meeting-with-the-ceo-of-samruk-kazyna"
    assert release.issuer == directory["jogmec"]
    assert [c.code for c in release.countries.all()] == ["KZ"]
    zhakupov = Official.objects.get(name_en="Nurlan Zhakupov")
    assert (zhakupov.name_ja, zhakupov.country.code) == ("ヌルラン・ジャクポフ", "KZ")
    post = zhakupov.posts.get()
    assert (post.title_ja, post.title_en, post.organization) == ("CEO", "CEO", directory["samruk"])
    participant = MeetingParticipant.objects.get(meeting__release=release)
    assert (participant.official, participant.title_en) == (zhakupov, "CEO")
    agreement = Agreement.objects.get()
    assert list(release.agreements.all()) == [agreement]
    assert {p.name_en for p in agreement.parties.all()} == {"JOGMEC", "Tau-Ken Samruk"}
    assert Organization.objects.get(name_en="Tau-Ken Samruk").country.code == "KZ"
    photo = Photo.objects.get(release=release)
    assert (photo.credit_ja, photo.credit_en, photo.meeting) == (
        "ROTOBO",
        "ROTOBO",
        release.meetings.get(),
    )
    assert (photo.width, photo.height) == (800, 600)
    # The title held then is on the page as soon as it is saved.
    expect(page.locator("#meetings-0 .field-participants_with_titles")).to_contain_text("CEO")


def test_the_language_switch_applies_to_the_whole_form_new_rows_and_the_next_visit(
    admin_page, live_server
):
    page = admin_page
    page.goto(f"{live_server.url}/admin/releases/release/add/")
    expect(page.locator("label[for=id_title_ja]")).to_have_text("タイトル（日本語）:")
    expect(page.locator("#id_title_en")).to_be_hidden()

    translation_mode(page, "both")
    # Side by side: Japanese on the left, English on the right. A new release has no Japanese
    # to translate yet: both are typed (saved Japanese is read-only, see test_desk_modes.py).
    ja, en = page.locator("#id_title_ja"), page.locator("#id_title_en")
    expect(ja).to_be_visible()
    expect(en).to_be_visible()
    assert ja.bounding_box()["x"] < en.bounding_box()["x"]
    expect(ja).to_be_editable()
    page.click("#sections-group .add-row a")
    expect(page.locator("#id_sections-0-heading_ja")).to_be_editable()
    expect(page.locator("#id_sections-0-heading_en")).to_be_editable()

    translation_mode(page, "en")
    page.click("#sections-group .add-row a")
    expect(page.locator("#id_sections-1-heading_en")).to_be_visible()
    expect(page.locator("#id_sections-1-heading_ja")).to_be_hidden()
    expect(page.locator("label[for=id_sections-1-heading_en]")).to_have_text("見出し（英語）:")

    # Remembered for this editor, on any form.
    page.goto(f"{live_server.url}/admin/people/official/add/")
    expect(page.locator("#id_name_en")).to_be_visible()
    expect(page.locator("#id_name_ja")).to_be_hidden()


def test_the_interface_language_is_chosen_in_the_header(admin_page, live_server):
    page = admin_page
    page.goto(f"{live_server.url}/admin/releases/release/")
    page.click(".interface-language button[value=en]")
    expect(page.locator("#content h1")).to_contain_text("Select release to change")
    expect(page.locator(".object-tools")).to_contain_text("Recover deleted releases")
    page.click(".interface-language button[value=ja]")
    expect(page.locator(".object-tools")).to_contain_text("削除されたリリースを復元")


def long_release():
    """A release with every part, and the longest texts the fields take."""
    long = "「中央アジア＋日本」対話・首脳会合に合わせた資源国との関係強化と協力覚書の署名" * 4
    release = ReleaseFactory(title_ja=long[:300], title_en="Long " * 60, countries=[country("KZ")])
    for _ in range(6):
        meeting = MeetingFactory(release=release, title_ja=long[:300], place_ja=long[:200])
        official = OfficialFactory(name_ja=long[:200], name_en="Kassym-Jomart " * 14)
        MeetingParticipantFactory(meeting=meeting, official=official, title_ja=long[:200])
        PhotoFactory(release=release, meeting=meeting, caption_ja=long, credit_ja=long[:200])
        ContactFactory(
            release=release,
            department_ja=long[:200],
            persons_ja=long[:200],
            email=f"{'a' * 60}@example.org",
        )
        SectionFactory(release=release, heading_ja=long[:300])
        ReleaseAgreementFactory(release=release, agreement=AgreementFactory(title_ja=long[:300]))
    return release


# The lists of our own apps (the staff's); the operators' lists of libraries (login attempts, tasks)
# keep their columns.
OUR_LISTS = tuple(f"/admin/{app}/" for app in ["releases", "people", "core", "alerts"])


def admin_pages(releases):
    pages = ["/admin/"]
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        pages.append(reverse("admin:{}_{}_add".format(*info)))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    for release in releases:
        pages.append(reverse("admin:releases_release_change", args=[release.pk]))
        pages.append(reverse("admin:releases_release_history", args=[release.pk]))
    return pages


@pytest.mark.parametrize("width", [1280, 1440])
def test_no_admin_page_scrolls_sideways_and_nothing_covers_the_title(
    admin_page, live_server, demo_site, width
):
    page = admin_page
    page.set_viewport_size({"width": width, "height": 900})
    pages = admin_pages([demo_site, long_release()])
    wide = []
    for path in pages:
        page.goto(live_server.url + path)
        # A form in two languages is measured showing one, then both side by side.
        modes = ["ja", "both"] if page.locator("form.translation-mode").count() else [None]
        for mode in modes:
            if mode:
                translation_mode(page, mode)
            # Folded groups opened: what is inside must fit too.
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            sizes = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if sizes[0] > sizes[1]:
                wide.append((mode, path, sizes))
        # Our lists fit beside the menu and the filters: no column hidden behind a scroll (the
        # meetings' list, with a release title of 300 characters, was 2,420 px wide).
        if path.startswith(OUR_LISTS):
            table = page.evaluate(
                "(r => r && [r.scrollWidth, r.clientWidth])(document.querySelector('.results'))"
            )
            if table and table[0] > table[1]:
                wide.append(("list", path, table))
    assert not wide, wide

    page.goto(live_server.url + reverse("admin:releases_release_change", args=[demo_site.pk]))
    tools = page.locator(".object-tools").bounding_box()
    headings = page.locator("#content > h1, #content > h2").all()
    assert headings
    for heading in headings:
        box = heading.bounding_box()
        overlaps = not (
            box["y"] + box["height"] <= tools["y"] or tools["y"] + tools["height"] <= box["y"]
        ) and not (box["x"] + box["width"] <= tools["x"] or tools["x"] + tools["width"] <= box["x"])
        assert not overlaps, heading.inner_text()


@pytest.mark.parametrize("language", ["ja", "en"])
def test_screenshots_of_the_desk_in_each_mode_and_language(
    admin_page, live_server, demo_site, screenshot_dir, language
):
    page = admin_page
    # Work for the translator: the Japanese lead revised, a caption not translated yet.
    demo_site.lead_ja += "（改訂）"
    demo_site.save()
    photo = demo_site.photos.exclude(caption_ja="").first()
    photo.caption_en = ""
    photo.save()
    page.goto(f"{live_server.url}/admin/releases/release/")
    page.click(f".interface-language button[value={language}]")
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.screenshot(path=screenshot_dir / f"desk-{language}-release-list.png", full_page=True)
    page.click(f"a[href$='{reverse('admin:releases_release_translation')}']")
    expect(page.locator(".translation-queue__release")).to_have_count(1)
    expect(page.locator(".translation-gap")).to_have_count(2)
    page.screenshot(path=screenshot_dir / f"desk-{language}-translation.png", full_page=True)
    page.goto(live_server.url + reverse("admin:releases_release_change", args=[demo_site.pk]))
    for mode in ["ja", "en", "both"]:
        translation_mode(page, mode)
        page.screenshot(
            path=screenshot_dir / f"desk-{language}-release-form-{mode}.png", full_page=True
        )
