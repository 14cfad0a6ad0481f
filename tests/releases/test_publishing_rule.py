"""Only a publisher changes a release's publication, whichever admin page, history restore,
recovery, action or API call the change would come through; history says who did what."""

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse
from reversion.admin import VersionAdmin
from reversion.models import Version

from releases import drafts
from releases.models import Meeting, Release
from tests.admin_forms import errors, form_data
from tests.factories import (
    AgreementFactory,
    ContactFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OrganizationFactory,
    PhotoFactory,
    PostFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

# What an editor's crafted POST adds to any form, in every shape a field could take.
CRAFTED = {
    "status": "published",
    "published_at": "2020-01-01 09:00",
    "published_at_0": "2020-01-01",
    "published_at_1": "09:00",
    "published_by": "",
    "withdrawn_at": "",
    "withdrawal_reason": "勝手な理由",
    "withdrawal_reason_ja": "勝手な理由",
    "withdrawal_reason_en": "Made up",
}


def publication(release):
    release = Release.objects.get(pk=release.pk)
    return (
        release.status,
        release.published_at,
        release.published_by_id,
        release.withdrawn_at,
        release.withdrawal_reason_ja,
        release.withdrawal_reason_en,
    )


def url_of(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def post_page(client, url, form_id, extra=None):
    """Post the form `url` shows back, with `extra` keys added; the response, or None when the
    page shows no such form (no permission, for one)."""
    page = client.get(url)
    assert page.status_code < 500, url
    if page.status_code != 200 or f'id="{form_id}"'.encode() not in page.content:
        return None
    response = client.post(url, {**form_data(page, form_id), **(extra or {})})
    assert response.status_code < 500, url
    return response


@pytest.fixture
def story(editor, publisher):
    """A release written by an editor, published by a publisher, edited again while public
    (its meeting too) and those changes published, its agreement and official changed on their
    own pages, then withdrawn."""
    editors, publishers = client_for(editor), client_for(publisher)
    release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None, title_ja="下書き")
    meeting = MeetingFactory(release=release, title_ja="下書きの会談")
    participant = MeetingParticipantFactory(meeting=meeting)
    PostFactory(official=participant.official, organization=OrganizationFactory())
    for factory in (SectionFactory, PhotoFactory, ContactFactory):
        factory(release=release)
    ReleaseAgreementFactory(release=release, agreement=AgreementFactory())
    page = url_of(Release, "change", release.pk)

    def save(client, url, form_id, **changes):
        response = post_page(client, url, form_id, changes)
        assert response is not None and response.status_code == 302, errors(response)

    save(editors, page, "release_form", title_ja="編集者の下書き")
    save(publishers, page, "release_form", _publish="1")
    # While public, edits (the release's own form is where its meetings change) wait for a
    # publisher, who publishes them with a note.
    save(editors, page, "release_form", title_ja="公開中に直した題名")
    save(editors, page, "release_form", **{"meetings-0-title_ja": "会談"})
    published = publishers.post(
        url_of(Release, "changes", release.pk), {"note_ja": "題名を訂正", "_publish": "1"}
    )
    assert published.status_code == 302
    agreement = release.agreements.get()
    save(editors, url_of(type(agreement), "change", agreement.pk), "agreement_form")
    official = participant.official
    save(editors, url_of(type(official), "change", official.pk), "official_form")
    save(
        publishers,
        page,
        "release_form",
        _withdraw="1",
        withdrawal_reason_ja="誤りがあったため",
        withdrawal_reason_en="It contained an error",
    )
    release.refresh_from_db()
    assert (release.status, release.published_by) == (Release.Status.WITHDRAWN, publisher)
    return release


def assert_publication_unchanged(before, editor):
    for release in Release.objects.all():
        if release.pk in before:
            assert publication(release) == before[release.pk], release
        else:  # made by "save as new" or an add form: a draft nobody published
            assert (release.status, release.published_at, release.published_by) == (
                Release.Status.DRAFT,
                None,
                None,
            )
        assert release.published_by != editor


def walked_objects(model):
    """Rows of `model` to walk: those with a history, and a couple of others."""
    ids = set(model._default_manager.order_by("pk").values_list("pk", flat=True)[:2])
    if isinstance(admin.site._registry[model], VersionAdmin):
        versions = Version.objects.get_for_model(model)
        ids |= {int(object_id) for object_id in versions.values_list("object_id", flat=True)}
    return model._default_manager.filter(pk__in=ids)


def test_an_editor_changes_no_publication_through_any_admin_page_history_or_action(story, editor):
    editors = client_for(editor)
    before = {r.pk: publication(r) for r in Release.objects.all()}
    # The content the public sees, too: an editor's edits of a live release only wait.
    live_content = drafts.serialize(story)
    walked = []
    for model, model_admin in list(admin.site._registry.items()):
        form_id = f"{model._meta.model_name}_form"
        for obj in walked_objects(model):
            change = url_of(model, "change", obj.pk)
            post_page(editors, change, form_id, CRAFTED)
            post_page(editors, change, form_id, {**CRAFTED, "_saveasnew": "1"})
            if isinstance(model_admin, VersionAdmin):
                for version in Version.objects.get_for_object(obj):
                    restore = url_of(model, "revision", obj.pk, version.pk)
                    if model is Release:
                        post_page(editors, restore, form_id, CRAFTED)
                    restored = post_page(editors, restore, form_id)
                    walked.append((model, restored and restored.status_code))
            assert_publication_unchanged(before, editor)
        post_page(editors, url_of(model, "add") + "?_popup=1", form_id, CRAFTED)
        request = RequestFactory().get("/")
        request.user = editor
        ids = [str(pk) for pk in model._default_manager.values_list("pk", flat=True)[:50]]
        for action in model_admin.get_actions(request):
            editors.post(
                url_of(model, "changelist"),
                {"action": action, "_selected_action": ids, "post": "yes"},
            )
        assert_publication_unchanged(before, editor)
    assert drafts.same_content(drafts.serialize(story), live_content)
    # The walk did restore things: every versioned admin's history was offered and used (a
    # live release's meetings are restored from the release's own history, as a pending change).
    assert {m for m, status in walked if status == 302} >= {
        Release,
        type(story.agreements.get()),
        type(story.meetings.get().participants.get()),
    }


def test_restoring_a_version_saved_while_public_keeps_it_withdrawn_and_waits_for_a_publisher(
    story, editor, publisher
):
    meeting = story.meetings.get()
    before = publication(story)
    # The meeting's versions include those saved with the release while it was public.
    while_public = next(
        v
        for v in Version.objects.get_for_object(meeting).order_by("pk")
        if v.revision.version_set.filter(
            content_type__model="release", serialized_data__contains='"published"'
        ).exists()
    )
    editors = client_for(editor)
    # Not from the meeting's own page: a live release's meetings change on its form.
    response = post_page(
        editors, url_of(Meeting, "revision", meeting.pk, while_public.pk), "meeting_form"
    )
    assert response is None or response.status_code == 403
    # From the release's history, the restore is an edit like any other: it waits.
    release_version = while_public.revision.version_set.get(content_type__model="release")
    response = post_page(
        editors, url_of(Release, "revision", story.pk, release_version.pk), "release_form"
    )
    assert response.status_code == 302, errors(response)

    assert publication(story) == before
    story.refresh_from_db()
    assert story.published_by == publisher
    assert story.pending_change.saved_by == editor
    assert story.title_ja == "公開中に直した題名"
    assert story.pending_change.content[0]["fields"]["title_ja"] == "編集者の下書き"


def test_a_deleted_meeting_of_a_live_release_is_not_recovered_from_its_own_page(story, editor):
    meeting = story.meetings.get()
    version_ids = list(Version.objects.get_for_object(meeting).values_list("pk", flat=True))
    before = publication(story)
    editors = client_for(editor)
    Meeting.objects.filter(pk=meeting.pk).delete()
    for version_id in version_ids:
        response = post_page(editors, url_of(Meeting, "recover", version_id), "meeting_form")
        assert response is None or response.status_code == 403
        assert not Meeting.objects.filter(pk=meeting.pk).exists()
        assert publication(story) == before


def test_an_editor_recovering_a_deleted_release_gets_a_draft(story, editor, publisher):
    pk = story.pk
    publishers = client_for(publisher)
    assert publishers.post(url_of(Release, "delete", pk), {"post": "yes"}).status_code == 302
    deleted = Version.objects.get_deleted(Release).get(object_id=str(pk))
    response = post_page(client_for(editor), url_of(Release, "recover", deleted.pk), "release_form")
    assert response.status_code == 302, errors(response)
    recovered = Release.objects.get(pk=pk)
    assert (recovered.status, recovered.published_at, recovered.published_by) == (
        Release.Status.DRAFT,
        None,
        None,
    )
    assert recovered.withdrawn_at is None
    assert not Release.objects.published().filter(pk=pk).exists()


def test_a_version_of_another_model_cannot_be_restored_or_recovered_from_a_page(story, editor):
    editors = client_for(editor)
    before = publication(story)
    release_versions = Version.objects.get_for_object(story)
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, VersionAdmin) or model is Release:
            continue
        for version in release_versions:
            try:
                restore = url_of(model, "revision", version.object_id, version.pk)
            except NoReverseMatch:
                continue
            assert editors.get(restore).status_code == 404
            assert editors.post(restore, {}).status_code == 404
            recover = url_of(model, "recover", version.pk)
            assert editors.post(recover, {}).status_code in (403, 404)
    assert publication(story) == before


def test_an_editor_cannot_restore_a_model_they_may_not_change(editor, django_user_model):
    from tests.factories import country

    kazakhstan = country("KZ")
    superuser = django_user_model.objects.create_superuser("chief", "c@example.org", "pw")
    chief = client_for(superuser)
    url = url_of(type(kazakhstan), "change", kazakhstan.pk)
    response = post_page(chief, url, "country_form", {"name_en": "Kazakhstan!"})
    assert response.status_code == 302
    version = Version.objects.get_for_object(kazakhstan).get()
    restore = url_of(type(kazakhstan), "revision", kazakhstan.pk, version.pk)
    assert client_for(editor).post(restore, {}).status_code == 403


def test_the_api_changes_nothing_even_for_staff(story, publisher):
    client = client_for(publisher)
    before = publication(story)
    for url in [
        f"/api/releases/{story.slug}/",
        "/api/releases/",
        f"/api/meetings/{story.meetings.get().pk}/",
    ]:
        for method in ["post", "put", "patch", "delete"]:
            response = getattr(client, method)(
                url, {"status": "published"}, content_type="application/json"
            )
            assert response.status_code in (403, 404, 405), (url, method, response.status_code)
    assert publication(story) == before
