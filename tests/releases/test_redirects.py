"""Addresses never break: an old address of a release answers 301 with its address now, in the
visitor's language, only ever towards a release the public can open."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from releases import workflow
from releases.models import Release, ReleaseRedirect
from tests.admin_forms import errors, form_data
from tests.factories import ReleaseFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["ja", "en"]


def address(slug, language):
    return f"/{language}/releases/{slug}/"


def release_form(client, release):
    url = reverse("admin:releases_release_change", args=[release.pk])
    return url, form_data(client.get(url), "release_form")


@pytest.fixture
def renamed(publisher):
    """A published release, unpublished, given a new slug by its form, and published again."""
    release = ReleaseFactory(slug="2025-12-old-title")
    workflow.unpublish(release, publisher)
    release.slug = "2025-12-new-title"
    release.save()
    workflow.publish(release, publisher)
    return release


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_changed_slug_leaves_the_old_address_answering_301_in_the_same_language(
    client, renamed, language
):
    response = client.get(address("2025-12-old-title", language))
    assert response.status_code == 301
    assert response["Location"] == address("2025-12-new-title", language)
    assert client.get(response["Location"]).status_code == 200


def test_the_slug_changed_in_the_admin_is_remembered_as_moved(publisher_client, publisher):
    release = ReleaseFactory(slug="2025-12-first")
    workflow.unpublish(release, publisher)
    url, data = release_form(publisher_client, release)
    data["slug"] = "2025-12-second"
    response = publisher_client.post(url, data)
    assert response.status_code == 302, errors(response)
    redirect = ReleaseRedirect.objects.get(old_slug="2025-12-first")
    assert redirect.release == release
    assert redirect.kind == ReleaseRedirect.Kind.MOVED


def test_taking_back_an_earlier_slug_leaves_no_redirect_to_itself(client, renamed, publisher):
    workflow.unpublish(renamed, publisher)
    renamed.slug = "2025-12-old-title"
    renamed.save()
    workflow.publish(renamed, publisher)
    assert not ReleaseRedirect.objects.filter(old_slug="2025-12-old-title").exists()
    assert ReleaseRedirect.objects.get(old_slug="2025-12-new-title").release == renamed
    assert client.get(address("2025-12-old-title", "ja")).status_code == 200
    assert client.get(address("2025-12-new-title", "ja"))["Location"] == address(
        "2025-12-old-title", "ja"
    )


def test_an_old_address_of_a_release_not_public_now_is_a_404(client, renamed, publisher):
    workflow.unpublish(renamed, publisher)
    assert client.get(address("2025-12-old-title", "en")).status_code == 404


def test_an_old_address_never_names_a_scheduled_release(client, publisher):
    release = ReleaseFactory(slug="2025-12-embargoed")
    workflow.unpublish(release, publisher)
    release.slug = "2025-12-embargoed-renamed"
    release.save()
    workflow.schedule(release, publisher, timezone.now() + datetime.timedelta(days=2))
    response = client.get(address("2025-12-embargoed", "en"))
    assert response.status_code == 404
    assert b"embargoed-renamed" not in response.content


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_withdrawn_release_replaced_by_another_leads_to_it(client, publisher, language):
    duplicate = ReleaseFactory(slug="2025-12-duplicate")
    kept = ReleaseFactory(slug="2025-12-kept")
    workflow.withdraw(duplicate, publisher, "重複のため")
    ReleaseRedirect.objects.create(old_slug=duplicate.slug, release=kept)
    response = client.get(address("2025-12-duplicate", language))
    assert response.status_code == 301
    assert response["Location"] == address("2025-12-kept", language)


def test_an_unpublished_release_replaced_by_another_leads_to_it(client, publisher):
    first = ReleaseFactory(slug="2025-12-part-one")
    together = ReleaseFactory(slug="2025-12-together")
    workflow.unpublish(first, publisher)
    ReleaseRedirect.objects.create(old_slug=first.slug, release=together)
    assert client.get(address("2025-12-part-one", "ja"))["Location"] == address(
        "2025-12-together", "ja"
    )


def test_a_withdrawn_release_without_a_replacement_keeps_its_notice(client, publisher):
    release = ReleaseFactory(slug="2025-12-wrong")
    workflow.withdraw(release, publisher, "誤りがあったため")
    assert client.get(address("2025-12-wrong", "ja")).status_code == 200


def test_a_replacement_not_public_yet_leaves_the_withdrawn_page(client, publisher):
    withdrawn = ReleaseFactory(slug="2025-12-withdrawn")
    workflow.withdraw(withdrawn, publisher, "差し替えのため")
    draft = ReleaseFactory(slug="2025-12-secret-draft", status=Release.Status.DRAFT)
    ReleaseRedirect.objects.create(old_slug=withdrawn.slug, release=draft)
    response = client.get(address("2025-12-withdrawn", "en"))
    assert response.status_code == 200
    assert b"secret-draft" not in response.content


def test_a_chain_of_old_addresses_ends_at_the_public_release_in_one_step(client, publisher):
    first = ReleaseFactory(slug="2025-12-a")
    second = ReleaseFactory(slug="2025-12-b")
    third = ReleaseFactory(slug="2025-12-c")
    workflow.withdraw(first, publisher, "統合")
    workflow.withdraw(second, publisher, "統合")
    ReleaseRedirect.objects.create(old_slug="2025-12-a", release=second)
    ReleaseRedirect.objects.create(old_slug="2025-12-b", release=third)
    assert client.get(address("2025-12-a", "en"))["Location"] == address("2025-12-c", "en")


def test_a_loop_of_redirects_leads_nowhere_instead_of_round_and_round(client, publisher):
    one = ReleaseFactory(slug="2025-12-one", status=Release.Status.DRAFT, published_at=None)
    two = ReleaseFactory(slug="2025-12-two", status=Release.Status.DRAFT, published_at=None)
    ReleaseRedirect.objects.create(old_slug="2025-12-one", release=two)
    ReleaseRedirect.objects.create(old_slug="2025-12-two", release=one)
    assert client.get(address("2025-12-one", "ja")).status_code == 404
    assert client.get(address("2025-12-two", "ja")).status_code == 404


def test_a_public_release_at_an_address_wins_over_a_redirect_from_it(client, publisher):
    ReleaseFactory(slug="2025-12-live")
    other = ReleaseFactory(slug="2025-12-other")
    ReleaseRedirect.objects.create(old_slug="2025-12-live", release=other)
    assert client.get(address("2025-12-live", "ja")).status_code == 200


def test_a_new_release_never_takes_an_old_address(renamed):
    newcomer = Release(
        title_ja="新しい", title_en="Old title", issuer=renamed.issuer, published_at=None
    )
    newcomer.published_at = timezone.make_aware(datetime.datetime(2025, 12, 10))
    newcomer.save()
    assert newcomer.slug != "2025-12-old-title"
    assert newcomer.slug.startswith("2025-12-old-title")


def test_the_release_form_refuses_another_release_s_old_address(publisher_client, renamed):
    draft = ReleaseFactory(status=Release.Status.DRAFT, published_at=None)
    publisher_client.cookies["django_language"] = "en"
    url, data = release_form(publisher_client, draft)
    data["slug"] = "2025-12-old-title"
    response = publisher_client.post(url, data)
    assert response.status_code == 200
    assert any("old address of another release" in e for e in errors(response)), errors(response)


# The admin --------------------------------------------------------------------------------


def test_publishers_add_a_replacement_from_the_withdrawn_release_s_page(
    publisher_client, publisher
):
    withdrawn = ReleaseFactory(slug="2025-12-gone")
    kept = ReleaseFactory(slug="2025-12-here")
    workflow.withdraw(withdrawn, publisher, "統合のため")
    page = publisher_client.get(reverse("admin:releases_release_change", args=[withdrawn.pk]))
    link = reverse("admin:releases_releaseredirect_add") + "?old_slug=2025-12-gone"
    assert link.encode() in page.content
    add = publisher_client.get(link)
    data = form_data(add, "releaseredirect_form")
    assert data["old_slug"] == "2025-12-gone"
    data["release"] = kept.pk
    response = publisher_client.post(link, data)
    assert response.status_code == 302, errors(response)
    redirect = ReleaseRedirect.objects.get(old_slug="2025-12-gone")
    assert (redirect.release, redirect.kind, redirect.created_by) == (
        kept,
        ReleaseRedirect.Kind.REPLACED,
        publisher,
    )
    listing = publisher_client.get(reverse("admin:releases_releaseredirect_changelist"))
    assert b"/releases/2025-12-gone/" in listing.content
    delete = reverse("admin:releases_releaseredirect_delete", args=[redirect.pk])
    assert publisher_client.post(delete, {"post": "yes"}).status_code == 302
    assert not ReleaseRedirect.objects.exists()


def test_a_redirect_to_itself_or_from_a_published_release_is_refused(publisher_client):
    live = ReleaseFactory(slug="2025-12-live")
    other = ReleaseFactory(slug="2025-12-other")
    url = reverse("admin:releases_releaseredirect_add")
    for old, target in [("2025-12-other", other), ("2025-12-live", other)]:
        response = publisher_client.post(url, {"old_slug": old, "release": target.pk})
        assert response.status_code == 200
        assert errors(response)
    assert not ReleaseRedirect.objects.exists()
    assert live


def test_the_target_is_chosen_by_autocomplete(publisher_client):
    ReleaseFactory(title_ja="統合版のリリース")
    page = publisher_client.get(reverse("admin:releases_releaseredirect_add"))
    assert b'data-model-name="release"' in page.content or b"admin-autocomplete" in page.content
    found = publisher_client.get(
        "/admin/autocomplete/",
        {
            "term": "統合版",
            "app_label": "releases",
            "model_name": "releaseredirect",
            "field_name": "release",
        },
    )
    assert [r["text"] for r in found.json()["results"]] == ["統合版のリリース"]


def test_editors_see_old_addresses_but_cannot_change_them(editor_client):
    kept = ReleaseFactory()
    redirect = ReleaseRedirect.objects.create(old_slug="2025-12-old", release=kept)
    assert (
        editor_client.get(reverse("admin:releases_releaseredirect_changelist")).status_code == 200
    )
    add = reverse("admin:releases_releaseredirect_add")
    assert editor_client.post(add, {"old_slug": "x", "release": kept.pk}).status_code == 403
    delete = reverse("admin:releases_releaseredirect_delete", args=[redirect.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert ReleaseRedirect.objects.count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_old_addresses_pages_answer_in_both_languages(publisher_client, language):
    kept = ReleaseFactory()
    ReleaseRedirect.objects.create(old_slug="2025-12-old", release=kept)
    publisher_client.cookies["django_language"] = language
    for name in ["changelist", "add"]:
        response = publisher_client.get(reverse(f"admin:releases_releaseredirect_{name}"))
        assert response.status_code == 200
    assert (
        publisher_client.get(
            reverse("admin:releases_releaseredirect_changelist"), {"q": "??"}
        ).status_code
        == 200
    )


def test_a_slug_that_is_another_page_of_the_site_is_refused(publisher_client, publisher):
    release = ReleaseFactory(slug="2025-12-first")
    workflow.unpublish(release, publisher)
    url, data = release_form(publisher_client, release)
    response = publisher_client.post(url, {**data, "slug": "feed"})
    assert response.status_code == 200
    assert "サイトの別のページのアドレスです" in " ".join(errors(response))
    release.refresh_from_db()
    assert release.slug == "2025-12-first"
