"""Every admin page staff use passes axe-core's WCAG 2.2 A and AA rules: in Japanese and in
English, in a laptop's window and a phone's, with the release form in each of its language
modes, and with an autocomplete box open."""

import pytest
import reversion
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from people.models import Country, Official, Organization
from releases.models import Agreement, Meeting, ReleaseRedirect, TopicalEvent
from tests.browser.admin_forms import translation_mode, wait_until_drawn
from tests.browser.axe import AXE_JS, violations
from tests.factories import OrganizationFactory, SubscriptionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not AXE_JS.exists(),
        reason=f"needs axe-core at {AXE_JS}: npm install --prefix ~/.cache/axe axe-core@4.14.1",
    ),
]


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is handed to the page by the test; the site's CSP rightly refuses scripts it did not send.
    return {**browser_context_args, "locale": "ja-JP", "bypass_csp": True}


@pytest.fixture
def staff_site(demo_site):
    """The demo release with a history (two saves), English to translate, a deleted
    organisation to recover, and a row in each list that would otherwise be empty."""
    Group.objects.get_or_create(name="Editors")
    for comment in ["First save", "Second save"]:
        with reversion.create_revision():
            reversion.set_comment(comment)
            demo_site.save()
    with reversion.create_revision():
        gone = OrganizationFactory(slug="gone", name_ja="解散した機関", name_en="Dissolved body")
    with reversion.create_revision():
        gone.delete()
    SubscriptionFactory()
    # An old address, and a change to a shared record waiting for review.
    ReleaseRedirect.objects.create(old_slug="2025-12-an-old-address", release=demo_site)
    official = Official.objects.first()
    with reversion.create_revision():
        official.name_en = f"{official.name_en} (corrected)"
        official.save()
    # Work for the translator: the form's translation list and its marked English inputs.
    demo_site.lead_ja += "（改訂）"
    demo_site.save()
    photo = demo_site.photos.exclude(caption_ja="").first()
    photo.caption_en = ""
    photo.save()
    return demo_site


def release_forms(release):
    return [
        reverse("admin:releases_release_change", args=[release.pk]),
        reverse("admin:releases_release_add"),
    ]


def lists():
    """Every list, with filters, a search or a date drill-down where staff use them."""
    return [
        reverse("admin:index"),
        reverse("admin:releases_release_changelist"),
        reverse("admin:releases_release_changelist") + "?status__exact=published",
        reverse("admin:releases_release_changelist") + "?q=Kaz&published_at__year=2025",
        reverse("admin:releases_release_changelist") + "?translation=waiting",
        reverse("admin:releases_release_translation"),
        reverse("admin:releases_release_translation") + "?state=outdated",
        reverse("admin:releases_meeting_changelist") + "?date__year=2025&date__month=12",
        reverse("admin:releases_agreement_changelist") + "?q=MOU",
        reverse("admin:releases_topicalevent_changelist"),
        reverse("admin:people_country_changelist") + "?q=ka",
        reverse("admin:people_official_changelist"),
        reverse("admin:people_organization_changelist") + "?kind__exact=company",
        reverse("admin:alerts_subscription_changelist"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_group_changelist"),
        reverse("admin:axes_accessattempt_changelist"),
        reverse("admin:axes_accesslog_changelist"),
        reverse("admin:axes_accessfailurelog_changelist"),
        reverse("admin:django_tasks_database_dbtaskresult_changelist"),
        reverse("admin:releases_releaseredirect_changelist") + "?q=2025",
        reverse("admin:core_review_changelist"),
    ]


def other_pages(release):
    """Each other form (add and change), history, restore and recover, deletion, preview and
    passwords."""
    versions = reversion.models.Version.objects.get_for_object(release).order_by("pk")
    deleted = reversion.models.Version.objects.get_deleted(Organization).get()
    rows = {
        "releases_meeting": Meeting.objects.filter(release=release).first(),
        "releases_agreement": Agreement.objects.first(),
        "releases_topicalevent": TopicalEvent.objects.first(),
        "people_country": Country.objects.get(code="KZ"),
        "people_official": Official.objects.first(),
        "people_organization": Organization.objects.first(),
        "releases_releaseredirect": ReleaseRedirect.objects.first(),
        "auth_user": User.objects.get(username="chief"),
        "auth_group": Group.objects.get(name="Editors"),
    }
    pages = []
    for name, row in rows.items():
        pages.append(reverse(f"admin:{name}_add"))
        pages.append(reverse(f"admin:{name}_change", args=[row.pk]))
    preview = reverse("admin:releases_release_preview", args=[release.pk])
    return [
        *pages,
        reverse("admin:auth_user_password_change", args=[rows["auth_user"].pk]),
        reverse("admin:releases_release_history", args=[release.pk]),
        reverse("admin:releases_release_compare", args=[release.pk])
        + f"?version_id1={versions[0].pk}&version_id2={versions[1].pk}",
        reverse("admin:releases_release_revision", args=[release.pk, versions[0].pk]),
        reverse("admin:people_organization_recoverlist"),
        reverse("admin:people_organization_recover", args=[deleted.pk]),
        reverse("admin:releases_release_delete", args=[release.pk]),
        preview + "?lang=ja",
        preview + "?lang=en",
        reverse("admin:password_change"),
        reverse("admin:password_change_done"),
    ]


def check(page, found, label):
    wait_until_drawn(page)
    problems = violations(page)
    if problems:
        found[label] = problems


def check_pages(page, base, paths):
    """Each page as it opens; the release forms in each language mode. {label: violations}."""
    found = {}
    for path in paths:
        page.goto(base + path)
        if path.startswith("/admin/releases/release/") and path.endswith(("/add/", "/change/")):
            for mode in ["ja", "en", "both"]:
                translation_mode(page, mode)
                check(page, found, f"{path} ({mode})")
        else:
            check(page, found, path)
    return found


def check_open_autocompletes(page, base, release, language):
    """The release form with an autocomplete box open: many (countries) and one (a new
    meeting's country), each opened from the keyboard."""
    uzbekistan, kazakhstan = {
        "ja": ("ウズベキスタン", "カザフスタン"),
        "en": ("Uzbekistan", "Kazakhstan"),
    }[language]
    found = {}
    page.goto(base + reverse("admin:releases_release_change", args=[release.pk]))
    wait_until_drawn(page)
    page.focus("#id_countries + .select2 .select2-search__field")
    page.keyboard.type("Uz")
    expect(page.locator(".select2-results__option--highlighted")).to_contain_text(uzbekistan)
    check(page, found, "release countries, open")

    page.goto(base + reverse("admin:releases_release_add"))
    wait_until_drawn(page)
    page.focus("#meetings-group .add-row a")
    page.keyboard.press("Enter")
    page.focus("#id_meetings-0-country + .select2 .select2-selection")
    page.keyboard.press("Enter")
    expect(page.locator(".select2-container--open .select2-search__field")).to_be_focused()
    page.keyboard.type("Kaz")
    expect(page.locator(".select2-results__option--highlighted")).to_have_text(kazakhstan)
    check(page, found, "new meeting's country, open")
    return found


def check_signed_out(browser, base, width, language):
    """The login page, a failed login, and the page that pauses logins after too many."""
    username = f"nobody-{language}-{width}"
    context = browser.new_context(
        locale="ja-JP", viewport={"width": width, "height": 900}, bypass_csp=True
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    found = {}
    page.goto(f"{base}/admin/login/")
    check(page, found, "login")
    for attempt in range(6):
        page.fill("#id_username", username)
        page.fill("#id_password", f"wrong-{attempt}")
        page.click("input[type=submit]")
        expect(page.locator(".errornote")).to_be_visible()
        if attempt == 0:
            check(page, found, "login, failed")
        if not page.locator("#id_username").count():
            break
    expect(page.locator("#id_username")).to_have_count(0)
    check(page, found, "login paused")
    context.close()
    return found


def check_all(page, browser, base, release, pairings, paths):
    """axe's findings on the pages, the open autocompletes and the signed-out pages, in each
    (interface language, window width): {"ja 1280 /admin/...": [violations]}."""
    found = {}
    for language, width in pairings:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(base + reverse("admin:index"))
        page.click(f".interface-language button[value={language}]")
        expect(page.locator("html")).to_have_attribute("lang", language)
        here = check_pages(page, base, paths)
        here |= check_open_autocompletes(page, base, release, language)
        here |= check_signed_out(browser, base, width, language)
        found |= {f"{language} {width} {label}": problems for label, problems in here.items()}
    return found


# Each (language, width) is a test of its own: pytest-xdist spreads them over the machine's cores.
@pytest.mark.parametrize("language,width", [("ja", 1280), ("en", 390)])
def test_every_staff_page_passes_axe_in_japanese_at_1280_and_in_english_at_390(
    admin_page, live_server, browser, staff_site, language, width
):
    paths = release_forms(staff_site) + lists() + other_pages(staff_site)
    pairings = [(language, width)]
    assert check_all(admin_page, browser, live_server.url, staff_site, pairings, paths) == {}


@pytest.mark.parametrize("language,width", [("en", 1280), ("ja", 390)])
def test_the_lists_and_the_release_form_pass_axe_in_english_at_1280_and_in_japanese_at_390(
    admin_page, live_server, browser, staff_site, language, width
):
    # The pages whose layout moves most with the length of the words and the window: the
    # release forms, and the lists with a search, filters or a date drill-down.
    paths = release_forms(staff_site) + [path for path in lists() if "?" in path]
    pairings = [(language, width)]
    assert check_all(admin_page, browser, live_server.url, staff_site, pairings, paths) == {}


def check_second_factor(browser, base, width, language, username):
    """A publisher's first login where a second factor is required: the set-up page (and with a
    wrong code), the recovery codes; then the code page of a later login (and with a wrong code)."""
    User.objects.create_user(username, password="pw-for-tests", is_staff=True).user_permissions.add(
        Permission.objects.get(codename="publish_release")
    )
    context = browser.new_context(
        locale="ja-JP", viewport={"width": width, "height": 900}, bypass_csp=True
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    found = {}

    def log_in():
        page.goto(f"{base}/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "pw-for-tests")
        page.click("input[type=submit]")
        expect(page.locator("#id_code")).to_be_visible()

    def wrong_code():
        page.fill("#id_code", "000000")
        page.click("input[type=submit]")
        expect(page.locator(".errorlist")).to_be_visible()

    log_in()
    check(page, found, "second factor set-up")
    wrong_code()
    check(page, found, "second factor set-up, wrong code")
    device = TOTPDevice.objects.get(user__username=username)
    page.fill("#id_code", f"{totp(device.bin_key):06d}")
    page.click("input[type=submit]")
    expect(page.locator(".second-factor-codes li")).to_have_count(10)
    check(page, found, "recovery codes")
    page.click(".second-factor-logout button")
    log_in()
    check(page, found, "second factor code")
    wrong_code()
    check(page, found, "second factor code, wrong code")
    context.close()
    return found


def test_the_second_factor_pages_pass_axe_in_both_languages_at_1280_and_390(
    live_server, browser, settings, countries
):
    settings.REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the right code straight after a wrong one
    found = {}
    for language in ["ja", "en"]:
        for width in [1280, 390]:
            here = check_second_factor(
                browser, live_server.url, width, language, f"pub-{language}-{width}"
            )
            found |= {f"{language} {width} {label}": problems for label, problems in here.items()}
    assert found == {}
