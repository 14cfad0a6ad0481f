"""The pages read their rows in the order an index keeps them: EXPLAIN of the queries they send."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from releases.archive import refresh_archive_counts
from releases.models import (
    Agreement,
    Meeting,
    MeetingParticipant,
    Release,
    ReleaseAgreement,
    refresh_signatures,
)
from tests.factories import OfficialFactory, OrganizationFactory, country, public_releases_in_bulk
from tests.pages import url

pytestmark = pytest.mark.django_db

SQLITE_ONLY = pytest.mark.skipif(connection.vendor != "sqlite", reason="the plans are SQLite's")


def _analyse():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _plan(sql):
    explain = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
    with connection.cursor() as cursor:
        cursor.execute(f"{explain} {sql}")
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def _queries_of(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in queries]


def test_a_deep_list_page_walks_the_publication_index_to_its_offset_without_sorting(client):
    public_releases_in_bulk(OrganizationFactory(), 3000)
    refresh_archive_counts()  # bulk writes send no signal; the list counts from these
    _analyse()
    pages = [
        sql for sql in _queries_of(client, url("releases:list") + "?page=20") if "OFFSET 380" in sql
    ]
    assert pages  # the ids of the page, then their rows
    plan = _plan(pages[0])
    assert "release_public_idx" in plan, plan
    # The ids are taken in the index's order up to the offset: nothing is sorted to find them
    # (the outer query may still put the page's 20 rows in order).
    finding = _finding_the_ids(pages[0])
    assert "release_public_idx" in finding, finding
    assert "TEMP B-TREE" not in finding and "Sort" not in finding, finding


def _finding_the_ids(sql):
    """The part of the plan of `WHERE id IN (SELECT id … LIMIT n OFFSET m)` that reads the
    subquery: SQLite's LIST SUBQUERY node, PostgreSQL's Limit node, with what is under them."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            rows = cursor.fetchall()
            inside = {node for node, _parent, _unused, detail in rows if "SUBQUERY" in detail}
            for node, parent, _unused, _detail in rows:  # parents come before their children
                if parent in inside:
                    inside.add(node)
            return "\n".join(detail for node, _p, _u, detail in rows if node in inside)
        cursor.execute(f"EXPLAIN {sql}")
        lines = [row[0] for row in cursor.fetchall()]
    start = next(n for n, line in enumerate(lines) if line.lstrip(" ->").startswith("Limit"))
    depth = len(lines[start]) - len(lines[start].lstrip())
    below = [lines[start]]
    for line in lines[start + 1 :]:
        if len(line) - len(line.lstrip()) <= depth:
            break
        below.append(line)
    return "\n".join(below)


@SQLITE_ONLY
def test_the_agreements_register_stops_at_its_page_in_signature_order(client):
    issuer = OrganizationFactory()
    releases = public_releases_in_bulk(issuer, 300)
    agreements = Agreement.objects.bulk_create(
        Agreement(
            slug=f"agreement-{i}",
            kind=Agreement.Kind.MOU,
            title_ja=f"覚書{i}",
            country=country("KZ"),
            signed_on=datetime.date(2000, 1, 1) + datetime.timedelta(days=i * 7),
        )
        for i in range(300)
    )
    ReleaseAgreement.objects.bulk_create(
        ReleaseAgreement(release=release, agreement=agreement)
        for release, agreement in zip(releases, agreements, strict=True)
    )
    refresh_archive_counts()  # bulk writes send no signals
    _analyse()
    pages = [sql for sql in _queries_of(client, url("releases:agreements")) if "LIMIT 30" in sql]
    assert pages  # the rows of the page's ids, chosen in a subquery
    plan = _plan(pages[0])
    assert "USING INTEGER PRIMARY KEY" in plan.splitlines()[0], plan
    assert "agreement_signed_idx" in plan, plan
    # The only sort is of the page's 30 rows, by the outer query.
    assert plan.count("TEMP B-TREE") == 1 and plan.endswith("USE TEMP B-TREE FOR ORDER BY"), plan


@SQLITE_ONLY
def test_an_official_s_page_walks_their_meetings_in_date_order_and_stops_at_the_page(client):
    """As in an archive: many officials, this one at one meeting in ten."""
    official, *others = [OfficialFactory() for _ in range(40)]
    releases = public_releases_in_bulk(OrganizationFactory(), 400)
    meetings = Meeting.objects.bulk_create(
        Meeting(release=release, country=country("KZ"), date=release.published_at.date())
        for release in releases
    )
    MeetingParticipant.objects.bulk_create(  # bulk writes send no signals: the date given here
        MeetingParticipant(
            meeting=meeting,
            official=official if n % 10 == 0 else others[n % 39],
            meeting_date=meeting.date,
        )
        for n, meeting in enumerate(meetings)
    )
    refresh_archive_counts()  # the page counts from these
    _analyse()
    path = url("releases:official", slug=official.slug)
    pages = [
        sql
        for sql in _queries_of(client, path)
        if sql.startswith('SELECT "releases_meeting"."id"') and "LIMIT 20" in sql
    ]
    assert pages  # the rows of the page's ids, chosen in a subquery
    finding = _finding_the_ids(pages[0])
    # Down the official's own index in date order: only ties of a date are sorted (by their
    # releases' publication), not all of their meetings.
    assert "participant_official_date_idx" in finding, finding
    assert "COVERING INDEX release_public_cover_idx" in finding, finding
    assert "USE TEMP B-TREE FOR ORDER BY" not in finding, finding


@SQLITE_ONLY
def test_an_official_s_page_finds_the_latest_they_signed_down_their_own_index(client):
    """As in an archive: many officials, this one a signatory of one agreement in four."""
    official, *others = [OfficialFactory() for _ in range(20)]
    releases = public_releases_in_bulk(OrganizationFactory(), 400)
    agreements = Agreement.objects.bulk_create(
        Agreement(slug=f"a{n}", title_ja=f"覚書{n}", signed_on=release.published_at.date())
        for n, release in enumerate(releases)
    )
    ReleaseAgreement.objects.bulk_create(
        ReleaseAgreement(release=release, agreement=agreement)
        for release, agreement in zip(releases, agreements, strict=True)
    )
    Agreement.signatories.through.objects.bulk_create(
        Agreement.signatories.through(
            agreement=agreement, official=official if n % 4 == 0 else others[n % 19]
        )
        for n, agreement in enumerate(agreements)
    )
    refresh_signatures(agreement.pk for agreement in agreements)  # bulk writes send no signals
    refresh_archive_counts()
    _analyse()
    path = url("releases:official", slug=official.slug)
    signed = [
        sql
        for sql in _queries_of(client, path)
        if sql.startswith('SELECT "releases_agreement"."id"') and "LIMIT 10" in sql
    ]
    assert len(signed) == 1, signed
    plan = _plan(signed[0])
    # Down the official's signatures in date order, stopping at the tenth public one: none of
    # their hundred agreements is sorted.
    assert "signature_latest_idx" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


@SQLITE_ONLY
def test_an_old_release_s_previous_link_starts_at_the_release_not_at_the_newest(client):
    """SQLite walks the publication index from the first upper bound it is given: the previous
    link's query reads the few entries below the release, not every release newer than it."""
    releases = public_releases_in_bulk(OrganizationFactory(), 3000)
    _analyse()
    oldest = min(releases, key=lambda release: (release.published_at, release.pk))
    old = [r for r in releases if r.published_at > oldest.published_at]
    old = min(old, key=lambda release: (release.published_at, release.pk))  # one above the oldest
    steps = []

    def count_a_hundred_steps():
        steps.append(1)
        return 0  # go on

    connection.ensure_connection()
    connection.connection.set_progress_handler(count_a_hundred_steps, 100)
    try:
        assert Release.objects.before(old).for_links().first() == oldest
    finally:
        connection.connection.set_progress_handler(None, 100)
    # Walking down from the newest would take ~3,000 rows (thousands of steps of 100).
    assert len(steps) < 50, len(steps)
