"""Who may publish, and how: roles, workflow functions, the admin's buttons, actions and preview."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.history import comment_text
from releases import workflow
from releases.models import Release
from tests.admin_forms import errors, form_data
from tests.factories import ReleaseFactory, SectionFactory, staff_member

pytestmark = pytest.mark.django_db

FUTURE = datetime.timedelta(hours=3)


@pytest.fixture
def draft():
    release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None, title_ja="下書き")
    SectionFactory(release=release, body_ja="<p>本文</p>")
    return release


def change_url(release):
    return reverse("admin:releases_release_change", args=[release.pk])


# Roles


def test_migrate_creates_editor_and_publisher_groups():
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    publishers = set(
        Group.objects.get(name="Publishers").permissions.values_list("codename", flat=True)
    )
    assert {"add_release", "change_release", "change_section", "add_photo"} <= editors
    assert "publish_release" not in editors
    assert "delete_release" not in editors
    assert {"publish_release", "delete_release"} <= publishers
    assert editors <= publishers


def test_only_publishers_may_publish(editor, publisher):
    assert not workflow.can_publish(editor)
    assert workflow.can_publish(publisher)


# Workflow functions


def test_publish_records_who_and_when(draft, publisher):
    workflow.publish(draft, publisher)
    draft.refresh_from_db()
    assert draft.status == Release.Status.PUBLISHED
    assert draft.published_by == publisher
    assert abs(draft.published_at - timezone.now()) < datetime.timedelta(seconds=5)
    assert Release.objects.published().filter(pk=draft.pk).exists()


def test_schedule_makes_it_public_at_its_time_without_any_job(draft, publisher, time_machine):
    at = timezone.now() + FUTURE
    workflow.schedule(draft, publisher, at)
    assert not Release.objects.published().filter(pk=draft.pk).exists()
    assert workflow.state(Release.objects.get(pk=draft.pk)) == "scheduled"
    time_machine.move_to(at + datetime.timedelta(seconds=1))
    assert Release.objects.published().filter(pk=draft.pk).exists()


def test_schedule_in_the_past_is_refused(draft, publisher):
    with pytest.raises(ValidationError):
        workflow.schedule(draft, publisher, timezone.now() - datetime.timedelta(minutes=1))
    draft.refresh_from_db()
    assert draft.status == Release.Status.DRAFT


@pytest.mark.parametrize("action", ["publish", "schedule", "unpublish", "withdraw"])
def test_editors_cannot_run_any_workflow_function(draft, editor, action):
    arguments = {
        "publish": (),
        "schedule": (timezone.now() + FUTURE,),
        "unpublish": (),
        "withdraw": ("理由",),
    }[action]
    with pytest.raises(PermissionDenied):
        getattr(workflow, action)(draft, editor, *arguments)
    draft.refresh_from_db()
    assert draft.status == Release.Status.DRAFT
    assert draft.published_by is None


def test_withdraw_needs_a_reason_and_keeps_the_publication_time(publisher):
    release = ReleaseFactory()
    published_at = release.published_at
    with pytest.raises(ValidationError):
        workflow.withdraw(release, publisher, "  ")
    workflow.withdraw(release, publisher, "誤りがあったため", "It contained an error")
    release.refresh_from_db()
    assert release.status == Release.Status.WITHDRAWN
    assert release.withdrawn_at is not None
    assert release.published_at == published_at
    assert (release.withdrawal_reason_ja, release.withdrawal_reason_en) == (
        "誤りがあったため",
        "It contained an error",
    )
    assert not Release.objects.published().filter(pk=release.pk).exists()


def test_a_scheduled_release_cannot_be_withdrawn_only_unpublished(draft, publisher):
    workflow.schedule(draft, publisher, timezone.now() + FUTURE)
    with pytest.raises(ValidationError):
        workflow.withdraw(draft, publisher, "理由")
    workflow.unpublish(draft, publisher)
    draft.refresh_from_db()
    assert (draft.status, draft.published_at, draft.published_by) == ("draft", None, None)


def test_every_workflow_change_bumps_the_version(draft, publisher):
    before = Release.objects.get(pk=draft.pk).version
    workflow.publish(draft, publisher)
    assert Release.objects.get(pk=draft.pk).version == before + 1


# The admin form: editors


def test_editor_sees_no_publishing_buttons_nor_schedule_field(editor_client, draft):
    html = editor_client.get(change_url(draft)).content.decode()
    assert 'name="_publish"' not in html
    assert 'name="_schedule"' not in html
    assert 'name="schedule_at_0"' not in html
    assert 'name="status"' not in html
    assert "公開は公開担当者（Publishers）が行います。" in html


def test_editor_can_change_a_draft(editor_client, draft):
    data = form_data(editor_client.get(change_url(draft)), "release_form")
    data["title_ja"] = "編集者が直した題名"
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 302, errors(response)
    draft.refresh_from_db()
    assert draft.title_ja == "編集者が直した題名"
    assert draft.status == Release.Status.DRAFT


@pytest.mark.parametrize(
    "crafted",
    [
        {"status": "published"},
        {"status": "published", "published_at_0": "2025-01-01", "published_at_1": "09:00"},
        {"published_at": "2025-01-01 09:00"},
        {"withdrawal_reason_ja": "勝手な理由"},
    ],
)
def test_editor_crafted_post_changing_publication_is_refused_and_nothing_saved(
    editor_client, draft, crafted
):
    data = form_data(editor_client.get(change_url(draft)), "release_form")
    data["title_ja"] = "こっそり変えた題名"
    data.update(crafted)
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 200
    assert any("このフォームからは変更できません" in e for e in errors(response)), errors(response)
    draft.refresh_from_db()
    assert draft.status == Release.Status.DRAFT
    assert draft.published_at is None
    assert draft.title_ja == "下書き"


@pytest.mark.parametrize("button", ["_publish", "_schedule", "_unpublish", "_withdraw"])
def test_editor_pressing_a_crafted_publishing_button_is_refused_and_nothing_saved(
    editor_client, draft, button
):
    data = form_data(editor_client.get(change_url(draft)), "release_form")
    data["title_ja"] = "こっそり変えた題名"
    data[button] = "1"
    data["schedule_at_0"], data["schedule_at_1"] = "2099-01-01", "09:00"
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 200
    assert any("公開担当者（Publishers）だけが" in e for e in errors(response)), errors(response)
    draft.refresh_from_db()
    assert (draft.status, draft.title_ja) == ("draft", "下書き")


def test_editor_cannot_change_publication_of_a_published_release(editor_client):
    release = ReleaseFactory(title_ja="公開済み")
    published_at = release.published_at
    data = form_data(editor_client.get(change_url(release)), "release_form")
    data["title_ja"] = "訂正した題名"
    response = editor_client.post(change_url(release), data)
    assert response.status_code == 302, errors(response)
    data = form_data(editor_client.get(change_url(release)), "release_form")
    data["status"] = "draft"
    response = editor_client.post(change_url(release), data)
    assert response.status_code == 200
    release.refresh_from_db()
    # The correction waits for a publisher (releases.drafts); the publication is untouched.
    assert (release.status, release.published_at, release.title_ja) == (
        "published",
        published_at,
        "公開済み",
    )
    assert release.pending_change.content[0]["fields"]["title_ja"] == "訂正した題名"


def test_editor_has_no_publish_actions_and_a_crafted_action_is_refused(editor_client, draft):
    url = reverse("admin:releases_release_changelist")
    html = editor_client.get(url).content.decode()
    assert "publish_selected" not in html
    response = editor_client.post(
        url, {"action": "publish_selected", "_selected_action": [draft.pk], "index": 0}
    )
    assert response.status_code in (200, 302)
    draft.refresh_from_db()
    assert draft.status == Release.Status.DRAFT


def test_editor_cannot_delete_a_release(editor_client):
    release = ReleaseFactory()
    response = editor_client.post(
        reverse("admin:releases_release_delete", args=[release.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Release.objects.filter(pk=release.pk).exists()


# The admin form: publishers


def test_publisher_schedules_from_the_form(publisher_client, publisher, draft):
    at = (timezone.localtime() + FUTURE).replace(second=0, microsecond=0)
    data = form_data(publisher_client.get(change_url(draft)), "release_form")
    data.update(
        {"_schedule": "1", "schedule_at_0": f"{at:%Y-%m-%d}", "schedule_at_1": f"{at:%H:%M}"}
    )
    response = publisher_client.post(change_url(draft), data)
    assert response.status_code == 302, errors(response)
    draft.refresh_from_db()
    assert (draft.status, draft.published_at, draft.published_by) == ("published", at, publisher)
    assert workflow.state(draft) == "scheduled"
    from reversion.models import Version

    comment = comment_text(Version.objects.get_for_object(draft).first().revision)
    assert comment.startswith("予約公開を設定しました")


def test_publisher_schedule_without_a_time_is_a_form_error(publisher_client, draft):
    data = form_data(publisher_client.get(change_url(draft)), "release_form")
    data["_schedule"] = "1"
    response = publisher_client.post(change_url(draft), data)
    assert response.status_code == 200
    assert errors(response)
    draft.refresh_from_db()
    assert draft.status == Release.Status.DRAFT


def test_publisher_publishes_now_and_edits_in_one_save(publisher_client, publisher, draft):
    data = form_data(publisher_client.get(change_url(draft)), "release_form")
    data.update({"_publish": "1", "title_ja": "公開する題名"})
    response = publisher_client.post(change_url(draft), data)
    assert response.status_code == 302, errors(response)
    draft.refresh_from_db()
    assert (draft.title_ja, draft.status, draft.published_by) == (
        "公開する題名",
        "published",
        publisher,
    )
    assert Release.objects.published().filter(pk=draft.pk).exists()


def test_publisher_withdraws_with_a_reason_in_both_languages(publisher_client):
    release = ReleaseFactory()
    data = form_data(publisher_client.get(change_url(release)), "release_form")
    data.update({"_withdraw": "1", "withdrawal_reason_ja": "", "withdrawal_reason_en": ""})
    response = publisher_client.post(change_url(release), data)
    assert response.status_code == 200
    assert errors(response)
    data.update({"withdrawal_reason_ja": "内容に誤り", "withdrawal_reason_en": "An error"})
    response = publisher_client.post(change_url(release), data)
    assert response.status_code == 302, errors(response)
    release.refresh_from_db()
    assert release.status == Release.Status.WITHDRAWN
    assert release.withdrawal_reason_en == "An error"


def test_publisher_actions_publish_and_unpublish_from_the_list(publisher_client, draft):
    url = reverse("admin:releases_release_changelist")
    publisher_client.post(url, {"action": "publish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert Release.objects.published().filter(pk=draft.pk).exists()
    publisher_client.post(url, {"action": "unpublish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Release.Status.DRAFT


# Preview


def preview_url(release, lang="ja"):
    return reverse("admin:releases_release_preview", args=[release.pk]) + f"?lang={lang}"


@pytest.mark.parametrize("lang,title", [("ja", "下書きの題名"), ("en", "Draft title")])
def test_staff_preview_a_draft_on_the_public_template_uncached_and_unindexed(
    editor_client, lang, title
):
    release = ReleaseFactory(
        status=Release.Status.DRAFT,
        published_at=None,
        title_ja="下書きの題名",
        title_en="Draft title",
    )
    response = editor_client.get(preview_url(release, lang))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
    assert title in soup.get_text()
    assert "releases/release_detail.html" in [t.name for t in response.templates]


def test_the_change_form_links_to_both_previews(editor_client, draft):
    html = editor_client.get(change_url(draft)).content.decode()
    assert preview_url(draft, "ja") in html.replace("&amp;", "&")
    assert preview_url(draft, "en") in html.replace("&amp;", "&")


def test_the_preview_language_switch_stays_in_the_preview(editor_client, draft):
    page = BeautifulSoup(editor_client.get(preview_url(draft, "ja")).content, "html.parser")
    switch = page.select_one(".lang-switch a[hreflang=en]")
    assert switch["href"] == preview_url(draft, "en")

    response = editor_client.get(switch["href"])
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.html["lang"] == "en"
    assert page.select_one(".lang-switch a[hreflang=ja]")["href"] == preview_url(draft, "ja")
    assert "Preview" in page.select_one("[role=status]").get_text()


@pytest.mark.parametrize("who", ["anonymous", "visitor", "staff_without_change", "inactive"])
def test_anyone_else_gets_404_from_preview(client, django_user_model, draft, who):
    if who == "visitor":
        client.force_login(django_user_model.objects.create_user("visitor", password="x"))
    elif who == "staff_without_change":
        user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
        client.force_login(user)
    elif who == "inactive":
        user = staff_member("Publishers", "gone")
        client.force_login(user)
        user.is_active = False
        user.save()
    response = client.get(preview_url(draft))
    assert response.status_code == 404
    assert "下書き" not in response.content.decode()


@pytest.mark.parametrize("object_id", ["999999", "abc", "1/../2", "-1"])
def test_preview_of_a_guessed_address_is_404(editor_client, object_id):
    response = editor_client.get(f"/admin/releases/release/{object_id}/preview/")
    assert response.status_code == 404


def test_preview_of_an_address_with_a_nul_is_a_400(editor_client):
    assert editor_client.get("/admin/releases/release/%00/preview/").status_code == 400
