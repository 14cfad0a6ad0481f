"""Every admin save is kept; staff compare two versions, restore one, and recover deleted releases."""

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse
from django.utils import translation
from reversion.models import Version

from core.history import comment_text
from people.models import Official
from releases.models import Meeting, MeetingParticipant, Release, Section
from tests.admin_forms import errors, form_data
from tests.factories import (
    ContactFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    PhotoFactory,
    PostFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def release():
    # A draft: edits to a live release wait for a publisher (tests/releases/test_drafts.py).
    release = ReleaseFactory(
        title_ja="元の題名",
        title_en="Original title",
        lead_en="Original lead",
        status=Release.Status.DRAFT,
        published_at=None,
    )
    SectionFactory(
        release=release, heading_ja="第一節", body_ja="<p>元の本文</p>", body_en="<p>Body</p>"
    )
    meeting = MeetingFactory(release=release, title_ja="元の会談", title_en="Original meeting")
    MeetingParticipantFactory(meeting=meeting, title_ja="大統領", title_en="President")
    PhotoFactory(release=release, caption_en="Original caption")
    ContactFactory(release=release)
    ReleaseAgreementFactory(release=release)
    return release


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def save_from_admin(client, release, **changes):
    url = change_url(release)
    data = form_data(client.get(url), "release_form")
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, errors(response)


def versions(obj):
    return list(Version.objects.get_for_object(obj).order_by("pk"))


def restore(client, obj, version, form_id="release_form"):
    url = reverse(
        f"admin:{obj._meta.app_label}_{obj._meta.model_name}_revision", args=[obj.pk, version.pk]
    )
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, form_data(page, form_id))
    assert response.status_code == 302, errors(response)


def test_the_release_admin_is_a_version_admin_with_the_language_switch(staff_client, release):
    from reversion.admin import VersionAdmin

    from core.bilingual import BilingualAdmin

    model_admin = site.get_model_admin(Release)
    assert isinstance(model_admin, VersionAdmin)
    assert isinstance(model_admin, BilingualAdmin)
    html = staff_client.get(change_url(release)).content.decode()
    assert 'class="translation-mode"' in html


def test_every_admin_save_keeps_a_version_with_translations_and_inlines(staff_client, release):
    save_from_admin(staff_client, release, title_en="Second title")
    (version,) = versions(release)
    assert version.field_dict["title_en"] == "Second title"
    assert version.revision.user.username == "staff"
    kept = {v.content_type.model for v in version.revision.version_set.all()}
    assert {
        "release",
        "section",
        "meeting",
        "meetingparticipant",
        "photo",
        "contact",
        "releaseagreement",
    } <= kept


def test_restoring_brings_back_translations_and_inlines(staff_client, release):
    save_from_admin(staff_client, release)  # the version to come back to
    first = versions(release)[0]
    section = release.sections.get()
    meeting = release.meetings.get()
    save_from_admin(
        staff_client,
        release,
        title_ja="変えた題名",
        title_en="Changed title",
        **{
            "sections-0-DELETE": "on",
            "meetings-0-title_en": "Changed meeting",
            "meetings-0-officials": [],
            "contacts-0-persons_en": "Someone new",
        },
    )
    assert not Section.objects.filter(pk=section.pk).exists()
    assert not MeetingParticipant.objects.filter(meeting=meeting).exists()

    restore(staff_client, release, first)

    release.refresh_from_db()
    assert (release.title_ja, release.title_en) == ("元の題名", "Original title")
    restored = release.sections.get()
    assert (restored.pk, restored.body_ja, restored.body_en) == (
        section.pk,
        "<p>元の本文</p>",
        "<p>Body</p>",
    )
    assert Meeting.objects.get(pk=meeting.pk).title_en == "Original meeting"
    participant = MeetingParticipant.objects.get(meeting=meeting)
    assert (participant.title_ja, participant.title_en) == ("大統領", "President")
    assert release.contacts.get().persons_en != "Someone new"
    revision = versions(release)[-1].revision
    assert "に戻しました" in comment_text(revision)
    with translation.override("en"):
        assert "Reverted to version" in comment_text(revision)


def test_restoring_never_changes_the_publication_state(staff_client):
    release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None, title_ja="下書きの時")
    save_from_admin(staff_client, release)
    draft_version = versions(release)[0]
    from releases import workflow

    workflow.publish(release, _superuser())
    release.refresh_from_db()
    restore(staff_client, release, draft_version)
    release.refresh_from_db()
    assert release.status == Release.Status.PUBLISHED
    assert release.title_ja == "下書きの時"


def _superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="staff")


def test_the_history_page_offers_compare_and_restore(staff_client, release):
    save_from_admin(staff_client, release)
    save_from_admin(staff_client, release, title_en="Second title")
    html = staff_client.get(
        reverse("admin:releases_release_history", args=[release.pk])
    ).content.decode()
    assert 'name="from"' in html and 'name="to"' in html
    for version in versions(release):
        assert reverse("admin:releases_release_revision", args=[release.pk, version.pk]) in html


def test_compare_shows_changed_fields_in_each_language_and_inlines(staff_client, release):
    save_from_admin(staff_client, release)
    save_from_admin(
        staff_client,
        release,
        title_en="Second title",
        **{"sections-0-body_ja": "<p>新しい本文</p>", "photos-0-caption_en": "New caption"},
    )
    old, new = versions(release)
    response = staff_client.get(
        reverse("admin:releases_release_compare", args=[release.pk]),
        {"from": old.pk, "to": new.pk},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Original title" in text and "Second title" in text
    assert "タイトル（英語）" in text  # the field, as the form names it
    assert "新しい本文" in text
    assert "New caption" in text and "Original caption" in text
    assert "Original lead" not in text  # unchanged fields are not listed


@pytest.mark.parametrize("params", [{}, {"from": "x", "to": "1"}, {"from": "999999", "to": "1"}])
def test_compare_with_bad_versions_goes_back_to_the_history(staff_client, release, params):
    response = staff_client.get(
        reverse("admin:releases_release_compare", args=[release.pk]), params
    )
    assert response.status_code == 302


def test_a_deleted_release_can_be_recovered_with_its_inlines_as_a_draft(staff_client, release):
    save_from_admin(staff_client, release)
    pk = release.pk
    response = staff_client.post(
        reverse("admin:releases_release_delete", args=[pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Release.objects.filter(pk=pk).exists()

    recover_list = staff_client.get(reverse("admin:releases_release_recoverlist"))
    assert "元の題名" in recover_list.content.decode()
    deleted = Version.objects.get_deleted(Release).get(object_id=str(pk))
    url = reverse("admin:releases_release_recover", args=[deleted.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    response = staff_client.post(url, form_data(page, "release_form"))
    assert response.status_code == 302, errors(response)

    recovered = Release.objects.get(pk=pk)
    assert recovered.title_en == "Original title"
    assert recovered.status == Release.Status.DRAFT
    assert recovered.sections.count() == 1
    assert recovered.meetings.get().participations.count() == 1


def test_official_history_keeps_posts_and_restores_them(staff_client):
    official = OfficialFactory(name_ja="元の名前")
    PostFactory(official=official, title_ja="大臣", title_en="Minister")
    url = change_url(official)
    data = form_data(staff_client.get(url), "official_form")
    assert staff_client.post(url, data).status_code == 302
    first = versions(official)[0]
    data = form_data(staff_client.get(url), "official_form")
    data.update({"name_ja": "変えた名前", "posts-0-title_en": "Prime Minister"})
    assert staff_client.post(url, data).status_code == 302
    restore(staff_client, official, first, "official_form")
    official = Official.objects.get(pk=official.pk)
    assert official.name_ja == "元の名前"
    assert official.posts.get().title_en == "Minister"
