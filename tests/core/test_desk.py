"""The editors' language mode, and addresses made from names in either language."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from core.models import EditorPreference
from core.slugs import slug_words

pytestmark = pytest.mark.django_db


def test_the_translation_mode_is_remembered_for_the_editor(staff_client):
    url = reverse("translation_mode")
    response = staff_client.post(url, {"mode": "both", "next": "/admin/releases/release/add/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/releases/release/add/"
    html = staff_client.get("/admin/releases/release/add/").content.decode()
    assert "tmode-both" in html
    assert 'value="both" aria-pressed="true"' in html


def test_the_translation_mode_answers_json_for_the_page_script(staff_client):
    response = staff_client.post(
        reverse("translation_mode"), {"mode": "en"}, HTTP_ACCEPT="application/json"
    )
    assert response.json() == {"mode": "en"}


@pytest.mark.parametrize("mode", ["", "fr", "<script>"])
def test_an_unknown_translation_mode_is_refused_and_nothing_changes(staff_client, mode):
    response = staff_client.post(reverse("translation_mode"), {"mode": mode})
    assert response.status_code == 400
    assert not EditorPreference.objects.exists()


def test_the_translation_mode_does_not_redirect_to_other_sites(staff_client):
    response = staff_client.post(
        reverse("translation_mode"), {"mode": "ja", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("admin:index")


def test_strangers_cannot_set_a_translation_mode(client):
    response = client.post(reverse("translation_mode"), {"mode": "ja"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not EditorPreference.objects.exists()


def test_labels_say_their_language(staff_client):
    html = staff_client.get(reverse("admin:releases_release_add")).content.decode()
    assert "タイトル（日本語）" in html and "タイトル（英語）" in html
    assert 'lang="en"' in html


def test_japanese_names_are_romanised_for_addresses():
    assert slug_words("カスムジョマルト・トカエフ") == "kasumujomaruto-tokaefu"
    assert slug_words("Meeting with the President") == "meeting-with-the-president"
    assert len(slug_words("会談" * 100)) <= 60


def test_the_date_and_the_time_of_a_moment_each_have_a_label(staff_client, django_user_model):
    """The release's publication time (the browser's inputs) and Django's own date-time fields
    (a user's last login) alike; a screen reader names each input."""
    user = django_user_model.objects.get(username="staff")
    for url, field in [
        (reverse("admin:releases_release_add"), "schedule_at"),
        (reverse("admin:auth_user_change", args=[user.pk]), "last_login"),
    ]:
        soup = BeautifulSoup(staff_client.get(url).content.decode(), "html.parser")
        assert soup.select_one(f"label[for=id_{field}_0]").get_text() == "日付:"
        assert soup.select_one(f"label[for=id_{field}_1]").get_text() == "時刻:"


def test_the_list_search_box_is_named_in_the_reader_language(staff_client):
    url = reverse("admin:releases_release_changelist")
    for language, name in [("ja", "検索"), ("en", "Search")]:
        staff_client.cookies["django_language"] = language
        soup = BeautifulSoup(staff_client.get(url).content.decode(), "html.parser")
        assert soup.select_one("label[for=searchbar] img")["alt"] == name


def test_the_switch_says_in_the_editors_language_why_japanese_cannot_be_typed(staff_client):
    from tests.factories import ReleaseFactory

    url = reverse("admin:releases_release_change", args=[ReleaseFactory().pk])
    page = BeautifulSoup(staff_client.get(url).content, "html.parser")
    note = page.select_one("form.translation-mode #translation-mode-note")
    # Hidden until the page's script makes some Japanese read-only.
    assert note.has_attr("hidden")
    assert "保存済みの日本語は読み取り専用です" in note.get_text()
    assert (
        note.select_one("button[name=mode][value=ja]").get_text()
        == "「日本語」に切り替えて編集する"
    )
    staff_client.post(reverse("set_language"), {"language": "en", "next": url})
    page = BeautifulSoup(staff_client.get(url).content, "html.parser")
    note = page.select_one("#translation-mode-note")
    assert "Japanese is shown read-only while translating side by side." in note.get_text()
    assert note.button.get_text() == "Switch to Japanese to edit it"
