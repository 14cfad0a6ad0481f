"""No lost edits: of two people who opened the same page, the second to save is refused."""

import pytest
import reversion
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from core.admin import LockedInline, LockedVersionAdmin
from core.locking import VersionLockForm, VersionLockFormSet
from core.models import Versioned
from people.models import Country, Official, Organization
from releases.models import Agreement, Meeting, Release
from tests.admin_forms import errors, form_data
from tests.factories import (
    AgreementFactory,
    ContactFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    OrganizationFactory,
    PhotoFactory,
    PostFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    SectionFactory,
    country,
)

# Drafts: the edits of a live release wait for a publisher (tests/releases/test_drafts.py).
DRAFT = {"status": Release.Status.DRAFT, "published_at": None}

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_client(django_user_model):
    other = Client()
    user = django_user_model.objects.create_superuser("colleague", "c@example.org", "pw")
    user.first_name, user.last_name = "Hanako", "Sato"
    user.save()
    other.force_login(user)
    return other


def conflict(response):
    """The refusal, in the language of the page (Japanese unless the browser asks otherwise)."""
    said = ("保存されていません", "have not been saved")
    return any(text in e for e in errors(response) for text in said)


CASES = [
    (
        "releases_release",
        "release_form",
        lambda: ReleaseFactory(title_ja="元の題名", **DRAFT),
        "title_ja",
        Release,
    ),
    (
        "releases_agreement",
        "agreement_form",
        lambda: AgreementFactory(title_ja="元の題名"),
        "title_ja",
        Agreement,
    ),
    (
        "people_official",
        "official_form",
        lambda: OfficialFactory(name_ja="元の名前"),
        "name_ja",
        Official,
    ),
    (
        "releases_meeting",
        "meeting_form",
        lambda: MeetingFactory(title_ja="元の会談", release=ReleaseFactory(**DRAFT)),
        "title_ja",
        Meeting,
    ),
    (
        "people_organization",
        "organization_form",
        lambda: OrganizationFactory(name_ja="元の名前"),
        "name_ja",
        Organization,
    ),
    ("people_country", "country_form", lambda: country("KZ"), "name_ja", Country),
]


@pytest.mark.parametrize("name,form_id,make,field,model", CASES, ids=[c[0] for c in CASES])
def test_second_save_is_refused_with_who_saved_and_the_typed_text_kept(
    staff_client, other_client, name, form_id, make, field, model
):
    obj = make()
    url = reverse(f"admin:{name}_change", args=[obj.pk])
    mine = form_data(staff_client.get(url), form_id)
    theirs = form_data(other_client.get(url), form_id)

    theirs[field] = "同僚の変更"
    assert other_client.post(url, theirs).status_code == 302

    mine[field] = "私の変更（消えてはいけない）"
    response = staff_client.post(url, mine)
    assert response.status_code == 200
    assert conflict(response), errors(response)
    html = response.content.decode()
    assert "私の変更（消えてはいけない）" in html
    assert "colleague" in html or "Hanako Sato" in html
    assert getattr(model.objects.get(pk=obj.pk), field) == "同僚の変更"


@pytest.mark.parametrize("name,form_id,make,field,model", CASES, ids=[c[0] for c in CASES])
def test_saves_one_after_another_succeed(staff_client, name, form_id, make, field, model):
    obj = make()
    url = reverse(f"admin:{name}_change", args=[obj.pk])
    for text in ["一回目", "二回目"]:
        data = form_data(staff_client.get(url), form_id)
        data[field] = text
        response = staff_client.post(url, data)
        assert response.status_code == 302, errors(response)
    assert getattr(model.objects.get(pk=obj.pk), field) == "二回目"


def test_a_form_without_the_version_is_refused(staff_client):
    release = ReleaseFactory(title_ja="元の題名", **DRAFT)
    url = reverse("admin:releases_release_change", args=[release.pk])
    data = form_data(staff_client.get(url), "release_form")
    del data["lock_version"]
    data["title_ja"] = "変更"
    response = staff_client.post(url, data)
    assert conflict(response)
    release.refresh_from_db()
    assert release.title_ja == "元の題名"


def test_a_change_to_an_inline_only_bumps_the_version_and_counts_as_a_change(
    staff_client, other_client
):
    release = ReleaseFactory(**DRAFT)
    SectionFactory(release=release, body_ja="<p>元の本文</p>")
    url = reverse("admin:releases_release_change", args=[release.pk])
    mine = form_data(staff_client.get(url), "release_form")
    theirs = form_data(other_client.get(url), "release_form")
    before = Release.objects.get(pk=release.pk).version

    theirs["sections-0-body_ja"] = "<p>同僚が直した本文</p>"
    assert other_client.post(url, theirs).status_code == 302
    assert Release.objects.get(pk=release.pk).version > before

    mine["sections-0-body_ja"] = "<p>私の本文</p>"
    response = staff_client.post(url, mine)
    assert conflict(response)
    assert release.sections.get().body_ja == "<p>同僚が直した本文</p>"


def test_a_publication_by_someone_else_also_counts(staff_client, django_user_model):
    from releases import workflow

    release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None)
    url = reverse("admin:releases_release_change", args=[release.pk])
    mine = form_data(staff_client.get(url), "release_form")
    publisher = django_user_model.objects.create_superuser("boss", "b@example.org", "pw")
    workflow.publish(release, publisher)
    mine["title_ja"] = "古い画面から"
    response = staff_client.post(url, mine)
    assert conflict(response)


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def row_index(data, prefix, row):
    """The position of `row` in the inline formset `prefix` of a form read with form_data."""
    return next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith(f"{prefix}-") and key.endswith("-id") and value == str(row.pk)
    )


def entered_in_admin(client, release):
    """Save the release's page once, so its history knows the version a form is opened on."""
    url = change_url(release)
    assert client.post(url, form_data(client.get(url), "release_form")).status_code == 302


def saved_by_colleague(colleague, row, field, value):
    with reversion.create_revision():
        reversion.set_user(colleague)
        setattr(row, field, value)
        row.save()


# (page's form id, inline prefix, the row, the parent whose page shows it, a field, a new value)
INLINE_CASES = {
    "release: section": ("release_form", "sections", SectionFactory, "release", "heading_ja"),
    "release: meeting": ("release_form", "meetings", MeetingFactory, "release", "title_ja"),
    "release: photo": ("release_form", "photos", PhotoFactory, "release", "caption_ja"),
    "release: contact": ("release_form", "contacts", ContactFactory, "release", "persons_ja"),
    "release: agreement link": (
        "release_form",
        "agreement_links",
        ReleaseAgreementFactory,
        "release",
        "role",
    ),
    "meeting: participant": (
        "meeting_form",
        "participations",
        MeetingParticipantFactory,
        "meeting",
        "title_ja",
    ),
    "official: post": ("official_form", "posts", PostFactory, "official", "title_ja"),
    "agreement: release link": (
        "agreement_form",
        "release_links",
        ReleaseAgreementFactory,
        "agreement",
        "role",
    ),
}


def new_values(field):
    """(mine, theirs). A link keeps the role it was opened with in my form: a row I did not
    touch but a colleague changed would still be written back, so it is refused too."""
    return ("announces", "mentions") if field == "role" else ("私の変更", "同僚の変更")


@pytest.fixture
def colleague(other_client, django_user_model):
    return django_user_model.objects.get(username="colleague")


@pytest.mark.parametrize("case", INLINE_CASES)
def test_an_inline_row_a_colleague_saved_since_the_page_opened_is_refused(
    staff_client, colleague, case
):
    form_id, prefix, factory, parent_name, field = INLINE_CASES[case]
    row = factory()
    Release.objects.update(**DRAFT)
    url = change_url(getattr(row, parent_name))
    mine = form_data(staff_client.get(url), form_id)
    mine_value, theirs_value = new_values(field)
    saved_by_colleague(colleague, row, field, theirs_value)

    index = row_index(mine, prefix, row)
    mine[f"{prefix}-{index}-{field}"] = mine_value
    response = staff_client.post(url, mine)

    assert response.status_code == 200
    assert conflict(response), errors(response)
    said = " ".join(errors(response))
    assert "Hanako Sato" in said and str(row._meta.verbose_name) in said
    assert form_data(response, form_id)[f"{prefix}-{index}-{field}"].strip() == mine_value
    row.refresh_from_db()
    assert getattr(row, field) == theirs_value


@pytest.mark.parametrize("case", ["release: section", "official: post"])
def test_deleting_a_row_a_colleague_changed_since_is_refused(staff_client, colleague, case):
    form_id, prefix, factory, parent_name, field = INLINE_CASES[case]
    row = factory()
    Release.objects.update(**DRAFT)
    url = change_url(getattr(row, parent_name))
    mine = form_data(staff_client.get(url), form_id)
    saved_by_colleague(colleague, row, field, "同僚の変更")
    mine[f"{prefix}-{row_index(mine, prefix, row)}-DELETE"] = "on"
    response = staff_client.post(url, mine)
    assert conflict(response), errors(response)
    assert type(row).objects.filter(pk=row.pk).exists()


def test_editing_a_row_a_colleague_deleted_since_is_refused_with_a_message(staff_client, colleague):
    section = SectionFactory(heading_ja="元の見出し")
    url = change_url(section.release)
    mine = form_data(staff_client.get(url), "release_form")
    index = row_index(mine, "sections", section)
    section.delete()
    mine[f"sections-{index}-heading_ja"] = "私の見出し"
    response = staff_client.post(url, mine)
    assert response.status_code == 200
    assert any("削除しました" in e for e in errors(response)), errors(response)
    assert not section.release.sections.exists()


def test_rows_nobody_touched_since_save_with_the_form(staff_client):
    release = ReleaseFactory(**DRAFT)
    for factory in (SectionFactory, MeetingFactory, PhotoFactory, ContactFactory):
        factory(release=release)
    ReleaseAgreementFactory(release=release)
    url = change_url(release)
    data = form_data(staff_client.get(url), "release_form")
    data["sections-0-heading_ja"] = "新しい見出し"
    data["meetings-0-title_ja"] = "新しい会談"
    response = staff_client.post(url, data)
    assert response.status_code == 302, errors(response)
    assert release.sections.get().heading_ja == "新しい見出し"
    assert release.meetings.get().title_ja == "新しい会談"


def test_a_release_form_opened_before_a_colleague_saved_a_meeting_on_its_page_is_refused(
    staff_client, other_client
):
    release = ReleaseFactory(title_ja="元の題名", **DRAFT)
    meeting = MeetingFactory(release=release, title_ja="元の会談", place_ja="アスタナ")
    MeetingParticipantFactory(meeting=meeting)
    release_url, meeting_url = change_url(release), change_url(meeting)
    entered_in_admin(staff_client, release)
    mine = form_data(staff_client.get(release_url), "release_form")

    theirs = form_data(other_client.get(meeting_url), "meeting_form")
    theirs.update({"title_ja": "同僚が直した会談", "place_ja": "アルマトイ"})
    assert other_client.post(meeting_url, theirs).status_code == 302

    # Only the release's own title is changed here: the meeting as it was still travels with it.
    mine["title_ja"] = "私が直した題名"
    response = staff_client.post(release_url, mine)

    assert response.status_code == 200
    said = " ".join(errors(response))
    assert conflict(response), said
    assert "元の会談" in said or "同僚が直した会談" in said
    assert "Hanako Sato" in said
    assert "タイトル（日本語）, 場所（日本語）" in said  # what they changed, as the form names it
    assert form_data(response, "release_form")["title_ja"] == "私が直した題名"
    meeting.refresh_from_db()
    assert (meeting.title_ja, meeting.place_ja) == ("同僚が直した会談", "アルマトイ")
    assert Release.objects.get(pk=release.pk).title_ja == "元の題名"


def test_the_refusal_speaks_the_language_of_the_page(staff_client, other_client):
    meeting = MeetingFactory(title_ja="元の会談", release=ReleaseFactory(**DRAFT))
    url = change_url(meeting.release)
    entered_in_admin(staff_client, meeting.release)
    mine = form_data(staff_client.get(url, HTTP_ACCEPT_LANGUAGE="en"), "release_form")
    theirs = form_data(other_client.get(change_url(meeting)), "meeting_form")
    theirs["title_en"] = "Their meeting"
    other_client.post(change_url(meeting), theirs)
    mine["meetings-0-title_en"] = "My meeting"
    response = staff_client.post(url, mine, HTTP_ACCEPT_LANGUAGE="en")
    said = " ".join(errors(response))
    assert "Meeting “Their meeting” was saved by someone else after you opened this page" in said
    assert "(Hanako Sato" in said
    assert "They changed: Title (English)." in said
    assert "Your changes have not been saved" in said
    assert "保存" not in said


def test_every_admin_and_inline_locks_and_every_edited_model_is_versioned():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {"releases", "people"}:
            continue
        assert isinstance(model_admin, LockedVersionAdmin), model
        assert issubclass(model_admin.form, VersionLockForm), model
        assert issubclass(model, Versioned), model
        for inline in model_admin.inlines:
            if inline.model._meta.auto_created:
                # A many-to-many link (a release's topical events): a row has nothing to edit,
                # it is only added or removed.
                continue
            assert issubclass(inline, LockedInline), inline
            assert issubclass(inline.form, VersionLockForm), inline
            assert issubclass(inline.formset, VersionLockFormSet), inline
            assert issubclass(inline.model, Versioned), inline
