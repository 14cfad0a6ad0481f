"""Edits to a live release wait for a publisher, and every published change says what changed."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from reversion.models import Version

from core.history import comment_text
from releases import drafts
from releases.models import Meeting, MeetingParticipant, PendingChange, Release, ReleaseUpdate
from tests.admin_forms import errors, form_data
from tests.factories import (
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def change_url(release):
    return reverse("admin:releases_release_change", args=[release.pk])


def changes_url(release):
    return reverse("admin:releases_release_changes", args=[release.pk])


def public_page(client, release, lang="ja"):
    with translation.override(lang):
        address = reverse("releases:detail", args=[release.slug])
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


def save_form(client, release, **changes):
    page = client.get(change_url(release))
    assert page.status_code == 200
    response = client.post(change_url(release), {**form_data(page, "release_form"), **changes})
    assert response.status_code == 302, errors(response)
    return response


@pytest.fixture
def live(db):
    release = ReleaseFactory(slug="live", title_ja="公開中の題名", title_en="Live title")
    SectionFactory(release=release, body_ja="<p>公開中の本文</p>")
    meeting = MeetingFactory(release=release, summary_ja="公開中の要旨", summary_en="Live summary")
    MeetingParticipantFactory(meeting=meeting)
    return release


def test_an_editors_correction_of_a_live_release_waits_and_the_form_shows_it(live, editor, client):
    editors = client_for(editor)
    meeting = live.meetings.get()
    save_form(
        editors, live, title_en="Corrected title", **{"meetings-0-summary_en": "Corrected summary"}
    )

    live.refresh_from_db()
    meeting.refresh_from_db()
    assert (live.title_en, meeting.summary_en) == ("Live title", "Live summary")
    assert "Corrected" not in public_page(client, live, "en")
    change = PendingChange.objects.get(release=live)
    assert change.saved_by == editor

    form = editors.get(change_url(live))
    assert form.status_code == 200
    html = form.content.decode()
    assert "Corrected title" in html and "Corrected summary" in html
    assert "Changes waiting for a publisher" in html or "公開待ちの変更" in html
    # Showing the form changed nothing either.
    live.refresh_from_db()
    assert live.title_en == "Live title"


def test_a_second_save_builds_on_the_first_and_the_message_says_it_waits(live, editor):
    editors = client_for(editor)
    save_form(editors, live, title_en="First correction")
    response = editors.post(
        change_url(live),
        {**form_data(editors.get(change_url(live)), "release_form"), "subtitle_en": "Sub"},
        follow=True,
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("公開担当者が公開するまで" in m for m in messages), messages
    content = {row["model"]: row for row in PendingChange.objects.get().content}
    assert content["releases.release"]["fields"]["title_en"] == "First correction"
    assert content["releases.release"]["fields"]["subtitle_en"] == "Sub"


def test_a_form_opened_before_a_colleagues_pending_save_is_refused(live, editor, publisher):
    first, second = client_for(editor), client_for(publisher)
    stale = form_data(first.get(change_url(live)), "release_form")
    save_form(second, live, title_en="Colleague's")
    response = first.post(change_url(live), {**stale, "title_en": "Mine"})
    assert response.status_code == 200
    assert PendingChange.objects.get().content[0]["fields"]["title_en"] == "Colleague's"


def test_the_publisher_sees_the_comparison_and_publishes_a_major_change(
    live, editor, publisher, client
):
    save_form(client_for(editor), live, title_en="Corrected title")
    publishers = client_for(publisher)
    page = publishers.get(changes_url(live))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Live title" in html and "Corrected title" in html

    response = publishers.post(
        changes_url(live),
        {
            "note_ja": "英語の題名を訂正しました",
            "note_en": "Corrected the English title",
            "major": "on",
            "_publish": "1",
        },
    )
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.title_en == "Corrected title"
    assert live.last_major_update is not None
    assert not PendingChange.objects.exists()
    update = ReleaseUpdate.objects.get()
    assert (update.written_by, update.published_by, update.major) == (editor, publisher, True)
    english, japanese = public_page(client, live, "en"), public_page(client, live, "ja")
    assert "Corrected title" in english and "Corrected the English title" in english
    assert "英語の題名を訂正しました" in japanese
    version = Version.objects.get_for_object(live).first()
    with translation.override("en"):
        assert comment_text(version.revision) == "Corrected the English title"
    assert version.revision.user == publisher


def test_a_minor_change_shows_only_in_the_history(live, editor, publisher, client):
    save_form(client_for(editor), live, title_en="Typo fixed")
    client_for(publisher).post(
        changes_url(live), {"note_ja": "誤字を修正", "note_en": "", "_publish": "1"}
    )
    live.refresh_from_db()
    assert live.title_en == "Typo fixed"
    assert live.last_major_update is None
    assert live.last_modified == live.published_at
    assert "誤字を修正" not in public_page(client, live, "ja")


def test_an_editor_cannot_publish_changes(live, editor):
    editors = client_for(editor)
    save_form(editors, live, title_en="Sneaky")
    response = editors.post(changes_url(live), {"note_ja": "変更", "major": "on", "_publish": "1"})
    assert response.status_code == 403
    live.refresh_from_db()
    assert live.title_en == "Live title"
    with pytest.raises(Exception):  # noqa: B017 (PermissionDenied, whatever the path)
        drafts.publish(live, editor, note_ja="変更")
    assert Release.objects.get(pk=live.pk).title_en == "Live title"


def test_publishing_needs_a_japanese_note(live, editor, publisher):
    save_form(client_for(editor), live, title_en="Corrected")
    response = client_for(publisher).post(changes_url(live), {"note_ja": " ", "_publish": "1"})
    assert response.status_code == 200
    assert Release.objects.get(pk=live.pk).title_en == "Live title"


def test_changes_can_be_discarded(live, editor):
    editors = client_for(editor)
    save_form(editors, live, title_en="Never mind")
    assert editors.post(changes_url(live), {"_discard": "1"}).status_code == 302
    assert not PendingChange.objects.exists()
    assert "Never mind" not in editors.get(change_url(live)).content.decode()


def test_changes_waiting_are_listed_and_filtered(live, editor):
    other = ReleaseFactory(slug="other", title_en="Other release")
    editors = client_for(editor)
    save_form(editors, live, title_en="Corrected")
    listing = reverse("admin:releases_release_changelist")
    page = editors.get(listing + "?changes_waiting=yes")
    assert page.status_code == 200
    html = page.content.decode()
    assert "公開中の題名" in html and other.title_ja not in html
    assert other.title_ja in editors.get(listing + "?changes_waiting=no").content.decode()


def test_the_preview_shows_the_changes_in_both_languages_without_publishing(live, editor):
    editors = client_for(editor)
    save_form(editors, live, title_ja="訂正した題名", title_en="Corrected title")
    preview = reverse("admin:releases_release_preview", args=[live.pk])
    assert "Corrected title" in editors.get(preview + "?lang=en&changes=1").content.decode()
    assert "訂正した題名" in editors.get(preview + "?lang=ja&changes=1").content.decode()
    assert "Corrected title" not in editors.get(preview + "?lang=en").content.decode()
    assert Release.objects.get(pk=live.pk).title_en == "Live title"


def test_a_scheduled_publication_of_changes_happens_at_its_moment(
    live, editor, publisher, time_machine
):
    save_form(client_for(editor), live, title_en="Later")
    at = timezone.localtime() + datetime.timedelta(hours=2)
    response = client_for(publisher).post(
        changes_url(live),
        {
            "note_ja": "予定の訂正",
            "major": "on",
            "publish_at_0": at.strftime("%Y-%m-%d"),
            "publish_at_1": at.strftime("%H:%M"),
            "_schedule": "1",
        },
    )
    assert response.status_code == 302
    assert drafts.publish_due() == 0
    assert Release.objects.get(pk=live.pk).title_en == "Live title"
    time_machine.move_to(at + datetime.timedelta(minutes=1))
    assert drafts.publish_due() == 1
    assert Release.objects.get(pk=live.pk).title_en == "Later"
    assert ReleaseUpdate.objects.get().published_by == publisher


def test_added_rows_get_new_keys_when_published_never_another_releases_row(live, editor, publisher):
    """On SQLite a key given in a rolled-back transaction is given again: a meeting added as a
    pending change may find its key taken by another release's meeting when published."""
    official = OfficialFactory()
    editors = client_for(editor)
    page = editors.get(change_url(live))
    data = form_data(page, "release_form")
    total = int(data["meetings-TOTAL_FORMS"])
    for key, value in list(data.items()):
        if key.startswith("meetings-0-") and not key.endswith(("-id", "-lock_version")):
            data[key.replace("meetings-0-", f"meetings-{total}-")] = value
    data[f"meetings-{total}-title_ja"] = "追加した会談"
    data["meetings-TOTAL_FORMS"] = str(total + 1)
    response = editors.post(change_url(live), data)
    assert response.status_code == 302, errors(response)
    content = PendingChange.objects.get().content
    added = [
        row
        for row in content
        if row["model"] == "releases.meeting" and row["fields"]["title_ja"] == "追加した会談"
    ][0]
    # Another release takes that key meanwhile, with a participant of its own.
    other = ReleaseFactory(slug="other")
    if Meeting.objects.filter(pk=added["pk"]).exists():
        Meeting.objects.filter(pk=added["pk"]).delete()
    taken = MeetingFactory(pk=added["pk"], release=other, title_ja="他のリリースの会談")
    MeetingParticipantFactory(meeting=taken, official=official)
    change = PendingChange.objects.get()
    change.content = [
        *content,
        {
            "model": "releases.meetingparticipant",
            "pk": 999999,
            "fields": {"meeting": added["pk"], "official": official.pk, "order": 0},
        },
    ]
    change.save()

    drafts.publish(live, publisher, note_ja="会談を追加")

    taken.refresh_from_db()
    assert (taken.release, taken.title_ja) == (other, "他のリリースの会談")
    new = live.meetings.get(title_ja="追加した会談")
    assert new.pk != added["pk"]
    assert MeetingParticipant.objects.get(official=official, meeting__release=live).meeting == new
    assert taken.participations.count() == 1


def test_a_history_restore_of_a_live_release_waits_for_a_publisher(live, editor, publisher):
    editors = client_for(editor)
    first = Version.objects.get_for_object(live)
    assert not first.exists()
    # A version to go back to: one published change.
    save_form(editors, live, title_en="Second title")
    drafts_publish = client_for(publisher).post(
        changes_url(live), {"note_ja": "題名を変更", "_publish": "1"}
    )
    assert drafts_publish.status_code == 302
    save_form(editors, live, title_en="Third title")
    client_for(publisher).post(changes_url(live), {"note_ja": "再び変更", "_publish": "1"})
    older = Version.objects.get_for_object(live).order_by("pk").first()
    url = reverse("admin:releases_release_revision", args=[live.pk, older.pk])
    page = editors.get(url)
    assert page.status_code == 200
    response = editors.post(url, form_data(page, "release_form"))
    assert response.status_code == 302, errors(response)
    assert Release.objects.get(pk=live.pk).title_en == "Third title"
    assert PendingChange.objects.get().content[0]["fields"]["title_en"] == "Second title"


def test_drafts_are_edited_in_place_as_before(editor):
    draft = ReleaseFactory(status=Release.Status.DRAFT, published_at=None, title_en="Draft")
    save_form(client_for(editor), draft, title_en="Edited draft")
    assert Release.objects.get(pk=draft.pk).title_en == "Edited draft"
    assert not PendingChange.objects.exists()


def test_unpublishing_makes_waiting_changes_the_drafts_content(live, editor, publisher):
    save_form(client_for(editor), live, title_en="Pending title")
    from releases import workflow

    workflow.unpublish(live, publisher)
    live.refresh_from_db()
    assert (live.status, live.title_en) == (Release.Status.DRAFT, "Pending title")
    assert not PendingChange.objects.exists()


def test_the_changes_page_answers_bad_addresses_with_404_and_strangers_with_a_login(
    live, editor, client
):
    editors = client_for(editor)
    bad = reverse("admin:releases_release_changes", args=["x1"])
    assert editors.get(bad).status_code == 404
    assert (
        editors.get(reverse("admin:releases_release_changes", args=["999999"])).status_code == 404
    )
    assert client.get(changes_url(live)).status_code == 302  # to the login page
    # Nothing waiting: back to the form, saying so.
    assert editors.get(changes_url(live)).status_code == 302


def test_a_waiting_change_is_no_version_in_the_history_until_published(live, editor, publisher):
    save_form(client_for(editor), live, title_en="Corrected title")
    assert not Version.objects.get_for_object(live).exists()
    client_for(publisher).post(changes_url(live), {"note_ja": "訂正", "_publish": "1"})
    [version] = Version.objects.get_for_object(live)
    assert version.field_dict["title_en"] == "Corrected title"


def test_an_agreements_own_page_cannot_link_or_unlink_a_live_release(live, editor):
    """A live release's agreement links are its content: they change on its own form and wait
    for a publisher there, not at once from the agreement's page."""
    editors = client_for(editor)
    linked = ReleaseAgreementFactory(release=live)
    agreement = linked.agreement
    change = reverse("admin:releases_agreement_change", args=[agreement.pk])
    data = form_data(editors.get(change), "agreement_form")
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS")).removesuffix("-TOTAL_FORMS")

    unlink = editors.post(change, {**data, f"{prefix}-0-DELETE": "on"})
    assert unlink.status_code == 200
    assert "は公開中です。協定の追加・削除はリリースの編集画面で" in unlink.content.decode()
    assert live.agreement_links.filter(pk=linked.pk).exists()

    other_live = ReleaseFactory(slug="other-live")
    link = editors.post(
        change,
        {
            **data,
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-1-release": str(other_live.pk),
            f"{prefix}-1-role": "mentions",
        },
    )
    assert link.status_code == 200
    assert not other_live.agreement_links.exists()

    draft = ReleaseFactory(slug="a-draft", status=Release.Status.DRAFT, published_at=None)
    done = editors.post(
        change,
        {
            **data,
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-1-release": str(draft.pk),
            f"{prefix}-1-role": "mentions",
        },
    )
    assert done.status_code == 302, errors(done)
    assert draft.agreement_links.filter(agreement=agreement).exists()
