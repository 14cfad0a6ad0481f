"""What pages need of the whole public archive (the list's facets, the countries page, a
country's totals), counted once when content changes instead of on every request.

`ArchiveCount` holds, per local (Tokyo) year, the releases with status published per country
and per pair of countries, with the meetings and agreements they report. A change recounts only
the years it touches (a few thousand releases at most, however large the archive grows): the
receiver in `releases.signals` collects them and calls `refresh_archive_counts(years)` when the
transaction commits. Rows written with `bulk_create` or `update()` send no signals: whoever
writes that way calls `refresh_archive_counts()` (the `refresh_archive_counts` command does).

`OfficialCount` holds, per local year, the meetings with each official that those releases
report and the agreements each official signed, kept by the same recount.

Both count the releases with status published up to a cutoff (`ArchiveCutoff`), the moment of
the last recount: a release becomes public at its moment with no write, so what became public
since is added when the counts are read (`ArchiveCount.objects`, `OfficialCount.objects`), and
each recount moves the cutoff to its own moment, recounting the years of the releases between
the two. What is added is then what became public since the last change: a few releases, where
subtracting every scheduled release grew with the desk's queue.
"""

import datetime
from collections import Counter, defaultdict

from django.db import transaction
from django.db.models import Count, Min, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone

from .models import (
    Agreement,
    ArchiveCount,
    ArchiveCutoff,
    Meeting,
    MeetingParticipant,
    OfficialCount,
    Release,
    ReleaseAgreement,
)

PUBLISHED = Release.Status.PUBLISHED


def year_of(moment):
    """The local year of a publication moment: 1 January 08:00 in Tokyo is of the new year."""
    return timezone.localtime(moment).year


def _start_of(year):
    return timezone.make_aware(datetime.datetime(year, 1, 1))


def all_years():
    """Every local year that has a release with status published, or rows in the table."""
    published = Release.objects.filter(status=PUBLISHED).annotate(year=ExtractYear("published_at"))
    years = set(published.order_by().values_list("year", flat=True).distinct())
    years |= set(ArchiveCount.objects.values_list("year", flat=True).distinct())
    return years | set(OfficialCount.objects.values_list("year", flat=True).distinct())


def _published_in(year, cutoff):
    """The releases with status published of the local `year`, up to the moment `cutoff`
    (None: all of them)."""
    start, end = _start_of(year), _start_of(year + 1)
    releases = Release.objects.filter(
        status=PUBLISHED, published_at__gte=start, published_at__lt=end
    )
    return releases if cutoff is None else releases.filter(published_at__lte=cutoff)


def _agreements_of(year, cutoff):
    """The agreements that count in the local `year`: an agreement counts once, in the year of
    the first release with status published (up to `cutoff`) that reports it, so years add up
    to a total."""
    reported = ReleaseAgreement.objects.filter(release__in=_published_in(year, cutoff))
    counted = Q(release_links__release__status=PUBLISHED)
    if cutoff is not None:
        counted &= Q(release_links__release__published_at__lte=cutoff)
    first = Min("release_links__release__published_at", filter=counted)
    agreements = Agreement.objects.filter(pk__in=reported.values("agreement_id")).order_by()
    return agreements.annotate(first=first).filter(
        first__gte=_start_of(year), first__lt=_start_of(year + 1)
    )


def count_year(year, cutoff=None):
    """{(within id, country id): [releases, meetings, agreements]} for the local `year`, of the
    releases with status published up to `cutoff`."""
    releases = _published_in(year, cutoff)
    links = Release.countries.through.objects.filter(release__in=releases).order_by()
    rows = defaultdict(lambda: [0, 0, 0])
    rows[None, None][0] = releases.count()
    for country_id, n in links.values_list("country_id").annotate(n=Count("pk")):
        rows[None, country_id][0] = n
    pairs = links.values_list("country_id", "release__countries").annotate(n=Count("pk"))
    for within_id, country_id, n in pairs:
        rows[within_id, country_id][0] = n
    meetings = Meeting.objects.filter(release__in=releases).order_by()
    for country_id, n in meetings.values_list("country_id").annotate(n=Count("pk")):
        rows[None, country_id][1] = n
    # The row of no country counts them all (the register's total), those of no country too.
    agreements = _agreements_of(year, cutoff).values_list("country_id", flat=True)
    for country_id, n in Counter(agreements).items():
        if country_id is not None:
            rows[None, country_id][2] = n
        rows[None, None][2] += n
    return rows


def count_officials(year, cutoff=None):
    """{(official id,): [meetings, agreements]} for the local `year`: the meetings with each
    official that its releases with status published (up to `cutoff`) report, and the
    agreements each official signed that count in it."""
    rows = defaultdict(lambda: [0, 0])
    meetings = MeetingParticipant.objects.filter(meeting__release__in=_published_in(year, cutoff))
    for official_id, n in meetings.order_by().values_list("official_id").annotate(n=Count("pk")):
        rows[(official_id,)][0] = n
    signed = Agreement.signatories.through.objects.filter(
        agreement__in=_agreements_of(year, cutoff).values("pk")
    )
    for official_id, n in signed.order_by().values_list("official_id").annotate(n=Count("pk")):
        rows[(official_id,)][1] = n
    return rows


def refresh_archive_counts(years=None):
    """Recount `years` (local years; every year when None), and move the cutoff to now. A few
    queries per year; returns the years recounted.

    First, in one transaction, the cutoff moves to now and the years of the releases between
    the old cutoff and now are recounted up to it; then each other year, in a transaction of
    its own, up to the cutoff as it is then. The cutoff's row is locked by each (PostgreSQL):
    recounts wait for one another, and every year's rows always count up to the cutoff."""
    years = set(all_years() if years is None else years)
    with transaction.atomic():
        cutoff = _locked_cutoff()
        moment = timezone.now()
        moved = _years_between(cutoff, moment)
        for year in sorted(moved):
            _recount(year, moment)
        # Written without signals, as the counts are: a new cutoff changes nothing the public
        # sees, and leaves the public caches as they are (core.signals).
        ArchiveCutoff.objects.update(moment=moment)
    for year in sorted(years - moved):
        with transaction.atomic():
            _recount(year, _locked_cutoff())
    return sorted(years | moved)


def _locked_cutoff():
    """The cutoff's moment, its row locked until the transaction ends (made first if none)."""
    rows = ArchiveCutoff.objects.select_for_update()
    if not rows.exists():
        ArchiveCutoff.objects.bulk_create([ArchiveCutoff(pk=1)], ignore_conflicts=True)
    return rows.values_list("moment", flat=True).get()


def _years_between(cutoff, moment):
    """The local years of the releases with status published between `cutoff` (None: no end)
    and `moment`: those whose counting changes when the cutoff moves to `moment`."""
    releases = Release.objects.filter(status=PUBLISHED)
    if cutoff is None:
        releases = releases.filter(published_at__gt=moment)
    else:
        early, late = sorted((cutoff, moment))
        releases = releases.filter(published_at__gt=early, published_at__lte=late)
    return {year_of(published) for published in releases.values_list("published_at", flat=True)}


def _recount(year, cutoff):
    counted = ("releases", "meetings", "agreements")
    _store(ArchiveCount, ("within_id", "country_id"), counted, year, count_year, cutoff)
    _store(
        OfficialCount, ("official_id",), ("meetings", "agreements"), year, count_officials, cutoff
    )


def _store(model, keys, fields, year, count, cutoff):
    """Write `count(year, cutoff)`, {(values of `keys`): [values of `fields`]}, as `model`'s
    rows of `year`, changing only the rows whose counts changed."""
    # Locked first (PostgreSQL): a recount of the same year that commits meanwhile is waited
    # for, and this one then counts what it wrote.
    rows = list(model.objects.filter(year=year).select_for_update())
    counts = count(year, cutoff)
    stale = []
    for row in rows:
        values = counts.pop(tuple(getattr(row, key) for key in keys), [0] * len(fields))
        # A row no release needs any more is kept at zero: deleting it would send a signal per
        # row (the content-cache receivers), and readers skip zeros.
        if [getattr(row, name) for name in fields] != values:
            for name, value in zip(fields, values, strict=True):
                setattr(row, name, value)
            stale.append(row)
    fresh = [
        model(year=year, **dict(zip(keys + fields, key + tuple(values), strict=True)))
        for key, values in counts.items()
    ]
    model.objects.bulk_update(stale, fields)
    model.objects.bulk_create(fresh)


def years_touched(release_ids=(), agreement_ids=()):
    """The local years whose counts depend on these releases and agreements as they are now:
    the releases' own years, and those of every release reporting one of the agreements or an
    agreement of these releases (where its first release, so its year, may have moved)."""
    ids = [pk for pk in release_ids if pk is not None]
    releases = Release.objects.filter(pk__in=ids, published_at__isnull=False)
    moments = set(releases.values_list("published_at", flat=True))
    links = ReleaseAgreement.objects.filter(release_id__in=ids).values("agreement_id")
    agreements = Q(agreement__in=links) | Q(agreement_id__in=[pk for pk in agreement_ids if pk])
    reporting = ReleaseAgreement.objects.filter(agreements, release__status=PUBLISHED)
    moments.update(reporting.values_list("release__published_at", flat=True))
    return {year_of(moment) for moment in moments}
