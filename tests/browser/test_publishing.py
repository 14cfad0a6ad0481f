"""In Chromium: an editor drafts a release and cannot publish it; a publisher schedules it; it
appears at its time; an edit is made, published, and then restored from history (each a
change that waits for a publisher)."""

import datetime
import importlib

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from playwright.sync_api import expect

from releases.models import Release
from tests.browser.admin_forms import fill_in, rich_text, translation_mode
from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

roles = importlib.import_module("releases.migrations.0004_editor_and_publisher_groups")


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ja-JP", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def staff(countries, django_user_model):
    """The two roles as the migration defines them (transactional tests flush the groups)."""

    def group(name, *specs):
        created, _ = Group.objects.get_or_create(name=name)
        for spec in specs:
            for app_label, codename in roles._codenames(spec):
                created.permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )
        return created

    users = {}
    for username, groups in [
        ("editor", [group("Editors", roles.EDITORS)]),
        ("publisher", [group("Publishers", roles.EDITORS, roles.PUBLISHERS_ALSO)]),
    ]:
        user = django_user_model.objects.create_user(
            username, password=f"pw-{username}-9", is_staff=True, first_name=username.title()
        )
        user.groups.add(*groups)
        users[username] = user
    users["jogmec"] = OrganizationFactory(
        slug="jogmec",
        name_ja="エネルギー・金属鉱物資源機構",
        name_en="JOGMEC",
        short_name_en="JOGMEC",
    )
    return users


def log_in(page, base, username):
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}-9")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def publish_changes(page, base, release, note):
    page.goto(f"{base}/admin/releases/release/{release.pk}/changes/")
    page.fill("#id_note_ja", note)
    page.click("input[name=_publish]")
    expect(page.locator(".messagelist .success")).to_contain_text("変更を公開しました")


def test_editor_drafts_publisher_schedules_it_appears_on_time_and_an_edit_is_restored(
    page, browser, live_server, staff, screenshot_dir, time_machine
):
    time_machine.move_to(timezone.now(), tick=True)
    base = live_server.url
    # The address is made on the first save, from the month and the English title.
    public_url = f"{base}/ja/releases/{timezone.localdate():%Y-%m}-dialogue-with-kazakhstan/"

    # The editor drafts the release, with formatted body text, in both languages.
    log_in(page, base, "editor")
    page.goto(f"{base}/admin/releases/release/add/")
    # The agency is the issuer already.
    expect(page.locator("#id_issuer")).to_have_value(str(staff["jogmec"].pk))
    fill_in(page, "id_title", "en", "Dialogue with Kazakhstan")
    fill_in(page, "id_title", "ja", "カザフスタンとの対話")
    page.click("#sections-group .add-row a")
    fill_in(page, "id_sections-0-heading", "ja", "概要")
    translation_mode(page, "ja")
    rich_text(page, "id_sections-0-body_ja").click()
    page.keyboard.type("協力について話し合いました。")
    page.screenshot(path=screenshot_dir / "publishing-1-editor-drafts.png", full_page=True)
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    release = Release.objects.get(title_en="Dialogue with Kazakhstan")
    assert public_url.endswith(f"/{release.slug}/")
    assert release.status == Release.Status.DRAFT
    assert "協力について話し合いました。" in release.sections.get().body_ja

    # The editor sees no way to publish; the public address does not exist yet.
    expect(page.locator("input[name=_publish]")).to_have_count(0)
    expect(page.locator("input[name=_schedule]")).to_have_count(0)
    expect(page.locator(".publishing-row")).to_contain_text(
        "公開は公開担当者（Publishers）が行います"
    )
    page.screenshot(path=screenshot_dir / "publishing-2-editor-cannot-publish.png", full_page=False)
    assert page.request.get(public_url).status == 404

    # The editor previews it on the public template.
    with page.expect_popup() as popup:
        page.click("text=プレビュー（日本語）")
    preview = popup.value
    preview.wait_for_load_state()
    expect(preview.locator("body")).to_contain_text("カザフスタンとの対話")
    preview.screenshot(path=screenshot_dir / "publishing-3-preview.png")
    preview.close()

    # A publisher schedules it for an hour from now.
    at = (timezone.localtime() + datetime.timedelta(hours=1)).replace(second=0, microsecond=0)
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    publisher = context.new_page()
    log_in(publisher, base, "publisher")
    publisher.goto(f"{base}/admin/releases/release/{release.pk}/change/")
    publisher.fill("#id_schedule_at_0", f"{at:%Y-%m-%d}")
    publisher.fill("#id_schedule_at_1", f"{at:%H:%M}")
    publisher.locator(".publishing-row").scroll_into_view_if_needed()
    publisher.screenshot(path=screenshot_dir / "publishing-4-publisher-buttons.png")
    publisher.click("input[name=_schedule]")
    expect(publisher.locator(".messagelist .success")).to_contain_text("予約公開を設定しました")
    release.refresh_from_db()
    assert (release.published_at, release.published_by.username) == (at, "publisher")
    assert page.request.get(public_url).status == 404

    # At its time it is public, with no job to run.
    time_machine.move_to(at + datetime.timedelta(seconds=5), tick=True)
    page.goto(public_url)
    expect(page.locator("h1")).to_contain_text("カザフスタンとの対話")
    page.screenshot(path=screenshot_dir / "publishing-5-public-on-time.png")

    # An edit is made (it waits for a publisher, who publishes it), then undone from history.
    publisher.goto(f"{base}/admin/releases/release/{release.pk}/change/")
    fill_in(publisher, "id_title", "ja", "誤って変えた題名")
    publisher.click("input[name=_continue]")
    expect(publisher.locator(".messagelist .success")).to_be_visible()
    publish_changes(publisher, base, release, "題名を変更")
    assert Release.objects.get(pk=release.pk).title_ja == "誤って変えた題名"

    publisher.goto(f"{base}/admin/releases/release/{release.pk}/history/")
    publisher.screenshot(path=screenshot_dir / "publishing-6-history.png")
    publisher.click("input[type=submit]")  # compare the two latest versions
    expect(publisher.locator(".diff-table").first).to_contain_text("誤って変えた題名")
    publisher.screenshot(path=screenshot_dir / "publishing-7-compare.png", full_page=True)
    publisher.click("text=比較元の版に戻す")
    publisher.screenshot(path=screenshot_dir / "publishing-8-restore.png")
    publisher.click("input[name=_save]")
    expect(publisher.locator(".messagelist .success")).to_be_visible()
    # A restore of a live release waits for a publisher too.
    assert Release.objects.get(pk=release.pk).title_ja == "誤って変えた題名"
    publish_changes(publisher, base, release, "題名を元に戻しました")

    restored = Release.objects.get(pk=release.pk)
    assert restored.title_ja == "カザフスタンとの対話"
    assert Release.objects.published().filter(pk=release.pk).exists()
    page.goto(public_url)
    expect(page.locator("h1")).to_contain_text("カザフスタンとの対話")
    context.close()
