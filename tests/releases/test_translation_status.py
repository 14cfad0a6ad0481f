"""Translation status: every release knows which of its English texts are missing or older
than the Japanese they translate; the release list filters by it, the release page shows it,
a page lists what waits, and the public English page says what it shows in Japanese."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils.translation import override

from releases.models import Meeting, Release, Section
from tests.admin_forms import form_data
from tests.factories import (
    ContactFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    PhotoFactory,
    ReleaseFactory,
    SectionFactory,
    staff_member,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:releases_release_changelist"
QUEUE = "admin:releases_release_translation"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks, as the end of a real transaction would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def status(release):
    release.refresh_from_db()
    return release.english_missing, release.english_outdated


def gap_labels(release, state):
    from releases.translation_status import Gap

    release.refresh_from_db()
    with override("en"):
        return [Gap.from_data(g).label for g in release.translation_gaps if g["state"] == state]


@pytest.fixture
def translated(committed):
    """A release whose every text has its English: a section, a meeting with an official, a
    photo and a contact."""
    with committed():
        release = ReleaseFactory(slug="translated", subtitle_ja="副題", subtitle_en="Subtitle")
        SectionFactory(release=release, heading_en="Heading", body_en="<p>Text</p>")
        meeting = MeetingFactory(release=release, summary_ja="会談した。", summary_en="They met.")
        MeetingParticipantFactory(meeting=meeting, title_ja="大臣", title_en="Minister")
        PhotoFactory(release=release, caption_ja="会談の様子", caption_en="The meeting")
        ContactFactory(release=release, persons_ja="山田", persons_en="Yamada")
    return release


def test_a_release_written_in_both_languages_is_translated(translated):
    assert status(translated) == (0, 0)
    assert translated.translation_gaps == []


def test_japanese_changed_after_the_english_makes_it_out_of_date(translated, committed):
    with committed():
        translated.lead_ja = "新しい概要"
        translated.save()
    assert status(translated) == (0, 1)
    assert gap_labels(translated, "outdated") == ["Lead"]
    with committed():
        translated.lead_en = "A new summary"
        translated.save()
    assert status(translated) == (0, 0)


def test_both_languages_changed_in_one_save_count_as_translated(translated, committed):
    with committed():
        translated.lead_ja, translated.lead_en = "別の概要", "Another summary"
        translated.save()
    assert status(translated) == (0, 0)


def test_a_part_saved_in_plain_orm_code_marks_its_release(translated, committed):
    meeting = Meeting.objects.get(release=translated)
    with committed():
        meeting.summary_ja = "会談し、協力を確認した。"
        meeting.save()
        SectionFactory(release=translated, heading_ja="新しい節", body_ja="<p>日本語だけ</p>")
    assert status(translated) == (2, 1)
    assert gap_labels(translated, "outdated") == ["Meeting 1: Summary"]
    assert gap_labels(translated, "missing") == ["Body section 2: Heading", "Body section 2: Text"]


def test_text_without_japanese_script_needs_no_english(translated, committed):
    with committed():
        PhotoFactory(release=translated, caption_ja="", credit_ja="ROTOBO", credit_en="")
    assert status(translated) == (0, 0)


def test_an_official_without_an_english_name_is_missing_on_each_release(translated, committed):
    official = OfficialFactory(name_ja="トカエフ", name_en="Tokayev")
    with committed():
        MeetingParticipantFactory(meeting=translated.meetings.get(), official=official)
    assert status(translated) == (0, 0)
    with committed():
        official.name_en = ""
        official.save()
    assert gap_labels(translated, "missing") == ["Official トカエフ: Name"]
    with committed():
        official.name_en = "Kassym-Jomart Tokayev"
        official.save()
    assert status(translated) == (0, 0)


def test_rows_from_before_the_marks_count_their_english_as_current(translated, committed):
    Section.objects.filter(release=translated).update(translation_marks={})
    section = Section.objects.get(release=translated)
    with committed():
        section.save()
    assert status(translated) == (0, 0)


# The admin


def test_the_release_list_shows_and_filters_translation_state(staff_client, translated, committed):
    with committed():
        behind = ReleaseFactory(slug="behind", title_ja="遅れ", title_en="Behind")
        behind.title_ja = "遅れている"
        behind.save()
        ReleaseFactory(slug="untranslated", title_ja="未訳", title_en="")
    response = staff_client.get(reverse(CHANGELIST), HTTP_ACCEPT_LANGUAGE="en")
    rows = {
        row.select_one("th").get_text(strip=True): row.select_one(".field-translation_state").text
        for row in BeautifulSoup(response.content, "html.parser").select("#result_list tbody tr")
    }
    assert rows[translated.title_en] == "Translated"
    assert rows["Behind"] == "1 out of date"
    assert rows["未訳"] == "1 missing"  # the English list shows the Japanese title

    def listed(value):
        response = staff_client.get(reverse(CHANGELIST), {"translation": value})
        assert response.status_code == 200
        return {r.slug for r in response.context["cl"].result_list}

    assert listed("missing") == {"untranslated"}
    assert listed("outdated") == {"behind"}
    assert listed("waiting") == {"untranslated", "behind"}
    assert listed("translated") == {"translated"}


def test_the_release_page_lists_what_to_translate(staff_client, translated, committed):
    with committed():
        translated.subtitle_ja = "新しい副題"
        translated.save()
    url = reverse("admin:releases_release_change", args=[translated.pk])
    page = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    soup = BeautifulSoup(page.content, "html.parser")
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")][:2]
        for row in soup.select(".translation-gaps tbody tr")
    ]
    assert rows == [["Subtitle", "English older than the Japanese"]]


def test_checking_the_english_marks_it_current_and_changes_no_text(
    staff_client, translated, committed
):
    with committed():
        translated.subtitle_ja = "新しい副題"
        translated.save()
        meeting = Meeting.objects.get(release=translated)
        meeting.summary_ja = "会談し、協力を確認した。"
        meeting.save()
        SectionFactory(release=translated, heading_ja="新しい節", body_ja="")
    assert status(translated) == (1, 2)
    meeting_version = Meeting.objects.get(pk=meeting.pk).version
    # A draft, whose edits are saved at once (a live release's wait for a publisher).
    Release.objects.filter(pk=translated.pk).update(status=Release.Status.DRAFT, published_at=None)
    url = reverse("admin:releases_release_change", args=[translated.pk])
    data = form_data(staff_client.get(url), "release_form")
    data["english_checked"] = "on"
    with committed():
        response = staff_client.post(url, data)
    assert response.status_code == 302
    # The missing English is still missing: checking cannot write it.
    assert status(translated) == (1, 0)
    meeting.refresh_from_db()
    assert meeting.summary_en == "They met." and meeting.version == meeting_version
    # Changed again later, the Japanese is ahead again.
    with committed():
        meeting.summary_ja = "三度目の改訂。"
        meeting.save()
    assert status(translated) == (1, 1)


def test_the_waiting_page_lists_releases_whose_english_waits(client, translated, committed):
    with committed():
        behind = ReleaseFactory(slug="behind", title_ja="遅れ", title_en="Behind")
        behind.lead_ja = "変わった概要"
        behind.save()
        ReleaseFactory(slug="draft-ja", title_ja="下書き", title_en="", status="draft")
        gone = ReleaseFactory(slug="gone", title_ja="取り下げ", title_en="", status="withdrawn")
    client.force_login(staff_member("Editors"))
    response = client.get(reverse(QUEUE), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    titles = [h.get_text(strip=True) for h in soup.select(".translation-queue__release h2")]
    assert titles == ["下書き", "遅れ"]
    assert gone.title_ja not in titles
    text = soup.select(".translation-queue__release")[1].get_text(" ", strip=True)
    assert "Lead" in text and "English older than the Japanese" in text
    outdated = client.get(reverse(QUEUE), {"state": "outdated"})
    assert "下書き" not in outdated.content.decode()
    assert client.get(reverse(QUEUE), {"page": "99"}).status_code == 200


def test_the_waiting_page_costs_the_same_queries_for_many_releases(
    client, committed, django_assert_num_queries
):
    client.force_login(staff_member("Editors"))
    with committed():
        ReleaseFactory(title_en="")
    client.get(reverse(QUEUE))
    with django_assert_num_queries(6):
        client.get(reverse(QUEUE))
    with committed():
        for _ in range(8):
            SectionFactory(release=ReleaseFactory(title_en=""))
    with django_assert_num_queries(6):
        client.get(reverse(QUEUE))


def test_the_waiting_page_is_for_staff_only(client):
    response = client.get(reverse(QUEUE))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_waiting_page_speaks_japanese(client, translated, committed):
    with committed():
        ReleaseFactory(title_ja="未訳", title_en="")
    client.force_login(staff_member("Editors"))
    response = client.get(reverse(QUEUE), HTTP_ACCEPT_LANGUAGE="ja")
    text = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
    assert "翻訳待ち" in text and "英語なし" in text


# The public English page


def english_url(release):
    with override("en"):
        return release.get_absolute_url()


def test_the_english_page_says_which_parts_are_shown_in_japanese(client, translated, committed):
    with committed():
        section = Section.objects.get(release=translated)
        section.body_en = ""
        section.save()
    page = client.get(english_url(translated))
    soup = BeautifulSoup(page.content, "html.parser")
    notice = soup.select_one(".notice--language")
    assert [li.get_text(strip=True) for li in notice.select("li")] == ["Body section 1: Text"]
    assert soup.select_one(".release__section .prose")["lang"] == "ja"
    with override("ja"):
        japanese_url = translated.get_absolute_url()
    japanese = BeautifulSoup(client.get(japanese_url).content, "html.parser")
    assert japanese.select_one(".notice--language") is None


def test_a_translated_english_page_has_no_notice(client, translated):
    page = client.get(english_url(translated))
    assert b"notice--language" not in page.content


def test_an_outdated_english_text_is_still_shown_in_english(client, translated, committed):
    with committed():
        translated.lead_ja = "改訂した概要"
        translated.save()
    page = client.get(english_url(translated))
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.select_one(".release__lead").get_text(strip=True) == "Summary"
    assert soup.select_one(".notice--language") is None


def test_each_english_input_says_it_is_behind(staff_client, translated, committed):
    with committed():
        translated.lead_ja = "新しい概要"
        translated.save()
        meeting = Meeting.objects.get(release=translated)
        meeting.place_ja = "アスタナ"
        meeting.save()
    url = reverse("admin:releases_release_change", args=[translated.pk])
    soup = BeautifulSoup(staff_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content, "html.parser")
    lead = soup.select_one("#id_lead_en")
    assert lead["data-english"] == "outdated"
    help_text = soup.select_one(f"#{lead['aria-describedby'].split()[0]}").get_text(strip=True)
    assert help_text.startswith("Older than the Japanese")
    assert soup.select_one("#id_meetings-0-place_en")["data-english"] == "missing"
    assert not soup.select_one("#id_title_en").has_attr("data-english")


def test_the_counting_migration_finds_the_missing_english_of_existing_releases():
    """Migration 0010 carries its own copy of the rule: it finds the same missing texts, in the
    same order, as the release's own status does (without the times, which rows had no marks
    for then)."""
    import importlib

    from django.apps import apps

    from releases.translation_status import Gap, release_gaps

    migration = importlib.import_module("releases.migrations.0010_count_translation_gaps")
    release = ReleaseFactory(title_ja="日本語だけの題", title_en="", subtitle_ja="副題")
    SectionFactory(release=release, heading_ja="見出し", heading_en="")
    meeting = MeetingFactory(release=release, summary_ja="会談した。", summary_en="")
    MeetingParticipantFactory(meeting=meeting, title_ja="大臣", title_en="")
    type(release).objects.filter(pk=release.pk).update(english_missing=0, translation_gaps=[])

    migration.count_gaps(apps, None)

    release.refresh_from_db()
    expected = [
        {**g.as_data(), "ja_at": None, "en_at": None}
        for g in release_gaps(type(release).objects.with_details().get(pk=release.pk))
    ]
    assert release.translation_gaps == expected
    assert release.english_missing == len(expected) > 0
    with override("en"):
        labels = [Gap.from_data(g).label for g in release.translation_gaps]
    assert "Title" in labels and "Body section 1: Heading" in labels
