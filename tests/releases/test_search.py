import datetime
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from releases.filters import SEARCH_COUNT_LIMIT
from releases.grams import gram, grams, normalise, search_terms
from releases.models import Agreement, Release
from releases.search import refresh_search_text, releases_showing
from tests.factories import (
    AgreementFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    OrganizationFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    SectionFactory,
    public_releases_in_bulk,
)
from tests.pages import soup_of, url

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.now() - datetime.timedelta(days=n)


def found(words):
    return list(Release.objects.published().search(words).values_list("slug", flat=True))


@pytest.fixture
def corpus():
    """Three public releases and a draft, each with some text only in one of its parts."""
    tokayev = OfficialFactory(
        slug="tokayev",
        name_ja="カシム＝ジョマルト・トカエフ",
        name_en="Kassym-Jomart Tokayev",
        other_names="Касым-Жомарт Токаев\nQasym-Jomart Toqaev",
    )
    tau_ken = OrganizationFactory(
        slug="tau-ken-samruk", name_ja="タウケン・サムルク", name_en="Tau-Ken Samruk"
    )
    summit = ReleaseFactory(
        slug="summit",
        title_ja="「中央アジア＋日本」対話・首脳会合への参加について",
        title_en="Participation in the Central Asia + Japan Dialogue Summit",
        lead_ja="ＪＯＧＭＥＣは首脳会合に参加しました。",
        published_at=days_ago(3),
    )
    meeting = MeetingFactory(
        release=summit,
        summary_ja="鉱物資源分野での協力について意見交換を行った。",
        summary_en="They discussed cooperation on mineral resources.",
    )
    MeetingParticipantFactory(meeting=meeting, official=tokayev, title_ja="大統領")
    agreement = AgreementFactory(
        title_ja="地質調査に関する覚書", title_en="MOU on geological survey", parties=[tau_ken]
    )
    ReleaseAgreementFactory(release=summit, agreement=agreement)

    rare = ReleaseFactory(
        slug="rare-metals",
        title_ja="備蓄の状況",
        title_en="Stockpiling",
        published_at=days_ago(2),
    )
    SectionFactory(release=rare, body_ja="<p>レアメタルの国家備蓄を&amp;拡充する。</p>")

    titled = ReleaseFactory(
        slug="rare-metals-in-title",
        title_ja="レアメタル備蓄",
        title_en="Rare metals stockpile",
        published_at=days_ago(5),
    )
    draft = ReleaseFactory(
        slug="draft",
        title_ja="レアメタル（未公開）",
        status=Release.Status.DRAFT,
        published_at=None,
    )
    refresh_search_text([summit, rare, titled, draft])
    return {"summit": summit, "rare": rare, "titled": titled}


def test_normalise_folds_case_width_and_cyrillic():
    assert normalise("ＪＯＧＭＥＣ Tokayev ТОКАЕВ ﾚｱﾒﾀﾙ") == "jogmec tokayev токаев レアメタル"


def test_search_terms_drop_control_characters_duplicates_and_excess():
    assert search_terms("a\x00b  A") == ["a", "b"]
    assert len(search_terms(" ".join(f"w{i}" for i in range(50)))) == 8


@pytest.mark.parametrize("words", ["タウケン", "サムルク", "Tau-Ken", "tau-ken samruk", "TAU"])
def test_organisation_names_are_found_by_any_part_in_either_language(corpus, words):
    assert found(words) == ["summit"]


@pytest.mark.parametrize(
    "words", ["トカエフ", "Tokayev", "tokayev", "Токаев", "токаев", "ТОКАЕВ", "Toqaev"]
)
def test_officials_are_found_by_any_spelling_and_case(corpus, words):
    assert found(words) == ["summit"]


def test_japanese_matches_inside_words_without_spaces(corpus):
    assert found("レアメタル") == ["rare-metals-in-title", "rare-metals"]
    assert found("メタル") == ["rare-metals-in-title", "rare-metals"]
    assert found("首脳") == ["summit"]


def test_half_width_and_full_width_forms_match(corpus):
    assert found("ﾚｱﾒﾀﾙ") == ["rare-metals-in-title", "rare-metals"]
    assert found("jogmec") == ["summit"]


@pytest.mark.parametrize(
    "words", ["鉱物資源分野", "mineral resources", "地質調査", "Geological Survey", "CENTRAL ASIA"]
)
def test_meeting_summaries_and_agreement_titles_are_searched_in_both_languages(corpus, words):
    assert found(words) == ["summit"]


def test_body_text_is_searched_without_its_markup(corpus):
    assert found("国家備蓄を&拡充") == ["rare-metals"]
    assert found("<p>") == []


def test_every_word_must_match(corpus):
    assert found("レアメタル 首脳") == []
    assert found("tokayev 首脳") == ["summit"]


def test_results_are_ordered_by_relevance_then_date(corpus):
    newest_in_title = ReleaseFactory(
        slug="newest", title_ja="レアメタル速報", published_at=days_ago(1)
    )
    refresh_search_text([newest_in_title])
    # Title matches first, newest first; then the body match, although it is newer than one.
    assert found("レアメタル") == ["newest", "rare-metals-in-title", "rare-metals"]


def test_search_never_returns_releases_that_are_not_public(corpus):
    assert "draft" not in found("未公開")
    assert Release.objects.search("未公開").get().slug == "draft"


@pytest.mark.parametrize("words", ["", "   ", "%", "_", "\\", "'", "\x00", "a" * 5000, "%_%"])
def test_odd_input_never_fails(corpus, words):
    assert isinstance(found(words), list)


def test_empty_query_changes_nothing(corpus):
    qs = Release.objects.published()
    assert Release.objects.published().search("  ").query.order_by == qs.query.order_by


def test_refresh_costs_the_same_queries_for_one_or_many_releases(django_assert_num_queries):
    def make():
        release = ReleaseFactory()
        meeting = MeetingFactory(release=release)
        MeetingParticipantFactory(meeting=meeting)
        SectionFactory(release=release)
        ReleaseAgreementFactory(release=release)
        return release

    one = [make()]
    many = [make() for _ in range(6)]
    # Release, countries, sections, photos, meetings, participants, agreements, parties,
    # signatories, then one bulk update.
    with django_assert_num_queries(10):
        refresh_search_text(one)
    with django_assert_num_queries(10):
        refresh_search_text(many)


def test_refresh_leaves_updated_at_alone():
    release = ReleaseFactory()
    before = Release.objects.get(pk=release.pk).updated_at
    refresh_search_text(Release.objects.filter(pk=release.pk))
    assert Release.objects.get(pk=release.pk).updated_at == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_postgresql_serves_the_search_from_the_trigram_index(corpus):
    issuer = corpus["summit"].issuer
    _bulk_releases(issuer, 5000)
    plan = Release.objects.published().search("レアメタル").explain()
    assert "release_search_trgm_idx" in plan


@pytest.mark.parametrize(
    "words",
    [
        "タウケン",
        "Tau-Ken",
        "レアメタル",
        "トカエフ",
        "Tokayev",
        "TOKAYEV",
        "Токаев",
        "тоқаев",
        "ＪＯＧＭＥＣ",
    ],
)
def test_the_demo_release_is_found_by_the_words_visitors_use(words):
    from devdata.demo import load_demo

    slug = load_demo().release.slug
    assert found(words) == [slug]


def test_releases_showing_finds_every_release_that_names_a_row():
    official, party, issuer = OfficialFactory(), OrganizationFactory(), OrganizationFactory()
    met = MeetingFactory()
    MeetingParticipantFactory(meeting=met, official=official)
    agreement = AgreementFactory(parties=[party, OrganizationFactory()])
    agreement.signatories.add(official)
    signed = ReleaseAgreementFactory(agreement=agreement).release
    issued = ReleaseFactory(issuer=issuer)
    ReleaseFactory()  # shows none of them

    def slugs(obj):
        return set(releases_showing(obj).values_list("slug", flat=True))

    assert slugs(official) == {met.release.slug, signed.slug}
    assert slugs(party) == {signed.slug}
    assert slugs(issuer) == {issued.slug}
    assert slugs(agreement) == {signed.slug}
    assert met.release.slug in slugs(met.country)


def test_renamed_official_is_found_by_the_new_name_after_a_refresh():
    official = OfficialFactory(name_en="Old Name")
    meeting = MeetingFactory()
    MeetingParticipantFactory(meeting=meeting, official=official)
    refresh_search_text(releases_showing(official))
    official.other_names = "Новое Имя"
    official.save()
    assert found("новое") == []
    refresh_search_text(releases_showing(official))
    assert found("новое") == [meeting.release.slug]


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize(
    "words", ["MOU", "MoU", "覚書", "了解覚書", "Memorandum of Understanding", "MOC", "協力覚書"]
)
def test_the_demo_release_is_found_by_the_names_of_its_agreements_kinds(client, language, words):
    from devdata.demo import load_demo

    release = load_demo().release
    soup = soup_of(client.get(url("releases:list", language) + "?" + urlencode({"q": words})))
    links = [a["href"] for a in soup.select(".release-list a")]
    assert release.get_absolute_url().split("/", 2)[2] in " ".join(links)


def test_an_agreement_of_another_kind_is_not_found_by_the_mou_s_names():
    release = ReleaseFactory(slug="other-kind")
    agreement = AgreementFactory(
        kind=Agreement.Kind.OTHER, title_ja="協定", title_en="Agreement on mapping"
    )
    ReleaseAgreementFactory(release=release, agreement=agreement)
    refresh_search_text([release])
    assert found("MOU") == []
    assert found("mapping") == ["other-kind"]


def test_grams_are_every_character_and_pair_within_words():
    text = normalise("会談 EU")
    assert grams(text) == sorted({gram(w) for w in ["会", "談", "会談", "e", "u", "eu"]})
    assert gram("談会") != gram("会談")
    # Characters beyond the Basic Multilingual Plane may share a pair's gram, never a single one.
    assert gram("𠮷") != gram("𠮟")


@pytest.mark.parametrize("words", ["銅", "会談", "eu", "ｅｕ", "Ок", "銅 会談", "𠮷", "𠮷野"])
def test_short_words_are_found_only_where_they_occur(words):
    ReleaseFactory(slug="has", title_ja="銅の会談", title_en="EU talks", lead_ja="Око 𠮷野家")
    # "𠮟野" shares the gram of "𠮷野" (beyond the BMP): the text itself tells them apart.
    ReleaseFactory(slug="has-not", title_ja="談会 銀", title_en="E U", lead_ja="О к 𠮟野")
    refresh_search_text(Release.objects.all())
    assert found(words) == ["has"]


def _bulk_releases(issuer, n):
    public_releases_in_bulk(issuer, n)
    with connection.cursor() as cursor:
        # Autovacuum does both in production: merge fresh entries into the index, count rows.
        for index in ("release_search_trgm_idx", "release_search_grams_idx"):
            cursor.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")
        cursor.execute("ANALYZE releases_release")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
@pytest.mark.parametrize(
    "words, index",
    [
        ("銅", "release_search_grams_idx"),
        ("ок", "release_search_grams_idx"),
        ("銅 首脳", "release_search_grams_idx"),
        ("首脳 レアメタル", "release_search_"),  # either index narrows it down
    ],
)
def test_postgresql_serves_short_words_from_the_grams_index(corpus, words, index):
    _bulk_releases(corpus["summit"].issuer, 5000)
    plan = Release.objects.published().search(words).explain()
    assert index in plan
    assert "Seq Scan on releases_release" not in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans are PostgreSQL's")
@pytest.mark.parametrize("words", ["報告", "oil"])
def test_a_common_word_s_page_is_read_in_publication_order_not_ranked_in_full(
    client, corpus, words
):
    """Every release has the word: the page walks the publication-date index and stops after
    a page, where ranking every match would read them all."""
    _bulk_releases(corpus["summit"].issuer, 5000)
    client.get(url("releases:list") + "?" + urlencode({"q": words}))  # counts, cached now
    with CaptureQueriesContext(connection) as queries:
        client.get(url("releases:list") + "?" + urlencode({"q": words, "page": 2}))
    pages = [q["sql"] for q in queries if "LIMIT 20" in q["sql"] and "COUNT" not in q["sql"]]
    assert pages
    for sql in pages:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "release_public_idx" in plan, plan
        # At most the ties of one publication moment are sorted (by id), never every match.
        full_sorts = [line for line in plan.splitlines() if "Sort  (" in line]
        assert all("Incremental Sort" in line for line in full_sorts), plan


def _rows_removed(node):
    """How many rows a plan node (EXPLAIN ANALYZE, as JSON) and those under it read and threw
    away."""
    removed = node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Join Filter", 0)
    return removed + sum(_rows_removed(child) for child in node.get("Plans", []))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans are PostgreSQL's")
@pytest.mark.parametrize("words, found", [("xqz", 1), ("qqqq", 0), ("鉛筆", 1), ("契約", 0)])
def test_a_word_that_few_releases_hold_is_read_from_its_matches_not_the_archive(
    client, corpus, words, found
):
    """PostgreSQL has no statistics of substrings and takes a word that one release holds, or
    none, for a common one: walking the publication index to its first match (the year facets'
    first and last moments, the page's rows) read the text of every public release (4 s for
    each such search at 100,000 releases). No query of the page throws away more rows than a
    search counts."""
    _bulk_releases(corpus["summit"].issuer, 5000)
    oldest = Release.objects.filter(slug__startswith="bulk-").order_by("published_at").first()
    Release.objects.filter(pk=oldest.pk).update(lead_en="Pencils: xqz", lead_ja="鉛筆")
    refresh_search_text([oldest.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("releases:list") + "?" + urlencode({"q": words}))
    shown = [a["href"] for a in soup_of(response).select(".release-list h3 a")]
    assert shown == [oldest.get_absolute_url()] * found
    for query in queries:
        if "releases_release" not in query["sql"]:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query['sql']}")
            plan = cursor.fetchone()[0][0]["Plan"]
        assert _rows_removed(plan) <= SEARCH_COUNT_LIMIT, (query["sql"], plan)
