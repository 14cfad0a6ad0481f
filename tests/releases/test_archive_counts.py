"""The archive counts (releases.archive) answer what the live aggregates over the public
releases answer, at every moment: after any sequence of edits made as a shell or the admin
makes them, each committed, and as scheduled releases become public with no write."""

import datetime
import importlib
import random

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from people.models import Country, Official
from releases.archive import refresh_archive_counts
from releases.filters import ReleaseFilter
from releases.models import (
    Agreement,
    ArchiveCount,
    Meeting,
    MeetingParticipant,
    OfficialCount,
    Release,
    ReleaseAgreement,
    Signature,
)
from tests.factories import (
    AgreementFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    OrganizationFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    country,
    public_releases_in_bulk,
)

pytestmark = [pytest.mark.django_db, pytest.mark.archive_on_commit]
CODES = ["KZ", "UZ", "MN", "PE", "CL"]
TOKYO = datetime.timezone(datetime.timedelta(hours=9))


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks, as the end of a real transaction would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def live():
    """Everything the pages read of the archive, from the live aggregates."""
    public = Release.objects.published()
    answers = {
        "countries": [(c.code, c.n) for c in public.country_counts()],
        "years": list(public.year_counts()),
        "totals": _totals(public.count_by_country(public.countries().order_by("name"))),
        "agreements": Agreement.objects.public().count(),
        "agreement countries": list(
            Country.objects.filter(agreements__in=Agreement.objects.public())
            .distinct()
            .order_by("name")
        ),
        "officials": {
            official.slug: (
                Meeting.objects.public().filter(participants=official).count(),
                Agreement.objects.public().filter(signatories=official).count(),
            )
            for official in Official.objects.all()
        },
    }
    for year in range(2020, 2023):
        of_year = public.issued_between(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        answers[year] = [(c.code, c.n) for c in of_year.country_counts()]
        for code in CODES[:3]:
            both = of_year.for_country(country(code))
            answers[year, code] = (
                [(c.code, c.n) for c in both.country_counts()],
                list(both.year_counts()),
            )
    for code in CODES:
        about = public.for_country(country(code))
        answers[code] = ([(c.code, c.n) for c in about.country_counts()], list(about.year_counts()))
    return answers


def from_table():
    """The same, from the archive counts."""
    counts = ArchiveCount.objects
    answers = {
        "countries": [(c.code, c.n) for c in counts.country_facets()],
        "years": counts.year_facets(),
        "totals": _totals(counts.countries()),
        "agreements": counts.agreement_counts()[None],
        "agreement countries": list(
            Country.objects.filter(
                pk__in=[pk for pk, n in counts.agreement_counts().items() if pk and n]
            ).order_by("name")
        ),
        "officials": {
            official.slug: OfficialCount.objects.totals(official)
            for official in Official.objects.all()
        },
    }
    for year in range(2020, 2023):
        answers[year] = [(c.code, c.n) for c in counts.country_facets(year=year)]
        for code in CODES[:3]:
            within = country(code)
            answers[year, code] = (
                [(c.code, c.n) for c in counts.country_facets(year, within)],
                counts.year_facets(within, year),
            )
    for code in CODES:
        within = country(code)
        answers[code] = (
            [(c.code, c.n) for c in counts.country_facets(within=within)],
            counts.year_facets(within),
        )
    return answers


def _totals(countries):
    return [(c.code, c.releases_n, c.meetings_n, c.agreements_n) for c in countries]


def tokyo(*args):
    return datetime.datetime(*args, tzinfo=TOKYO)


class Editor:
    """Random edits of the kinds the desk makes, each in its own committed transaction."""

    def __init__(self, rng, committed, time_machine):
        self.rng, self.committed, self.time_machine = rng, committed, time_machine
        self.countries = [country(code) for code in CODES]
        self.officials = OfficialFactory.create_batch(3)

    def some_countries(self):
        return self.rng.sample(self.countries, self.rng.randint(0, 3))

    def moment(self):
        # Around new year in Tokyo, where the UTC year is the old one.
        if self.rng.random() < 0.3:
            return tokyo(self.rng.choice([2020, 2021, 2022]), 1, 1, self.rng.randint(0, 10))
        return tokyo(2019, 6, 1) + datetime.timedelta(days=self.rng.randint(0, 1200))

    def scheduled_moment(self):
        return timezone.now() + datetime.timedelta(hours=self.rng.randint(1, 48))

    def release(self):
        return self.rng.choice(list(Release.objects.all()) or [None])

    def create(self):
        status = self.rng.choice(["draft", "published", "published", "withdrawn"])
        ReleaseFactory(
            status=status,
            published_at=None if status == "draft" else self.moment(),
            countries=self.some_countries(),
        )

    def publish(self, release):
        release.status, release.published_at = Release.Status.PUBLISHED, self.moment()
        release.save()

    def schedule(self, release):
        release.status, release.published_at = Release.Status.PUBLISHED, self.scheduled_moment()
        release.save(update_fields=["status", "published_at"])

    def withdraw(self, release):
        if release.published_at:
            release.status = Release.Status.WITHDRAWN
            release.save()

    def unpublish(self, release):
        release.status, release.published_at = Release.Status.DRAFT, None
        release.save()

    def set_countries(self, release):
        release.countries.set(self.some_countries())

    def clear_countries(self, release):
        release.countries.clear()

    def add_from_the_country(self, release):
        self.rng.choice(self.countries).releases.add(release)

    def clear_from_the_country(self, release):
        self.rng.choice(self.countries).releases.clear()

    def add_meeting(self, release):
        MeetingFactory(release=release, country=self.rng.choice(self.countries))

    def edit_meeting(self, release):
        meeting = self.rng.choice(list(Meeting.objects.all()) or [None])
        if meeting is None:
            return
        choice = self.rng.random()
        if choice < 0.4:
            meeting.country = self.rng.choice(self.countries)
            meeting.save()
        elif choice < 0.7:
            meeting.release = release
            meeting.save()
        else:
            meeting.delete()

    def meet_official(self, release):
        meeting = self.rng.choice(list(release.meetings.all()) or [None])
        official = self.rng.choice(self.officials)
        if meeting is None or MeetingParticipant.objects.filter(meeting=meeting, official=official):
            return
        if self.rng.random() < 0.5:
            MeetingParticipantFactory(meeting=meeting, official=official)
        else:
            meeting.participants.add(official)

    def part_official(self, release):
        participant = self.rng.choice(list(MeetingParticipant.objects.all()) or [None])
        if participant is None:
            return
        choice = self.rng.random()
        if choice < 0.3:
            participant.delete()
        elif choice < 0.5:
            participant.meeting.participants.remove(participant.official)
        elif choice < 0.7:
            participant.official.meetings.clear()
        else:  # another official in the same row, as the admin's inline changes it
            others = [o for o in self.officials if o != participant.official]
            if not MeetingParticipant.objects.filter(
                meeting=participant.meeting, official__in=others
            ):
                participant.official = self.rng.choice(others)
                participant.save()

    def sign(self, release):
        agreement = self.rng.choice(list(Agreement.objects.all()) or [None])
        if agreement is None:
            return
        if self.rng.random() < 0.7:
            agreement.signatories.add(self.rng.choice(self.officials))
        else:
            self.rng.choice(self.officials).signed_agreements.add(agreement)

    def unsign(self, release):
        official = self.rng.choice(self.officials)
        agreement = self.rng.choice(list(official.signed_agreements.all()) or [None])
        choice = self.rng.random()
        if agreement is not None and choice < 0.4:
            agreement.signatories.remove(official)
        elif agreement is not None and choice < 0.7:
            agreement.signatories.clear()
        else:
            official.signed_agreements.clear()

    def link_agreement(self, release):
        links = list(ReleaseAgreement.objects.select_related("agreement"))
        if links and self.rng.random() < 0.5:
            agreement = self.rng.choice(links).agreement
            if not ReleaseAgreement.objects.filter(release=release, agreement=agreement).exists():
                ReleaseAgreementFactory(release=release, agreement=agreement)
        else:
            partner = self.rng.choice([*self.countries, None])
            ReleaseAgreementFactory(release=release, agreement=AgreementFactory(country=partner))

    def edit_agreement(self, release):
        link = self.rng.choice(list(ReleaseAgreement.objects.select_related("agreement")) or [None])
        if link is None:
            return
        if self.rng.random() < 0.5:
            link.agreement.country = self.rng.choice([*self.countries, None])
            link.agreement.save()
        else:
            link.delete()

    def delete(self, release):
        release.delete()

    def time_passes(self, release):
        self.time_machine.move_to(
            timezone.now() + datetime.timedelta(hours=self.rng.randint(1, 30))
        )

    def step(self):
        edits = [
            self.publish,
            self.schedule,
            self.withdraw,
            self.unpublish,
            self.set_countries,
            self.clear_countries,
            self.add_from_the_country,
            self.clear_from_the_country,
            self.add_meeting,
            self.edit_meeting,
            self.meet_official,
            self.part_official,
            self.sign,
            self.unsign,
            self.link_agreement,
            self.edit_agreement,
            self.delete,
            self.time_passes,
        ]
        with self.committed():
            release = self.release()
            if release is None or self.rng.random() < 0.25:
                self.create()
            else:
                self.rng.choice(edits)(release)


@pytest.mark.parametrize("seed", range(3))
def test_the_counts_equal_the_live_aggregates_after_any_edits(seed, committed, time_machine):
    time_machine.move_to(tokyo(2022, 12, 30, 12), tick=False)
    editor = Editor(random.Random(seed), committed, time_machine)
    for _ in range(8):
        with committed():
            editor.create()
    for step in range(1, 61):
        editor.step()
        if step % 3 == 0:  # every answer takes about a hundred queries
            assert from_table() == live(), f"after step {step}"
    # A full rebuild finds what the changes on commit kept.
    kept = _rows()
    refresh_archive_counts()
    assert _rows() == kept


def _rows():
    return (
        list(ArchiveCount.objects.order_by("year", "within", "country").values_list()),
        list(OfficialCount.objects.order_by("year", "official").values_list()),
    )


def test_a_scheduled_release_counts_from_its_moment_with_no_write(committed, time_machine):
    time_machine.move_to(tokyo(2025, 6, 1, 12), tick=False)
    with committed():
        release = ReleaseFactory(published_at=tokyo(2025, 6, 1, 15), countries=[country("UZ")])
        MeetingFactory(release=release, country=country("UZ"))
        ReleaseAgreementFactory(release=release, agreement=AgreementFactory(country=country("UZ")))
    assert ArchiveCount.objects.country_facets() == []
    assert ArchiveCount.objects.countries() == []
    assert ArchiveCount.objects.agreement_counts()[None] == 0
    time_machine.move_to(tokyo(2025, 6, 1, 15))
    [uz] = ArchiveCount.objects.countries()
    assert (uz.code, uz.releases_n, uz.meetings_n, uz.agreements_n) == ("UZ", 1, 1, 1)
    assert ArchiveCount.objects.agreement_counts()[None] == 1
    assert ArchiveCount.objects.year_facets() == [{"year": 2025, "n": 1}]


def test_the_counts_stay_exact_on_a_server_whose_clock_is_behind_the_last_recount(
    committed, time_machine
):
    # Servers' clocks differ a little: one may read counts recounted by another at a moment
    # its own clock has not reached yet.
    time_machine.move_to(tokyo(2025, 6, 1, 12), tick=False)
    with committed():
        release = ReleaseFactory(published_at=tokyo(2025, 6, 1, 11, 59, 59), countries=[])
        release.countries.add(country("UZ"))
        MeetingFactory(release=release, country=country("UZ"))
        ReleaseAgreementFactory(release=release, agreement=AgreementFactory(country=country("UZ")))
    assert [c.code for c in ArchiveCount.objects.countries()] == ["UZ"]
    time_machine.move_to(tokyo(2025, 6, 1, 11, 59, 58), tick=False)
    assert from_table() == live()
    assert ArchiveCount.objects.countries() == []
    time_machine.move_to(tokyo(2025, 6, 1, 12, 0, 1), tick=False)
    assert from_table() == live()


def test_a_release_of_new_year_morning_in_tokyo_counts_in_the_new_year(committed):
    with committed():
        # 2025-12-31 23:00 UTC.
        ReleaseFactory(published_at=tokyo(2026, 1, 1, 8), countries=[country("MN")])
    assert ArchiveCount.objects.year_facets() == [{"year": 2026, "n": 1}]
    assert [c.code for c in ArchiveCount.objects.country_facets(year=2026)] == ["MN"]
    assert ArchiveCount.objects.country_facets(year=2025) == []


def test_a_release_about_two_countries_counts_once_in_its_year(committed):
    with committed():
        ReleaseFactory(published_at=tokyo(2024, 3, 1), countries=[country("KZ"), country("UZ")])
        ReleaseFactory(published_at=tokyo(2024, 4, 1))
    assert ArchiveCount.objects.year_facets() == [{"year": 2024, "n": 2}]
    within = ArchiveCount.objects.country_facets(within=country("KZ"))
    assert sorted((c.code, c.n) for c in within) == [("KZ", 1), ("UZ", 1)]


def test_an_agreement_reported_twice_counts_once(committed):
    with committed():
        agreement = AgreementFactory(country=country("PE"))
        for year in (2021, 2023):
            release = ReleaseFactory(published_at=tokyo(year, 5, 1), countries=[country("PE")])
            ReleaseAgreementFactory(release=release, agreement=agreement)
    [peru] = ArchiveCount.objects.countries()
    assert (peru.releases_n, peru.agreements_n) == (2, 1)
    with committed():
        Release.objects.get(published_at=tokyo(2021, 5, 1)).delete()
    [peru] = ArchiveCount.objects.countries()
    assert (peru.releases_n, peru.agreements_n) == (1, 1)


def test_the_agreements_total_counts_those_of_no_country_once(committed, time_machine):
    time_machine.move_to(tokyo(2025, 6, 1, 12), tick=False)
    with committed():
        unplaced, peruvian = AgreementFactory(country=None), AgreementFactory(country=country("PE"))
        for year in (2021, 2023):
            release = ReleaseFactory(published_at=tokyo(year, 5, 1))
            ReleaseAgreementFactory(release=release, agreement=unplaced)
        ReleaseAgreementFactory(release=release, agreement=peruvian)
        # Reported by a draft and by a release scheduled for tomorrow: public from tomorrow.
        waiting = AgreementFactory(country=None)
        ReleaseAgreementFactory(release=ReleaseFactory(status="draft"), agreement=waiting)
        tomorrow = ReleaseFactory(published_at=tokyo(2025, 6, 2, 9))
        ReleaseAgreementFactory(release=tomorrow, agreement=waiting)
    assert ArchiveCount.objects.agreement_counts()[None] == 2 == Agreement.objects.public().count()
    time_machine.move_to(tokyo(2025, 6, 2, 9))
    assert ArchiveCount.objects.agreement_counts()[None] == 3 == Agreement.objects.public().count()


def test_the_migration_counts_the_agreements_of_existing_sites_as_a_recount_does(committed):
    fill = importlib.import_module("releases.migrations.0028_archive_count_all_agreements").fill
    with committed():
        for year, partner in [(2021, None), (2021, country("PE")), (2023, None)]:
            release = ReleaseFactory(published_at=tokyo(year, 5, 1))
            ReleaseAgreementFactory(release=release, agreement=AgreementFactory(country=None))
            ReleaseAgreementFactory(release=release, agreement=AgreementFactory(country=partner))
        ReleaseAgreementFactory(
            release=ReleaseFactory(status="draft"), agreement=AgreementFactory()
        )
    counted = list(ArchiveCount.objects.order_by("year", "within", "country").values_list())
    # What a site held before: its rows of no country counted no agreements.
    ArchiveCount.objects.filter(within=None, country=None).update(agreements=0)
    fill(apps, None)
    assert list(ArchiveCount.objects.order_by("year", "within", "country").values_list()) == counted
    assert ArchiveCount.objects.agreement_counts()[None] == 6


def test_an_official_s_counts_wait_for_a_scheduled_release_s_moment(committed, time_machine):
    time_machine.move_to(tokyo(2025, 6, 1, 12), tick=False)
    minister = OfficialFactory()
    with committed():
        for moment in (tokyo(2024, 5, 1), tokyo(2025, 6, 1, 15)):  # the second, this afternoon
            release = ReleaseFactory(published_at=moment)
            MeetingParticipantFactory(meeting=MeetingFactory(release=release), official=minister)
            agreement = AgreementFactory()
            agreement.signatories.add(minister)
            ReleaseAgreementFactory(release=release, agreement=agreement)
        # Signed, but reported by a draft only: public with that release.
        unreported = AgreementFactory()
        unreported.signatories.add(minister)
        ReleaseAgreementFactory(release=ReleaseFactory(status="draft"), agreement=unreported)
    assert OfficialCount.objects.totals(minister) == (1, 1)
    time_machine.move_to(tokyo(2025, 6, 1, 15))
    assert OfficialCount.objects.totals(minister) == (2, 2)
    with committed():
        minister.meetings.clear()
    assert OfficialCount.objects.totals(minister) == (0, 2)


def test_officials_added_to_or_taken_from_a_public_release_count_at_once(committed):
    """`add()`, `remove()` and `clear()` save no row one by one: each alone is recounted."""
    minister, ceo = OfficialFactory(), OfficialFactory()
    with committed():
        release = ReleaseFactory(published_at=tokyo(2024, 5, 1))
        meeting = MeetingFactory(release=release)
        agreement = AgreementFactory()
        ReleaseAgreementFactory(release=release, agreement=agreement)
    steps = [
        (lambda: meeting.participants.add(minister, ceo), (1, 0), (1, 0)),
        (lambda: agreement.signatories.add(minister), (1, 1), (1, 0)),
        (lambda: ceo.signed_agreements.add(agreement), (1, 1), (1, 1)),
        (lambda: agreement.signatories.remove(minister), (1, 0), (1, 1)),
        (lambda: ceo.signed_agreements.clear(), (1, 0), (1, 0)),
        (lambda: meeting.participants.remove(ceo), (1, 0), (0, 0)),
        (lambda: minister.meetings.clear(), (0, 0), (0, 0)),
    ]
    for n, (step, minister_has, ceo_has) in enumerate(steps):
        with committed():
            step()
        found = OfficialCount.objects.totals(minister), OfficialCount.objects.totals(ceo)
        assert found == (minister_has, ceo_has), f"after step {n}"


def test_the_migration_counts_the_officials_of_existing_sites_as_a_recount_does(committed):
    fill = importlib.import_module("releases.migrations.0029_official_counts").fill
    minister, ceo = OfficialFactory(), OfficialFactory()
    with committed():
        for year in (2021, 2021, 2023):
            release = ReleaseFactory(published_at=tokyo(year, 1, 1, 7))  # Tokyo's new year
            meeting = MeetingFactory(release=release)
            meeting.participants.add(minister, ceo)
            agreement = AgreementFactory()
            agreement.signatories.add(minister)
            ReleaseAgreementFactory(release=release, agreement=agreement)
        MeetingParticipantFactory(
            meeting=MeetingFactory(release=ReleaseFactory(status="draft")), official=ceo
        )
    counted = list(OfficialCount.objects.order_by("official", "year").values_list())
    assert [row[1:] for row in counted] == [
        (2021, minister.pk, 2, 2),
        (2023, minister.pk, 1, 1),
        (2021, ceo.pk, 2, 0),
        (2023, ceo.pk, 1, 0),
    ]
    OfficialCount.objects.all().delete()  # what a site held before: nothing
    fill(apps, None)
    assert [
        row[1:] for row in OfficialCount.objects.order_by("official", "year").values_list()
    ] == [row[1:] for row in counted]


def test_the_migration_writes_the_signatures_of_existing_sites_as_the_signals_do():
    fill = importlib.import_module("releases.migrations.0034_signature").fill
    minister, ceo = OfficialFactory(), OfficialFactory()
    for day in (datetime.date(2021, 5, 1), None):
        agreement = AgreementFactory(signed_on=day)
        agreement.signatories.add(minister, ceo)
    AgreementFactory()  # signed by nobody known
    written = sorted(Signature.objects.values_list("agreement", "official", "signed_on"))
    assert len(written) == 4 and datetime.date.min in {row[2] for row in written}
    Signature.objects.all().delete()  # what a site held before: nothing
    fill(apps, None)
    assert sorted(Signature.objects.values_list("agreement", "official", "signed_on")) == written


def test_a_rolled_back_change_leaves_the_counts(committed):
    with committed():
        release = ReleaseFactory(published_at=tokyo(2024, 3, 1), countries=[country("KZ")])
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        release.countries.set([country("CL")])
        raise RuntimeError
    assert [c.code for c in ArchiveCount.objects.country_facets()] == ["KZ"]


def test_the_command_rebuilds_after_bulk_writes():
    releases = public_releases_in_bulk(OrganizationFactory(), 30)
    signer = OfficialFactory()
    agreement = AgreementFactory()
    ReleaseAgreement.objects.create(release=releases[0], agreement=agreement)
    Agreement.signatories.through.objects.bulk_create(
        [Agreement.signatories.through(agreement=agreement, official=signer)]
    )
    assert ArchiveCount.objects.year_facets() == []
    assert list(Agreement.objects.public().signed_by(signer)) == []
    call_command("refresh_archive_counts", verbosity=0)
    assert ArchiveCount.objects.year_facets() == list(Release.objects.published().year_counts())
    # An official's page lists the latest they signed from their signatures, rewritten too.
    assert list(Agreement.objects.public().signed_by(signer)) == [agreement]


@pytest.mark.parametrize(
    "query",
    ["", "country=KZ", "year=2024", "country=KZ&year=2024", "country=KZ&country=UZ", "q=x"],
)
def test_the_list_filter_reads_its_facets_as_the_aggregates_count_them(committed, query):
    with committed():
        for day, codes in [(1, ["KZ"]), (40, ["KZ", "UZ"]), (400, ["UZ"]), (800, [])]:
            ReleaseFactory(
                title_en="x" if day < 100 else "y",
                published_at=tokyo(2023, 1, 1) + datetime.timedelta(days=day),
                countries=[country(code) for code in codes],
            )
    filterset = ReleaseFilter(QueryDict(query), queryset=Release.objects.published())
    countries, years = filterset.facets()
    results = filterset.qs
    assert [(c.code, c.n) for c in countries] == [(c.code, c.n) for c in results.country_counts()]
    assert years == list(results.year_counts())


def _bulk_with_countries(n):
    releases = public_releases_in_bulk(OrganizationFactory(), n)
    links = Release.countries.through
    codes = list(Country.objects.filter(code__in=CODES))
    links.objects.bulk_create(
        links(release=release, country=codes[i % len(codes)]) for i, release in enumerate(releases)
    )
    refresh_archive_counts()


@pytest.mark.parametrize("n", [5, 300])
def test_the_facets_take_the_same_queries_whatever_the_archive_size(
    n, django_assert_num_queries, time_machine
):
    _bulk_with_countries(n)
    time_machine.move_to(timezone.now(), tick=False)
    ReleaseFactory(published_at=timezone.now() + datetime.timedelta(hours=1))
    kz = country("KZ")
    year = timezone.localdate().year
    # the cutoff, the rows, what differs from the cutoff now, the countries
    with django_assert_num_queries(4):
        ArchiveCount.objects.country_facets()
    with django_assert_num_queries(4):
        ArchiveCount.objects.country_facets(year, kz)
    with django_assert_num_queries(3):
        ArchiveCount.objects.year_facets(kz)
    with django_assert_num_queries(6):  # and the meetings and agreements that differ
        ArchiveCount.objects.countries()
