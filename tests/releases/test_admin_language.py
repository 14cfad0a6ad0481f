"""The admin speaks one language at a time: the reader's. Pages, the history (what each save
changed, the names of its rows) and the edit-conflict message."""

import pytest
from django.urls import reverse
from reversion.models import Revision

from releases.models import Release
from tests.admin_forms import errors, form_data
from tests.factories import (
    AgreementFactory,
    ContactFactory,
    MeetingFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
)

pytestmark = pytest.mark.django_db


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def history_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])


def in_language(client, settings, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def draft_release(**fields):
    """A release in draft: its edits in the admin are saved at once (a live release's wait for
    a publisher, releases.drafts)."""
    return ReleaseFactory(status=Release.Status.DRAFT, published_at=None, **fields)


def test_the_meeting_page_names_its_release_in_japanese(staff_client, settings):
    meeting = MeetingFactory(release=draft_release())
    html = in_language(staff_client, settings, "ja").get(change_url(meeting)).content.decode()
    assert 'for="id_release">リリース:</label>' in html
    assert "Release:" not in html
    assert "Lock version" not in html


def test_the_meeting_page_names_its_release_in_english(staff_client, settings):
    meeting = MeetingFactory(release=draft_release())
    html = in_language(staff_client, settings, "en").get(change_url(meeting)).content.decode()
    assert 'for="id_release">Release:</label>' in html


@pytest.mark.parametrize(
    "language,shown,absent",
    [
        ("ja", "日時をクリックするとその版の内容を開き", "Click a date"),
        ("en", "Click a date to open that version", "日時をクリック"),
    ],
)
def test_the_history_page_speaks_one_language(staff_client, settings, language, shown, absent):
    release = ReleaseFactory()
    url = change_url(release)
    client = in_language(staff_client, settings, language)
    client.post(url, form_data(client.get(url), "release_form"))
    html = client.get(history_url(release)).content.decode()
    assert shown in html
    assert absent not in html
    assert "比較元 · From" not in html


@pytest.fixture
def saved_in_english(staff_client, settings):
    """A release whose contact and agreement link an English-speaking editor changed."""
    release = draft_release()
    ContactFactory(release=release, department_ja="金属企画部")
    ContactFactory(release=release, role="press", department_ja="広報課")
    ReleaseAgreementFactory(release=release, agreement=AgreementFactory(title_ja="協力覚書"))
    url = change_url(release)
    client = in_language(staff_client, settings, "en")
    data = form_data(client.get(url), "release_form")
    data["title_en"] = "A new title"
    data["contacts-0-department_ja"] = "金属企画部 国際課"
    data["contacts-1-department_ja"] = "広報課 報道係"
    data["agreement_links-0-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, errors(response)
    return release


def test_a_history_entry_reads_in_the_japanese_readers_language(
    staff_client, settings, saved_in_english
):
    client = in_language(staff_client, settings, "ja")
    html = client.get(history_url(saved_in_english)).content.decode()
    assert "タイトル（英語）" in html
    assert "お問い合わせ: 金属企画部 国際課" in html
    assert "報道関係: 広報課 報道係" in html
    assert "MOU（覚書）: 協力覚書" in html
    for english in ("Inquiries:", "Press:", "MOU:", "Changed", "Deleted"):
        assert english not in html


def test_the_same_history_entry_reads_in_english(staff_client, settings, saved_in_english):
    client = in_language(staff_client, settings, "en")
    html = client.get(history_url(saved_in_english)).content.decode()
    assert "Title (English)" in html
    assert "Inquiries: Metals Strategy Department" in html or "Inquiries: 金属企画部" in html
    assert "MOU: Memorandum" in html
    assert "お問い合わせ" not in html


def test_an_entry_kept_before_comments_were_kept_per_language_reads_as_written(
    staff_client, settings
):
    release = draft_release()
    url = change_url(release)
    staff_client.post(url, form_data(staff_client.get(url), "release_form"))
    Revision.objects.update(comment="タイトル を変更しました。")
    html = in_language(staff_client, settings, "en").get(history_url(release)).content.decode()
    assert "タイトル を変更しました。" in html


def test_a_conflict_with_your_own_other_tab_says_so(staff_client, settings):
    release = draft_release(title_ja="元の題名")
    url = change_url(release)
    client = in_language(staff_client, settings, "ja")
    client.post(url, form_data(client.get(url), "release_form"))
    first_tab = form_data(client.get(url), "release_form")
    second_tab = form_data(client.get(url), "release_form")
    first_tab["subtitle_ja"] = "最初のタブの副題"
    assert client.post(url, first_tab).status_code == 302
    second_tab["title_ja"] = "二つ目のタブの題名"
    said = " ".join(errors(client.post(url, second_tab)))
    assert "あなたが別のタブまたはウィンドウで保存しました" in said
    assert "他の人" not in said
    assert "副題（日本語）" in said
    assert "[ja]" not in said


def test_a_conflict_with_your_own_other_tab_says_so_in_english(staff_client, settings):
    release = draft_release(title_ja="元の題名")
    url = change_url(release)
    client = in_language(staff_client, settings, "en")
    client.post(url, form_data(client.get(url), "release_form"))
    first_tab = form_data(client.get(url), "release_form")
    second_tab = form_data(client.get(url), "release_form")
    first_tab["subtitle_ja"] = "最初のタブの副題"
    assert client.post(url, first_tab).status_code == 302
    said = " ".join(errors(client.post(url, second_tab)))
    assert "You saved this in another tab or window after you opened it here" in said
    assert "You changed there: Subtitle (Japanese)." in said
    assert "someone else" not in said.lower()


def test_the_japanese_admin_index_names_the_login_records_and_tasks_in_japanese(
    staff_client, settings
):
    html = in_language(staff_client, settings, "ja").get(reverse("admin:index")).content.decode()
    assert "ログインの試み" in html and "タスクの結果" in html
    assert "ログイン記録" in html and "認証アプリ" in html and "タスクキュー" in html
    for english in ("Access attempts", "Task Results", "Axes", "Tasks Database Backend"):
        assert english not in html
