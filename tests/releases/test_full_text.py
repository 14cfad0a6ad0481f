"""Search through the full-text index (migration 0027): what visitors type finds the same
releases on SQLite (FTS5, trigram) and PostgreSQL (trigram and grams GIN indexes), whatever they
type, and the index follows every change to what it indexes. Each test runs on the database of
the run and expects the same results on both."""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from releases import workflow
from releases.filters import SEARCH_COUNT_LIMIT
from releases.models import Release
from tests.factories import MeetingFactory, ReleaseFactory, SectionFactory
from tests.pages import soup_of, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks (the search text's refresh), as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def releases(committed):
    """Four public releases and a draft, their search text written by the signals."""
    with committed():
        copper = ReleaseFactory(
            slug="copper",
            title_ja="銅鉱山の共同調査について",
            title_en="Joint survey of a copper mine",
            published_at=_days_ago(1),
        )
        SectionFactory(
            release=copper,
            body_ja="<p>「探鉱」の契約（第2段階）に署名した。</p>",
            body_en='<p>They signed the "phase-2" exploration contract: 50% each.</p>',
        )
        MeetingFactory(release=copper, summary_en="Talks with the minister on C++ and AT&T.")
        ReleaseFactory(
            slug="hydrogen",
            title_ja="水素の協力に関する覚書",
            title_en="MOU on hydrogen cooperation",
            lead_en="Near-term projects, not NEAR(far) ones.",
            published_at=_days_ago(2),
        )
        ReleaseFactory(
            slug="eu",
            title_ja="EUとの会談",
            title_en="Talks with the EU",
            lead_ja="大臣が出席した。",
            published_at=_days_ago(3),
        )
        ReleaseFactory(
            slug="survey-report",
            title_ja="地質調査の報告",
            title_en="Geological survey report on exploration",
            lead_en="Surveyors reported on copper deposits.",
            published_at=_days_ago(4),
        )
        ReleaseFactory(
            slug="draft",
            title_ja="銅の未公開の調査",
            title_en="Unpublished copper survey",
            status=Release.Status.DRAFT,
            published_at=None,
        )


def _days_ago(n):
    import datetime

    from django.utils import timezone

    return timezone.now() - datetime.timedelta(days=n)


def found(words):
    return list(Release.objects.published().search(words).values_list("slug", flat=True))


def listed(client, words, language="en"):
    """The slugs of the releases the public list shows for `words` (first page)."""
    response = client.get(url("releases:list", language) + "?" + urlencode({"q": words}))
    assert response.status_code == 200
    hrefs = [a["href"] for a in soup_of(response).select(".release-list h2 a, .release-list h3 a")]
    return [href.rstrip("/").rsplit("/", 1)[-1] for href in hrefs]


@pytest.mark.parametrize(
    "words, slugs",
    [
        # English words, whole and inside longer ones, in any case.
        ("copper", ["copper", "survey-report"]),
        ("COPPER", ["copper", "survey-report"]),
        ("survey", ["copper", "survey-report"]),
        ("exploration", ["survey-report", "copper"]),  # the title match first, then by date
        ("surveyor", ["survey-report"]),
        ("hydrogen cooperation", ["hydrogen"]),
        ("copper minister", ["copper"]),
        ("eu", ["eu"]),
        # Japanese words of one, two, three and more characters.
        ("銅", ["copper"]),
        ("調査", ["copper", "survey-report"]),
        ("大臣", ["eu"]),
        ("鉱山", ["copper"]),
        ("探鉱", ["copper"]),
        ("地質調査", ["survey-report"]),
        ("共同調査について", ["copper"]),
        # Mixed scripts and widths.
        ("ＥＵ 会談", ["eu"]),
        ("銅 copper", ["copper"]),
        ("水素 mou", ["hydrogen"]),
        # Punctuation and quotes, as they are in the text.
        ('"phase-2"', ["copper"]),
        ("「探鉱」", ["copper"]),
        ("（第2段階）", ["copper"]),
        ("c++", ["copper"]),
        ("at&t", ["copper"]),
        ("50%", ["copper"]),
        ("near(far)", ["hydrogen"]),
        # Words found nowhere public.
        ("未公開", []),
        ("uranium", []),
        ("銀", []),
    ],
)
def test_words_find_the_same_releases_on_either_database(client, releases, words, slugs):
    assert found(words) == slugs
    assert listed(client, words) == slugs


@pytest.mark.parametrize(
    "words",
    [
        '"',
        '""',
        '"copper',
        "*",
        "copper*",
        "NEAR(",
        "NEAR(copper survey)",
        "-",
        "-copper",
        ":",
        "search_text:copper",
        "copper AND",
        "OR",
        "NOT survey",
        "^copper",
        "(",
        ")",
        "{search_title}",
        "'",
        "%",
        "_",
        "\\",
        "+",
        "銅*",
        '"銅',
        '調"査',
        "a" * 150,
    ],
)
@pytest.mark.parametrize("language", ["en", "ja"])
def test_full_text_syntax_in_the_words_is_only_text(client, releases, words, language):
    """`"`, `*`, `NEAR(`, `-`, `:` and the like mean nothing special: a page of results or
    none, never an error."""
    slugs = listed(client, words, language)
    assert set(slugs) <= {"copper", "hydrogen", "eu", "survey-report"}
    assert found(words) == slugs


def test_the_index_follows_edits_and_deletion(committed, releases):
    release = Release.objects.get(slug="eu")
    with committed():
        release.title_en = "Talks with the Commission"
        release.title_ja = "欧州委員会との会談"
        release.save()
    assert found("commission") == ["eu"]
    assert found("欧州委員会") == ["eu"]
    assert found("欧州") == ["eu"]
    assert found("ＥＵ") == []
    with committed():
        Release.objects.get(slug="copper").delete()
    assert found("銅") == []
    assert found("copper") == ["survey-report"]


def test_a_release_is_found_once_published_and_never_once_withdrawn(
    client, committed, releases, publisher
):
    draft = Release.objects.get(slug="draft")
    assert found("unpublished") == []
    with committed():
        workflow.publish(draft, publisher)
    assert found("unpublished") == ["draft"]
    assert listed(client, "未公開", "ja") == ["draft"]
    with committed():
        workflow.withdraw(draft, publisher, "誤りがあったため")
    assert found("unpublished") == []
    assert found("未公開") == []
    assert listed(client, "未公開", "ja") == []


def test_rows_written_in_bulk_are_indexed_too(releases):
    from tests.factories import OrganizationFactory, public_releases_in_bulk

    public_releases_in_bulk(OrganizationFactory(), 3)
    assert found("定例報告 第1号") == ["bulk-1"]
    assert found("oil") == ["bulk-0", "bulk-1", "bulk-2"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 table")
def test_sqlite_keeps_the_index_with_triggers():
    """Django's SQLite schema editor rebuilds a table it alters, without its triggers: a
    migration that alters releases_release must create them again (migration 0027)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            ["releases_release"],
        )
        triggers = {name for (name,) in cursor.fetchall()}
    assert {f"releases_release_fts_{event}" for event in ("insert", "update", "delete")} <= (
        triggers
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plans")
@pytest.mark.parametrize("words", ["copper", "調査", "銅", "copper 調査"])
def test_sqlite_finds_words_through_the_index_without_reading_every_release(
    client, releases, words
):
    """No query of a search page reads the search text of every release (a LIKE over the
    whole table): each word is looked up in the FTS5 index."""
    with CaptureQueriesContext(connection) as queries:
        client.get(url("releases:list") + "?" + urlencode({"q": words}))
    searching = [q["sql"] for q in queries if " MATCH " in q["sql"]]
    assert searching
    for sql in [q["sql"] for q in queries]:
        assert 'search_text" LIKE' not in sql and 'search_title" LIKE' not in sql, sql
    for sql in searching:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
        assert "VIRTUAL TABLE INDEX" in plan, plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plans")
@pytest.mark.parametrize("words", ["copper", "銅", "copper 調査"])
def test_sqlite_counts_a_search_as_the_index_yields_its_matches(client, releases, words):
    """The capped read of a search's matches (their ids, counted up to a limit) takes the FTS5
    index first and each match's release by its id, so it stops at its limit: a subquery of the
    index's ids (`id IN (...)`) listed every match first (for a common word at 100,000
    releases, 78,000 ids)."""
    with CaptureQueriesContext(connection) as queries:
        client.get(url("releases:list") + "?" + urlencode({"q": words}))
    capped = f"LIMIT {SEARCH_COUNT_LIMIT + 1}"
    counts = [q["sql"] for q in queries if capped in q["sql"] and " MATCH " in q["sql"]]
    assert counts
    for sql in counts:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            steps = [str(row[-1]) for row in cursor.fetchall()]
        index = next(n for n, step in enumerate(steps) if "VIRTUAL TABLE INDEX" in step)
        release = next(n for n, step in enumerate(steps) if "releases_release " in step + " ")
        assert index < release, steps
        assert not any("LIST SUBQUERY" in step for step in steps[: index + 1]), steps
