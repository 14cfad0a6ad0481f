"""Which lists show a release just published: the alerts' matcher against the public list."""

import datetime
import random

import pytest
from django.http import QueryDict
from django.utils import timezone

from alerts.services import matching, might_show, release_recipients, shown_in
from releases.filters import ReleaseFilter
from releases.models import Agreement, Release
from releases.search import refresh_search_text
from tests.factories import (
    AgreementFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    SubscriptionFactory,
    country,
)

pytestmark = pytest.mark.django_db

WORDS = [
    "",
    "lithium",
    "LITHIUM",
    "ｌｉｔｈｉｕｍ",
    "リチウム",
    "銅",
    "会談",
    "copper moc",
    "kazakhstan lithium",
    "nickel",
    "覚書",
    "mou",
    "水素 hydrogen",
    "x" * 250,
]
COUNTRIES = [[], ["KZ"], ["UZ"], ["kz"], ["KZ", "CL"], ["AU", "UZ"], ["JP"], ["XX"], ["K1"]]
DATES = [
    {},
    {"year": "2024"},
    {"year": "2025"},
    {"year": "2023"},
    {"year": "1800"},
    {"year": "2024", "month": "6"},
    {"year": "2024", "month": "7"},
    {"month": "6"},
    {"from": "2024-01-01", "to": "2024-12-31"},
    {"from": "2025-01-01"},
    {"to": "2023-12-31"},
    {"from": "2025-01-01", "to": "2024-01-01"},
]
KINDS = ["", "mou", "moc", "other", "bogus"]


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def archive():
    """Three public releases with countries, officials, agreements, words in both languages,
    dates (one a few minutes before a new year, Tokyo time)."""
    met, signed = OfficialFactory(slug="met-official"), OfficialFactory(slug="signing-official")
    lithium = ReleaseFactory(
        title_en="Lithium survey in Kazakhstan",
        title_ja="カザフスタンのリチウム調査",
        published_at=at(2024, 6, 15, 10),
    )
    lithium.countries.add(country("KZ"))
    MeetingParticipantFactory(meeting=MeetingFactory(release=lithium), official=signed)
    MeetingParticipantFactory(meeting=MeetingFactory(release=lithium), official=met)
    copper = ReleaseFactory(
        title_en="Copper MOC", title_ja="銅の協力覚書", published_at=at(2025, 1, 10, 9)
    )
    copper.countries.add(country("UZ"), country("AU"))
    agreement = AgreementFactory(kind=Agreement.Kind.MOC, country=country("UZ"))
    agreement.signatories.add(signed)
    ReleaseAgreementFactory(release=copper, agreement=agreement)
    hydrogen = ReleaseFactory(
        title_en="Hydrogen", title_ja="水素", published_at=at(2023, 12, 31, 23, 30)
    )
    hydrogen.countries.add(country("CL"))
    refresh_search_text([lithium, copper, hydrogen])
    return [Release.objects.with_related().get(pk=r.pk) for r in (lithium, copper, hydrogen)]


def query_string(words, countries, dates, kind, official):
    query = QueryDict(mutable=True)
    if words:
        query["q"] = words
    query.setlist("country", countries)
    query.update(dates)
    if kind:
        query["agreement"] = kind
    if official:
        query["official"] = official
    return query.urlencode()


def queries():
    """Each filter alone in all its values, then a random sample of combinations."""
    officials = ["", "met-official", "signing-official", "nobody", "bad slug!"]
    axes = [WORDS, COUNTRIES, DATES, KINDS, officials]
    empty = ["", [], {}, "", ""]
    singles = [
        query_string(*[value if i == axis else empty[i] for i in range(5)])
        for axis, values in enumerate(axes)
        for value in values
    ]
    rng = random.Random(12)
    # Each filter is left out of half the combinations: more of them show some release.
    combinations = [
        [rng.choice(values) if rng.random() < 0.5 else empty[i] for i, values in enumerate(axes)]
        for _ in range(100)
    ]
    return list(dict.fromkeys(singles + [query_string(*c) for c in combinations]))


def shown_by_the_list(release, query):
    """Does the public list with these filters show the release?"""
    filterset = ReleaseFilter(QueryDict(query), queryset=Release.objects.published())
    return filterset.qs.filter(pk=release.pk).exists()


def test_the_matcher_agrees_with_the_public_list_on_many_filters(archive):
    all_queries = queries()
    assert len(all_queries) > 100
    total = 0
    for release in archive:
        shown = shown_in(release, all_queries)
        total += len(shown)
        test = might_show(release)
        this = Release.objects.published().filter(pk=release.pk)
        # Not a vacuous comparison: each release is in some lists, out of most, and the
        # in-memory test alone sets most of those aside.
        assert 0 < len(shown) < len(all_queries) / 2
        assert sum(map(test, all_queries)) < len(all_queries) / 2
        for query in all_queries:
            expected = matching(this, query).exists()
            assert (query in shown) == expected, (release.title_en, query)
            assert test(query) or not expected, (release.title_en, query)
            if ReleaseFilter(QueryDict(query), queryset=Release.objects.none()).form.is_valid():
                assert expected == shown_by_the_list(release, query), (release.title_en, query)
    assert total > 30


def test_each_release_is_shown_by_some_lists_and_not_others(archive):
    lithium, copper, hydrogen = archive
    assert shown_in(
        lithium, ["q=リチウム", "q=ｌｉｔｈｉｕｍ", "country=KZ", "official=met-official"]
    ) == {
        "q=リチウム",
        "q=ｌｉｔｈｉｕｍ",
        "country=KZ",
        "official=met-official",
    }
    assert shown_in(copper, ["q=銅", "agreement=moc", "official=signing-official"]) == {
        "q=銅",
        "agreement=moc",
        "official=signing-official",
    }
    assert shown_in(hydrogen, ["year=2023", "year=2024", "country=KZ", "q=copper"]) == {"year=2023"}


def test_lists_that_cannot_show_the_release_are_set_aside_without_asking_the_database(archive):
    lithium = archive[0]
    test = might_show(lithium)
    for query in ["country=UZ", "q=copper", "official=signing-official&q=水素", "agreement=moc"]:
        assert not test(query), query


def test_a_stored_filter_that_no_longer_validates_matches_nothing(archive):
    lithium = archive[0]
    assert shown_in(lithium, ["country=KZ&country=XX", "official=nobody", "month=6"]) == set()


def test_recipients_are_the_confirmed_immediate_subscriptions_whose_list_shows_it(archive):
    lithium = archive[0]
    before = lithium.published_at - datetime.timedelta(days=1)
    due = SubscriptionFactory(query="country=KZ", confirmed_at=before)
    SubscriptionFactory(query="country=UZ", confirmed_at=before)
    SubscriptionFactory(query="country=KZ", confirmed_at=before, frequency="daily")
    SubscriptionFactory(query="country=KZ", confirmed_at=None)
    SubscriptionFactory(
        query="country=KZ", confirmed_at=lithium.published_at + (lithium.published_at - before)
    )
    everything = SubscriptionFactory(query="", confirmed_at=before)
    assert release_recipients(lithium.pk) == [due.pk, everything.pk]
