"""An editor without a mouse: logs in and enters a whole release (both languages, a meeting with
its country and an official, an agreement, a contact) with the keyboard alone, and sees it saved."""

import datetime
import importlib

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from releases.models import Release
from tests.browser.admin_forms import choose, tab_to
from tests.factories import (
    AgreementFactory,
    OfficialFactory,
    OrganizationFactory,
    PostFactory,
    country,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

roles = importlib.import_module("releases.migrations.0004_editor_and_publisher_groups")


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ja-JP", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def editor(countries, django_user_model):
    """An editor as the migration defines the role (transactional tests flush the groups)."""
    editors, _ = Group.objects.get_or_create(name="Editors")
    for app_label, codename in roles._codenames(roles.EDITORS):
        editors.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    user = django_user_model.objects.create_user(
        "keiko", password="pw-keiko-9", is_staff=True, first_name="Keiko"
    )
    user.groups.add(editors)
    return user


@pytest.fixture
def directory(countries):
    """What the directory holds already: the agency, the president, the MOU."""
    OrganizationFactory(slug="jogmec", name_ja="エネルギー・金属鉱物資源機構", name_en="JOGMEC")
    tokayev = OfficialFactory(
        slug="tokayev", name_ja="カスムジョマルト・トカエフ", name_en="Kassym-Jomart Tokayev"
    )
    PostFactory(official=tokayev, title_ja="大統領", title_en="President")
    mou = AgreementFactory(
        slug="kz-mou",
        title_ja="金属鉱物資源分野における協力覚書",
        title_en="MOU on cooperation in metals and minerals",
    )
    return {"tokayev": tokayev, "mou": mou}


def type_into(page, selector, text, backwards=False):
    tab_to(page, selector, backwards)
    page.keyboard.type(text)


def test_an_editor_enters_a_whole_release_with_the_keyboard_alone(
    page, live_server, editor, directory, screenshot_dir
):
    base = live_server.url
    # The login form has the focus as it opens.
    page.goto(f"{base}/admin/login/")
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type("keiko")
    page.keyboard.press("Tab")
    page.keyboard.type("pw-keiko-9")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/admin/")

    tab_to(page, "#content-main a.addlink[href='/admin/releases/release/add/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/admin/releases/release/add/")
    # The title has the focus as the form opens; the form shows Japanese.
    expect(page.locator("#id_title_ja")).to_be_focused()
    page.keyboard.type("カザフスタン大統領との会談")
    type_into(page, "#id_lead_ja", "JOGMEC はトカエフ大統領と会談しました。")

    # A meeting: the new row takes the focus; country and official are chosen by typing.
    tab_to(page, "#meetings-group .add-row a")
    page.keyboard.press("Enter")
    expect(page.locator("#id_meetings-0-date")).to_be_focused()
    page.keyboard.type("2025-12-18")
    tab_to(page, "#id_meetings-0-country + .select2 .select2-selection")
    choose(page, "Kaz", "カザフスタン")
    expect(page.locator("#id_meetings-0-country")).to_have_value(str(country("KZ").pk))
    type_into(page, "#id_meetings-0-title_ja", "トカエフ大統領との会談")
    tab_to(page, "#id_meetings-0-officials + .select2 .select2-search__field")
    choose(page, "Toka", "カスムジョマルト・トカエフ")
    # The title he held on that day, as soon as both are known.
    expect(page.locator("#meetings-0 .field-participants_with_titles")).to_contain_text("大統領")

    # The agreement it announces, found by its title.
    tab_to(page, "#agreement_links-group .add-row a")
    page.keyboard.press("Enter")
    expect(
        page.locator("#id_agreement_links-0-agreement + .select2 .select2-selection")
    ).to_be_focused()
    choose(page, "協力覚書", "MOU（覚書）: 金属鉱物資源分野における協力覚書")

    # Whom to ask: a select moves with the arrow keys.
    tab_to(page, "#contacts-group .add-row a")
    page.keyboard.press("Enter")
    expect(page.locator("#id_contacts-0-role")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_contacts-0-role")).to_have_value("inquiries")
    type_into(page, "#id_contacts-0-department_ja", "金属企画部 国際業務課")
    type_into(page, "#id_contacts-0-persons_ja", "山田")
    type_into(page, "#id_contacts-0-phone", "03-6758-8027")
    type_into(page, "#id_contacts-0-email", "kokusai@example.org")

    # Then the English: back up to the form's language switch, and through the form again.
    tab_to(page, "form.translation-mode button[value=en]", backwards=True)
    page.keyboard.press("Space")
    expect(page.locator("form.translation-mode button[value=en]")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("#id_title_ja")).to_be_hidden()
    type_into(page, "#id_title_en", "Meeting with the President of Kazakhstan")
    type_into(page, "#id_lead_en", "JOGMEC met President Tokayev.")
    type_into(page, "#id_meetings-0-title_en", "Meeting with President Tokayev")
    type_into(page, "#id_contacts-0-department_en", "International Affairs")
    type_into(page, "#id_contacts-0-persons_en", "Yamada")
    page.screenshot(path=screenshot_dir / "keyboard-entry-before-save.png", full_page=True)

    tab_to(page, "input[name=_continue]")
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist .success")).to_be_visible()
    page.screenshot(path=screenshot_dir / "keyboard-entry-saved.png", full_page=True)

    release = Release.objects.get()
    assert (release.title_ja, release.title_en) == (
        "カザフスタン大統領との会談",
        "Meeting with the President of Kazakhstan",
    )
    assert (release.lead_ja, release.lead_en) == (
        "JOGMEC はトカエフ大統領と会談しました。",
        "JOGMEC met President Tokayev.",
    )
    meeting = release.meetings.get()
    assert (meeting.date, meeting.country.code) == (datetime.date(2025, 12, 18), "KZ")
    assert (meeting.title_ja, meeting.title_en) == (
        "トカエフ大統領との会談",
        "Meeting with President Tokayev",
    )
    assert [p.official for p in meeting.participations.all()] == [directory["tokayev"]]
    assert list(release.agreements.all()) == [directory["mou"]]
    contact = release.contacts.get()
    assert (contact.role, contact.department_ja, contact.department_en) == (
        "inquiries",
        "金属企画部 国際業務課",
        "International Affairs",
    )
    assert (contact.persons_en, contact.phone, contact.email) == (
        "Yamada",
        "03-6758-8027",
        "kokusai@example.org",
    )
    assert release.status == Release.Status.DRAFT

    # The saved release, as the form shows it again (the interface is in Japanese).
    expect(page.locator("#id_title_en")).to_have_value("Meeting with the President of Kazakhstan")
    expect(page.locator("#meetings-0 .field-participants_with_titles")).to_contain_text(
        "カスムジョマルト・トカエフ (大統領)"
    )
    expect(page.locator("#id_meetings-0-country + .select2")).to_contain_text("カザフスタン")
    expect(page.locator("#id_agreement_links-0-agreement + .select2")).to_contain_text(
        "金属鉱物資源分野における協力覚書"
    )
