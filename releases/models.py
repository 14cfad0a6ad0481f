import datetime
import uuid
from collections import Counter
from pathlib import PurePath
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connections, models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from core.models import TranslationTracked, Versioned
from core.slugs import slug_words, unique_slug
from people.models import Country, Official, Organization

from .grams import GramsField, exact_gram, gram, search_terms
from .richtext import EDITOR_EXTENSIONS, sanitize_html


def _local_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# The denormalised search columns (releases.search): large, and never shown. Lists defer them.
SEARCH_COLUMNS = ("search_title", "search_text", "search_grams")
# SQLite's full-text index of search_title and search_text (migration 0027).
FULL_TEXT_TABLE = "releases_release_fts"


def is_public(path=""):
    """The publishing rule as a condition on the release at `path` ("release__" from a row that
    belongs to one): published, and its publication moment has passed."""
    return Q(
        **{f"{path}status": Release.Status.PUBLISHED, f"{path}published_at__lte": timezone.now()}
    )


def _phrase(term):
    """`term` as an FTS5 phrase: in double quotes (doubled inside), every character is literal
    (`*`, `-`, `:`, `NEAR(`, `AND`...), and the trigram tokenizer matches it as a substring."""
    return '"' + term.replace('"', '""') + '"'


# Releases whose column contains a phrase; and the phrase of every trigram of the index that
# starts with a word (None starts with it: the empty phrase, which matches nothing). Table and
# column names are ours; the words are always parameters.
_MATCHING = f"SELECT rowid FROM {FULL_TEXT_TABLE} WHERE {{column}} MATCH "  # noqa: S608
_TRIGRAMS_STARTING = (
    "coalesce((SELECT group_concat('\"' || replace(term, '\"', '\"\"') || '\"', ' OR ') "  # noqa: S608
    f"FROM {FULL_TEXT_TABLE}_terms WHERE term >= %s AND term < %s), '\"\"')"
)


def _match(term):
    """The right side of an FTS5 MATCH that finds `term` in SQLite's trigram index (migration
    0027), as an expression. A word of three characters or more is the phrase of its trigrams.
    A shorter one has none: it is in the text exactly when one of the index's trigrams starts
    with it (the index has two newlines after each text), so it is searched as any of those
    trigrams, read from the index's vocabulary (fts5vocab)."""
    if len(term) >= 3:
        return RawSQL("%s", [_phrase(term)], output_field=models.TextField())  # noqa: S611
    bounds = [term, term + "\U0010ffff"]
    return RawSQL(_TRIGRAMS_STARTING, bounds, output_field=models.TextField())  # noqa: S611


def _full_text(column, term):
    """The ids of releases whose `column` contains `term`, from SQLite's FTS5 trigram index."""
    match = _match(term)
    return RawSQL(_MATCHING.format(column=column) + match.sql, match.params)  # noqa: S611


def containing(terms, using="default", joined=False):
    """The condition "the search text contains every one of `terms`" (normalised words, see
    releases.grams.search_terms), answered by an index on each database:

    - SQLite: the FTS5 trigram index of migration 0027, for words of any length;
    - PostgreSQL: words of three characters or more through the trigram GIN index (migration
      0002); shorter ones through the grams' GIN index (releases.grams), exactly: a word of one
      or two characters is in the text if and only if its gram is, so the text is not read.

    On SQLite the condition is a subquery of the index's ids (`id IN (...)`): SQLite lists
    every match, then walks the publication index and stops at the page. `joined=True` joins
    the index instead (`FullText`), which SQLite reads first, match by match: for a count that
    stops at a limit (at 100,000 releases, "minister" matches 78,000: 67 ms listed, 1.3 ms
    joined). A joined condition is for `filter()` only, not negated or ranked in a CASE.
    """
    if connections[using].vendor == "sqlite":
        if joined:
            return Q(*(Q(full_text__search_text__match=_match(term)) for term in terms))
        return Q(*(Q(pk__in=_full_text("search_text", term)) for term in terms))
    condition = Q()
    short = [term for term in terms if len(term) < 3]
    for term in terms:
        if len(term) >= 3 or not exact_gram(term):
            condition &= Q(search_text__contains=term)
    if short:
        condition &= Q(search_grams__has=[gram(term) for term in short])
    return condition


def titled(term, using="default", joined=False):
    """The condition "the title (either language) contains `term`": through the FTS5 index on
    SQLite (a subquery, or `joined` as in `containing()`), the trigram index of migration 0027
    on PostgreSQL (for words of three characters or more: titles are short)."""
    if connections[using].vendor == "sqlite":
        if joined:
            return Q(full_text__search_title__match=_match(term))
        return Q(pk__in=_full_text("search_title", term))
    return Q(search_title__contains=term)


class ReleaseQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: published, and its publication moment has passed."""
        return self.filter(is_public())

    # The countries and officials "of" some releases: the public ones are those of
    # `published()`. Subqueries are not correlated with the country (no Exists/OuterRef):
    # correlated ones make SQLite walk every public release once per country.

    def agreement_links(self):
        """The links from these releases to the agreements they announce or mention."""
        return ReleaseAgreement.objects.filter(release__in=self)

    def countries(self):
        """The countries these releases are about."""
        links = Release.countries.through.objects.filter(release__in=self)
        return Country.objects.filter(pk__in=links.values("country_id"))

    def officials(self):
        """The officials these releases report: at a meeting, or signing an agreement."""
        # Joins from the official's own rows (their participations, their signatures) to the
        # release: `release IN (these releases)` would make SQLite probe every public
        # release's id for each participation.
        met = self.filter(meetings__participations__official=OuterRef("pk"))
        signed = self.filter(agreement_links__agreement__signatories=OuterRef("pk"))
        return Official.objects.filter(Exists(met) | Exists(signed))

    def count_by_country(self, countries):
        """`countries` as a list (so: last in a chain), each with `releases_n`, `meetings_n` and
        `agreements_n` counted over these releases; four queries for any number."""
        countries = list(countries)
        ids = [country.pk for country in countries]
        if not ids:
            return countries
        links = self.agreement_links()
        counts = {
            "releases_n": Release.countries.through.objects.filter(release__in=self),
            "meetings_n": Meeting.objects.filter(release__in=self),
            "agreements_n": Agreement.objects.filter(pk__in=links.values("agreement_id")),
        }
        for name, rows in counts.items():
            rows = rows.filter(country_id__in=ids).order_by().values_list("country_id")
            found = dict(rows.annotate(n=Count("pk")))
            for country in countries:
                setattr(country, name, found.get(country.pk, 0))
        return countries

    def publication_moments(self):
        """(the latest publication moment passed, the next scheduled one), None where there is
        none: what is public changes at the next one with no write to the database."""
        now = timezone.now()
        published = self.filter(status=Release.Status.PUBLISHED).values("published_at")
        # Each moment is one step in the publication index (status, published_at): an
        # aggregate over the published releases would read all of them, on every request
        # that nothing cached. One query: any one row carries the two subqueries.
        last = published.filter(published_at__lte=now).order_by("-published_at")[:1]
        following = published.filter(published_at__gt=now).order_by("published_at")[:1]
        row = (
            self.model.objects.order_by("pk")
            .annotate(last=Subquery(last), next=Subquery(following))
            .values("last", "next")
            .first()
        )
        return (row["last"], row["next"]) if row else (None, None)

    def for_countries(self, countries):
        """Releases about any of `countries` (Country rows or ISO codes)."""
        rows = [c for c in countries if isinstance(c, Country)]
        codes = [c for c in countries if not isinstance(c, Country)]
        # Rows in hand need no join to the countries table in every release's subquery.
        match = Q(country_id__in=[c.pk for c in rows])
        if codes:
            match |= Q(country__code__in=codes)
        links = Release.countries.through.objects.filter(match, release_id=OuterRef("pk"))
        return self.filter(Exists(links))

    def for_country(self, country):
        return self.for_countries([country])

    def for_event(self, event):
        """Releases of a topical event: attached to it, or reporting one of its meetings."""
        attached = TopicalEvent.releases.through.objects.filter(
            release_id=OuterRef("pk"), topicalevent=event
        )
        met = TopicalEvent.meetings.through.objects.filter(
            meeting__release_id=OuterRef("pk"), topicalevent=event
        )
        return self.filter(Exists(attached) | Exists(met))

    def issued_between(self, start=None, end=None):
        """Published on or after `start` and on or before `end` (dates, inclusive, local time)."""
        qs = self
        if start:
            qs = qs.filter(published_at__gte=_local_midnight(start))
        if end:
            qs = qs.filter(published_at__lt=_local_midnight(end + datetime.timedelta(days=1)))
        return qs

    def search(self, words):
        """Releases whose text (both languages, every part) contains every word, best first.

        Words match anywhere, inside Japanese text without spaces too, ignoring case and width;
        a release scores 2 for each word in its title and 1 for each word found elsewhere.
        """
        terms = search_terms(words)
        if not terms:
            return self
        rank = Value(0)
        for term in terms:
            rank += Case(When(titled(term, self.db), then=Value(2)), default=Value(1))
        qs = self.filter(containing(terms, self.db))
        return qs.annotate(search_rank=rank).order_by("-search_rank", "-published_at", "-id")

    def with_related(self):
        return self.select_related("issuer").prefetch_related("countries").defer(*SEARCH_COLUMNS)

    def for_links(self):
        """Only what a link to each shows: its title, address and date."""
        return self.only("slug", "title", "published_at")

    def for_list(self):
        """What a list shows of each (includes/release_item.html): a link, the lead and the
        countries."""
        return self.only("slug", "title", "published_at", "lead").prefetch_related("countries")

    def with_reports(self, country=None):
        """Prefetch the meetings with their participants, and the agreements, that each release
        reports: those of `country` only, if given."""
        meetings = Meeting.objects.with_participants()
        links = ReleaseAgreement.objects.select_related("agreement")
        if country is not None:
            meetings = meetings.filter(country=country)
            links = links.filter(agreement__country=country)
        return self.prefetch_related(
            Prefetch("meetings", queryset=meetings), Prefetch("agreement_links", queryset=links)
        )

    def reachable(self):
        """What a visitor can open by its address: public releases, and withdrawn ones whose
        publication moment has passed (they keep their URL and show the withdrawal notice)."""
        return self.filter(
            status__in=[Release.Status.PUBLISHED, Release.Status.WITHDRAWN],
            published_at__lte=timezone.now(),
        )

    def for_official(self, official):
        """Releases reporting a meeting with `official`, or an agreement they signed."""
        met = MeetingParticipant.objects.filter(
            meeting__release_id=OuterRef("pk"), official=official
        )
        signed = ReleaseAgreement.objects.filter(
            release_id=OuterRef("pk"), agreement__signatories=official
        )
        return self.filter(Exists(met) | Exists(signed))

    def with_agreement_kind(self, kind):
        links = ReleaseAgreement.objects.filter(release_id=OuterRef("pk"), agreement__kind=kind)
        return self.filter(Exists(links))

    def with_details(self):
        """Everything the release page shows, in a fixed number of queries."""
        agreement_links = ReleaseAgreement.objects.select_related("agreement").prefetch_related(
            "agreement__parties"
        )
        return self.select_related("issuer").prefetch_related(
            "countries",
            "sections",
            "contacts",
            "photos",
            "attachments",
            Prefetch("meetings", queryset=Meeting.objects.with_participants()),
            Prefetch("agreement_links", queryset=agreement_links),
        )

    def before(self, release):
        """The public releases older than `release`, newest first.

        One upper bound on the publication moment, the earlier of the release's and now:
        SQLite starts its walk down the publication index at the first upper bound it is
        given, and with two (now, from `published()`, then the release's) it started at now
        and read every newer release (at 100,000 releases, 180 ms for one from 2016)."""
        moment = release.published_at
        older = Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=release.pk)
        return self.filter(
            older, status=Release.Status.PUBLISHED, published_at__lte=min(moment, timezone.now())
        ).order_by("-published_at", "-pk")

    def after(self, release):
        """The public releases newer than `release`, oldest first: walked up the publication
        index from the release's moment to now."""
        moment = release.published_at
        newer = Q(published_at__gt=moment) | Q(published_at=moment, pk__gt=release.pk)
        return (
            self.published().filter(newer, published_at__gte=moment).order_by("published_at", "pk")
        )

    def country_counts(self):
        """The countries of these releases, each with `n`, how many of these releases it has."""
        return (
            Country.objects.filter(releases__in=self.order_by().values("pk"))
            .annotate(n=Count("releases"))
            .order_by("-n", "name")
        )

    def year_counts(self):
        """[{"year": 2025, "n": 12}, ...] for these releases, latest year first (local time).

        Counted by ranges of publication moments, one count per local year between the first
        and the last: the local year of each row (ExtractYear) is a Python function called per
        row on SQLite, which made the year counts of a common word's search the slowest part of
        its page at 100,000 releases.

        The first and the last are read with the count, which makes PostgreSQL read these
        releases: it turns a query of MIN and MAX alone into two walks along the publication
        index, each to the first of these releases it meets, and for a word that few or none
        hold that walk went through every public release (4 s at 100,000 releases)."""
        rows = self.order_by()
        span = rows.aggregate(n=Count("pk"), first=Min("published_at"), last=Max("published_at"))
        if not span["n"]:
            return []
        zone = timezone.get_current_timezone()
        first, last = (timezone.localtime(span[end], zone).year for end in ("first", "last"))

        def new_year(year):
            return datetime.datetime(year, 1, 1, tzinfo=zone)

        counts = rows.aggregate(
            **{
                f"y{year}": Count(
                    "pk",
                    filter=Q(published_at__gte=new_year(year), published_at__lt=new_year(year + 1)),
                )
                for year in range(first, last + 1)
            }
        )
        years = ((int(name[1:]), n) for name, n in counts.items() if n)
        return [{"year": year, "n": n} for year, n in sorted(years, reverse=True)]


class Release(TranslationTracked, Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=_("The release's address on the site. Keep it once published."),
    )
    title = models.CharField(_("title"), max_length=300)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    lead = models.TextField(_("lead"), blank=True, help_text=_("The opening paragraph."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("Visible to the public from this moment, once the status is published."),
    )
    issuer = models.ForeignKey(
        Organization,
        verbose_name=_("issuing organisation"),
        on_delete=models.PROTECT,
        related_name="issued_releases",
    )
    department = models.CharField(_("issuing department"), max_length=200, blank=True)
    countries = models.ManyToManyField(
        Country,
        verbose_name=_("countries"),
        related_name="releases",
        blank=True,
        help_text=_("Countries of the meetings and agreements are added on save."),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(
        _("reason for withdrawal"),
        blank=True,
        help_text=_("Shown to the public on the withdrawn release's page."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    # Denormalised for search (releases.search.refresh_search_text): every text of the release
    # and of what it reports, both languages, NFKC-normalised and case-folded.
    search_title = models.TextField(editable=False, blank=True, default="")
    search_text = models.TextField(editable=False, blank=True, default="")
    search_grams = GramsField(editable=False, null=True)
    # Derived too (releases.translation_status.refresh_translation_status): how many English
    # texts of the release and of what it shows are missing or older than their Japanese, and
    # which, for the list, its filter and the page of what waits for translation.
    english_missing = models.PositiveIntegerField(
        _("English texts missing"), default=0, editable=False
    )
    english_outdated = models.PositiveIntegerField(
        _("English texts out of date"), default=0, editable=False
    )
    translation_gaps = models.JSONField(default=list, blank=True, editable=False)
    # Set by releases.drafts when a publisher publishes a major change: the page's "Updated"
    # date, and the modification time of its feeds, sitemap, structured data and API.
    last_major_update = models.DateTimeField(
        _("last major update"), null=True, blank=True, editable=False
    )

    objects = ReleaseQuerySet.as_manager()

    # Publication changes only through releases.workflow, by a publisher: restoring an older
    # version (of the release or of anything saved with it) brings back its text and parts,
    # never its publication, and a release recovered after deletion comes back as a draft.
    restore_keeps = (
        "status",
        "published_at",
        "published_by",
        "withdrawn_at",
        "withdrawal_reason",
        "withdrawal_reason_ja",
        "withdrawal_reason_en",
    )
    recovered_as = {
        "status": Status.DRAFT,
        "published_at": None,
        "published_by": None,
        "withdrawn_at": None,
    }

    class Meta:
        ordering = [F("published_at").desc(nulls_first=True), "-id"]
        get_latest_by = "published_at"
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        permissions = [
            ("publish_release", _("Can publish, schedule, unpublish and withdraw releases")),
        ]
        # Public releases in the lists' order, ties by id included: a deep page walks the
        # index to its offset without sorting (page 200 on SQLite: 1.5 ms -> 0.16 ms).
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="release_public_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "withdrawn"]),
                name="release_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="release_published_has_time",
                violation_error_message=_(
                    "A published or withdrawn release needs a publication time."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._new_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("releases:detail", kwargs={"slug": self.slug})

    def _new_slug(self):
        """The month and the English title, else the Japanese one romanised: 2025-12-meeting-…"""
        day = timezone.localdate(self.published_at) if self.published_at else timezone.localdate()
        words = slug_words(self.title_en) or slug_words(self.title_ja) or "release"
        # An old address that leads elsewhere is not reused (ReleaseRedirect).
        old = ReleaseRedirect.objects.values(slug=F("old_slug"))
        return unique_slug(Release, f"{day:%Y-%m}-{words}", exclude_pk=self.pk, also_taken=old)

    @property
    def has_english(self):
        return bool(self.title_en)

    @property
    def last_modified(self):
        """When its page last changed for the public: its publication, its withdrawal or its
        last major update, whichever came last. Corrections published as minor changes (a
        typo) do not count; a release never published counts its last save."""
        moments = [self.published_at, self.withdrawn_at, self.last_major_update]
        return max((m for m in moments if m), default=self.updated_at)


class FullTextColumn(models.TextField):
    """A column of SQLite's FTS5 table: `column__match=expression` is `column MATCH expression`."""


@FullTextColumn.register_lookup
class Match(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class FullText(models.Model):
    """SQLite's full-text index of the releases' search text (the FTS5 table of migration 0027,
    kept by triggers), read through the view of migration 0031, whose release id the index
    cannot be searched by: a join then reads the index first. Not on PostgreSQL; only
    `containing()` and `titled()` join it, on SQLite."""

    release = models.OneToOneField(
        Release,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_column="release_id",
        db_constraint=False,
        related_name="full_text",
    )
    search_title = FullTextColumn()
    search_text = FullTextColumn()

    class Meta:
        managed = False
        db_table = "releases_release_full_text"

    def __str__(self):
        return str(self.release_id)


class Section(TranslationTracked, Versioned):
    """A numbered part of the release's body: a heading and its text."""

    release = models.ForeignKey(
        Release, verbose_name=_("release"), on_delete=models.CASCADE, related_name="sections"
    )
    heading = models.CharField(_("heading"), max_length=300, blank=True)
    body = ProseEditorField(
        _("text"), blank=True, extensions=EDITOR_EXTENSIONS, sanitize=sanitize_html
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("body section")
        verbose_name_plural = _("body sections")

    def __str__(self):
        return self.heading or f"§{self.order}"

    @property
    def anchor(self):
        """The section's id on its release's page."""
        return f"section-{self.pk}"

    def save(self, *args, **kwargs):
        for name in ("body_ja", "body_en"):
            if getattr(self, name):
                setattr(self, name, sanitize_html(getattr(self, name)))
        super().save(*args, **kwargs)


class Contact(TranslationTracked, Versioned):
    """A contact block: 問合せ先 (inquiries) or 広報担当 (press)."""

    class Role(models.TextChoices):
        INQUIRIES = "inquiries", _("Inquiries")
        PRESS = "press", _("Press")

    release = models.ForeignKey(
        Release, verbose_name=_("release"), on_delete=models.CASCADE, related_name="contacts"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.CharField(
        _("department"), max_length=200, help_text=_("e.g. 金属企画部 国際業務課.")
    )
    persons = models.CharField(_("persons"), max_length=200, blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=30,
        blank=True,
        validators=[
            RegexValidator(
                r"^\+?[0-9][0-9 ()\-]{5,28}$", _("Enter a phone number such as 03-6758-8027.")
            )
        ],
    )
    email = models.EmailField(_("e-mail"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return f"{self.get_role_display()}: {self.department}"


class MeetingQuerySet(models.QuerySet):
    def public(self):
        # A join, not `release__in=Release.objects.published()`: SQLite would list every
        # public release's id to find an official's few hundred meetings.
        return self.filter(is_public("release__"))

    def with_participants(self):
        """With its country and, prefetched, its participants with their officials (and the
        officials' countries)."""
        participations = MeetingParticipant.objects.select_related("official__country")
        return self.select_related("country").prefetch_related(
            Prefetch("participations", queryset=participations)
        )


class Meeting(TranslationTracked, Versioned):
    class Kind(models.TextChoices):
        BILATERAL = "bilateral", _("Bilateral meeting")
        COURTESY_CALL = "courtesy_call", _("Courtesy call")
        ROUNDTABLE = "roundtable", _("Roundtable")
        FORUM_SESSION = "forum_session", _("Forum session")
        SIGNING_CEREMONY = "signing_ceremony", _("Signing ceremony")
        OTHER = "other", _("Other")

    release = models.ForeignKey(
        Release, verbose_name=_("release"), on_delete=models.CASCADE, related_name="meetings"
    )
    date = models.DateField(_("date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.BILATERAL)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    participants = models.ManyToManyField(
        Official,
        verbose_name=_("participants"),
        through="MeetingParticipant",
        related_name="meetings",
        blank=True,
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["date", "order", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["country", "date"], name="meeting_country_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="meeting_ends_after_it_starts",
                violation_error_message=_("A meeting cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.title or f"{self.get_kind_display()}, {self.date:%Y-%m-%d}"

    @property
    def heading(self):
        """What the release page calls the meeting: its title, else its kind."""
        return self.title or self.get_kind_display()

    @property
    def anchor(self):
        """The meeting's id on its release's page (a string: an integer in a template would
        go through number formatting)."""
        return f"meeting-{self.pk}"


class MeetingParticipant(TranslationTracked, Versioned):
    """An official at a meeting, with the title they held then (kept when their post changes)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="participations"
    )
    official = models.ForeignKey(
        Official,
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    title = models.CharField(
        _("title at the time"),
        max_length=200,
        blank=True,
        help_text=_(
            "Left empty, it is taken from the post the official held on the meeting's date."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # A copy of the meeting's date, kept by releases.signals: an official's page reads their
    # latest meetings down an index in their own date order (`participant_official_date_idx`)
    # instead of sorting all of them (the busiest official's 8,000 at 100,000 releases).
    meeting_date = models.DateField(null=True, editable=False)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [
            models.Index(
                fields=["official", "-meeting_date", "meeting"],
                name="participant_official_date_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "official"],
                name="participant_once_per_meeting",
                violation_error_message=_("This official is already listed for this meeting."),
            ),
        ]

    def __str__(self):
        return f"{self.official}, {self.title}" if self.title else str(self.official)

    def save(self, *args, **kwargs):
        if not (self.title_ja or self.title_en) and self.meeting_id and self.official_id:
            post = self.official.post_on(self.meeting.date)
            if post:
                self.title_ja, self.title_en = post.title_ja, post.title_en
        super().save(*args, **kwargs)


class AgreementQuerySet(models.QuerySet):
    def public(self):
        """Agreements that a public release announces or mentions."""
        # Each agreement's few links joined to their releases: neither `pk__in` nor `Exists`
        # over `release__in=published()`, which list or walk every public release.
        return self.filter(Exists(public_links().filter(agreement=OuterRef("pk"))))

    def signed_by(self, official):
        """Those `official` signed, latest first: down their signatures' index, which stops at
        the page's last instead of sorting all they signed."""
        signed = self.filter(signatures__official=official)
        return signed.order_by("-signatures__signed_on", "-signatures__agreement_id")

    def for_links(self):
        """Only what a link to each shows (includes/agreement_link.html): kind, title, slug."""
        return self.only("slug", "kind", "title")

    def signing_years(self):
        """The years in which these agreements were signed, latest first: one probe per year
        along the signing-date index (migration 0012), between the first and the last signing
        of any agreement. A DISTINCT over these agreements would check every one of them (at
        100,000 releases, 20,000 agreements: 80 ms on SQLite, whose year of a date is a Python
        call per row)."""
        dated = Agreement.objects.filter(signed_on__isnull=False).values_list(
            "signed_on", flat=True
        )
        first, last = dated.order_by("signed_on").first(), dated.order_by("-signed_on").first()
        if first is None:
            return []
        years = range(last.year, first.year - 1, -1)
        probes = {
            f"y{year}": Exists(
                self.filter(
                    signed_on__gte=datetime.date(year, 1, 1),
                    signed_on__lt=datetime.date(year + 1, 1, 1),
                )
            )
            for year in years
        }
        # Any one row carries the probes (as in ReleaseQuerySet.publication_moments()).
        found = Agreement.objects.order_by("pk").annotate(**probes).values(*probes).first()
        return [year for year in years if found[f"y{year}"]]

    def with_public_releases(self, parties="parties"):
        """Prefetch the country, the parties (a lookup or a Prefetch) and, as `public_links`,
        the links to public releases, newest first."""
        links = public_links().select_related("release")
        links = links.defer(*(f"release__{column}" for column in SEARCH_COLUMNS))
        links = links.order_by("-release__published_at", "-release_id")
        return self.select_related("country").prefetch_related(
            parties, Prefetch("release_links", queryset=links, to_attr="public_links")
        )


def public_links():
    """The links of public releases to agreements, by a join on the release (which an agreement
    id or a release id then narrows through its index)."""
    return ReleaseAgreement.objects.filter(is_public("release__"))


class Agreement(TranslationTracked, Versioned):
    class Kind(models.TextChoices):
        MOU = "mou", _("MOU")
        MOC = "moc", _("MOC")
        OTHER = "other", _("Other agreement")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MOU)
    title = models.CharField(_("title"), max_length=300)
    subject = models.TextField(_("subject"), blank=True)
    parties = models.ManyToManyField(
        Organization,
        verbose_name=_("parties"),
        related_name="agreements",
        help_text=_("The organisations that signed: at least two."),
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        help_text=_("The partner country."),
    )
    signed_on = models.DateField(
        _("signed on"), null=True, blank=True, help_text=_("Leave empty when not known.")
    )
    signatories = models.ManyToManyField(
        Official, verbose_name=_("signatories"), related_name="signed_agreements", blank=True
    )
    releases = models.ManyToManyField(
        Release, through="ReleaseAgreement", related_name="agreements", blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = [F("signed_on").desc(nulls_last=True), "-id"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        indexes = [models.Index(fields=["kind", "signed_on"], name="agreement_kind_signed_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["mou", "moc", "other"]), name="agreement_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self):
        return reverse("releases:agreement", kwargs={"slug": self.slug})


class Signature(models.Model):
    """Derived from `Agreement.signatories` (releases.signals keeps it current; never edited):
    an official's signature with the agreement's date copied beside it, so that an official's
    page reads the latest agreements they signed down an index in their own date order
    (`signature_latest_idx`), as it reads their meetings (`MeetingParticipant.meeting_date`),
    instead of sorting all of them (the busiest official's 5,000 at 100,000 releases).
    Django's own table of the signatories cannot hold the date, and one of our own would take
    the signatories out of the agreement's form and of its history."""

    UNDATED = datetime.date.min  # an agreement signed on a day not known: last, on any database

    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatures")
    signed_on = models.DateField()  # the agreement's, or UNDATED

    class Meta:
        indexes = [
            models.Index(
                fields=["official", "-signed_on", "-agreement"], name="signature_latest_idx"
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "official"], name="signature_once")
        ]

    def __str__(self):
        return f"{self.official_id} {self.agreement_id} {self.signed_on}"


def refresh_signatures(agreement_ids):
    """Write the `Signature` rows of these agreements as their signatories and dates are now:
    three queries, and no signal (derived rows change with their agreement, whose own change is
    what the caches follow)."""
    ids = list(agreement_ids)
    Signature.objects.filter(agreement_id__in=ids).delete()
    links = Agreement.signatories.through.objects.filter(agreement_id__in=ids).values_list(
        "agreement_id", "official_id", "agreement__signed_on"
    )
    Signature.objects.bulk_create(
        Signature(agreement_id=agreement, official_id=official, signed_on=day or Signature.UNDATED)
        for agreement, official, day in links
    )


class ReleaseAgreement(Versioned):
    class Role(models.TextChoices):
        ANNOUNCES = "announces", _("Announces")
        MENTIONS = "mentions", _("Mentions")

    release = models.ForeignKey(
        Release, verbose_name=_("release"), on_delete=models.CASCADE, related_name="agreement_links"
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="release_links",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.ANNOUNCES)

    class Meta:
        # As the editor entered them. Without an order a database returns them as it finds them,
        # which on PostgreSQL changes when a row is updated or the site restored from a backup.
        ordering = ["id"]
        verbose_name = _("agreement in this release")
        verbose_name_plural = _("agreements in this release")
        constraints = [
            models.UniqueConstraint(
                fields=["release", "agreement"],
                name="agreement_once_per_release",
                violation_error_message=_("This agreement is already linked to this release."),
            ),
        ]

    def __str__(self):
        return str(self.agreement)


def photo_upload_to(instance, filename):
    """Stored names never reuse the uploaded name."""
    suffix = PurePath(filename).suffix.lower()
    return f"photos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Photo(TranslationTracked, Versioned):
    release = models.ForeignKey(
        Release, verbose_name=_("release"), on_delete=models.CASCADE, related_name="photos"
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="photos",
        help_text=_("Optional: the meeting of this release that the photo shows."),
    )
    image = models.ImageField(
        _("image"),
        upload_to=photo_upload_to,
        width_field="width",
        height_field="height",
        db_index=True,  # every request for a photo file looks its photo up by name
    )
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    # What releases.renditions made of the stored image: {"of": image name, "widths": [...],
    # "jpeg_bytes": size of the largest JPEG}; pages read it instead of asking the storage.
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    caption = models.TextField(_("caption"), blank=True)
    credit = models.CharField(
        _("credit"), max_length=200, blank=True, help_text=_("出典 / Source, e.g. ROTOBO.")
    )
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_("What the photo shows, for visitors who cannot see it."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.caption[:60] or PurePath(self.image.name).name

    def clean(self):
        if self.meeting_id and self.release_id and self.meeting.release_id != self.release_id:
            raise ValidationError({"meeting": _("Choose a meeting of this release.")})

    @property
    def rendition_widths(self):
        """The widths of the renditions made of the current image; [] until they are made."""
        made = self.renditions or {}
        return made.get("widths", []) if made.get("of") == self.image.name else []


def attachment_upload_to(instance, filename):
    """Stored names never reuse the uploaded name (the public sees the title)."""
    suffix = PurePath(filename).suffix.lower()
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(TranslationTracked, Versioned):
    """A document published with a release (a presentation, a fact sheet), in a format checked
    on upload (releases.documents); its file follows the release's publication, as photos do."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", _("Word (DOCX)")
        XLSX = "xlsx", _("Excel (XLSX)")
        PPTX = "pptx", _("PowerPoint (PPTX)")
        ODT = "odt", _("OpenDocument text (ODT)")
        ODS = "ods", _("OpenDocument spreadsheet (ODS)")
        ODP = "odp", _("OpenDocument presentation (ODP)")
        CSV = "csv", "CSV"

    release = models.ForeignKey(
        Release, verbose_name=_("release"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        pgettext_lazy("document", "file"),
        upload_to=attachment_upload_to,
        max_length=200,
        db_index=True,  # every request for the file looks its attachment up by name
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument or CSV."),
    )
    title = models.CharField(
        _("title"), max_length=300, help_text=_("What the document is, as the page lists it.")
    )
    # What releases.documents found in the file when it was uploaded.
    format = models.CharField(
        pgettext_lazy("document", "format"), max_length=10, choices=Format.choices, editable=False
    )
    size = models.PositiveBigIntegerField(
        pgettext_lazy("document", "size in bytes"), editable=False
    )
    pages = models.PositiveIntegerField(
        pgettext_lazy("document", "pages"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Slides for a presentation."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = pgettext_lazy("attachment", "document")
        verbose_name_plural = pgettext_lazy("attachment", "documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "csv"]),
                name="attachment_format_valid",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_presentation(self):
        return self.format in (self.Format.PPTX, self.Format.ODP)

    @property
    def download_name(self):
        """The file name a visitor's browser saves it under: the release's address, the
        document's place and its format (the title may hold any character)."""
        return f"{self.release.slug}-{self.order or self.pk}.{self.format}"


class PendingChange(models.Model):
    """Changes staff saved to a live release (published, scheduled or withdrawn), waiting for a
    publisher (releases.drafts): the release and the rows saved with it, serialized as Django's
    serializer writes them, while the tables keep what the public sees."""

    release = models.OneToOneField(
        Release,
        verbose_name=_("release"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="pending_change",
    )
    content = models.JSONField(editable=False)
    # The release's `version` in the tables when `content` was saved.
    base_version = models.PositiveIntegerField(editable=False)
    saved_at = models.DateTimeField(_("saved"), default=timezone.now, editable=False)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    # A publication planned by a publisher, with its note (a django-tasks task runs it).
    publish_at = models.DateTimeField(_("to be published at"), null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    note_ja = models.TextField(_("change note (Japanese)"), blank=True)
    note_en = models.TextField(_("change note (English)"), blank=True)
    major = models.BooleanField(_("major change"), default=False)

    class Meta:
        verbose_name = _("changes waiting for a publisher")
        verbose_name_plural = _("changes waiting for a publisher")
        indexes = [models.Index(fields=["publish_at"], name="pending_publish_at_idx")]

    def __str__(self):
        return str(self.release)


class ReleaseUpdateQuerySet(models.QuerySet):
    def major(self):
        return self.filter(major=True)


class ReleaseUpdate(models.Model):
    """A published change to a live release, with its note: major ones are listed on the
    release's page; every one is in the history."""

    release = models.ForeignKey(
        Release, verbose_name=_("release"), on_delete=models.CASCADE, related_name="updates"
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    note_ja = models.TextField(_("change note (Japanese)"))
    note_en = models.TextField(_("change note (English)"), blank=True)
    major = models.BooleanField(_("major change"), default=False)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    objects = ReleaseUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("published change")
        verbose_name_plural = _("published changes")

    def __str__(self):
        return self.note

    @property
    def note(self):
        """The note in the language of the page; English falls back to Japanese."""
        if get_language() == "en" and self.note_en:
            return self.note_en
        return self.note_ja


class ArchiveCountQuerySet(models.QuerySet):
    """The public archive's counts read from the derived table (releases.archive), exact at
    every moment: the table counts the releases with status published up to its cutoff
    (`ArchiveCutoff`), and what differs now (`_uncounted()`: what became public since, or what
    is counted but not public yet) is added or subtracted here."""

    def country_facets(self, year=None, within=None):
        """The countries of the public releases (of the local `year`, about `within` too), each
        with `n`, how many of those releases are about it; most first, then by name: what
        `Release.objects.published()` (filtered so) `.country_counts()` gives."""
        rows = self.filter(within=within, country__isnull=False)
        uncounted = _uncounted(year, within)
        if year is not None:
            rows = rows.filter(year=year)
        counts = Counter(dict(rows.values_list("country_id").annotate(n=Sum("releases"))))
        links = uncounted.country_links().values_list("country_id").annotate(Count("pk"))
        uncounted.correct(counts, links)
        shown = [pk for pk, n in counts.items() if n > 0]
        # By name first, in the database's collation, as the live aggregate breaks ties.
        found = list(Country.objects.filter(pk__in=shown).order_by("name"))
        for country in found:
            country.n = counts[country.pk]
        return sorted(found, key=lambda country: -country.n)

    def year_facets(self, country=None, year=None):
        """[{"year": 2025, "n": 12}, ...]: the local years of the public releases (about
        `country`; of `year` only), latest first, as `.year_counts()` gives them."""
        rows = self.filter(within=None, country=country)
        if year is not None:
            rows = rows.filter(year=year)
        counts = Counter(dict(rows.values_list("year").annotate(n=Sum("releases"))))
        # By ranges of publication moments (year_counts()), not each row's local year: that is a
        # Python call per row on SQLite.
        uncounted = _uncounted(year, country)
        rows = uncounted.releases.year_counts()
        uncounted.correct(counts, ((row["year"], row["n"]) for row in rows))
        return [{"year": y, "n": n} for y, n in sorted(counts.items(), reverse=True) if n > 0]

    def count_by_country(self, countries, uncounted=None):
        """`countries` as a list, each with `releases_n`, `meetings_n` and `agreements_n` of the
        public archive, as `Release.objects.published().count_by_country()` counts them
        (`uncounted`: what `_uncounted()` gives, if the caller has it already)."""
        countries = list(countries)
        ids = [country.pk for country in countries]
        if not ids:
            return countries
        rows = self.filter(within=None, country_id__in=ids).values_list("country_id")
        sums = rows.annotate(Sum("releases"), Sum("meetings"), Sum("agreements"))
        counts = {pk: Counter(releases_n=r, meetings_n=m, agreements_n=a) for pk, r, m, a in sums}
        uncounted = uncounted or _uncounted()
        for name, rows in _by_country(uncounted, ids):
            for pk, n in rows:
                counts.setdefault(pk, Counter())[name] += uncounted.sign * n
        for country in countries:
            found = counts.get(country.pk, Counter())
            for name in ("releases_n", "meetings_n", "agreements_n"):
                setattr(country, name, found[name])
        return countries

    def countries(self):
        """The countries of the public releases by name, each with its counts (the countries
        page, the home page): what `count_by_country(published.countries())` gives."""
        about = self.filter(within=None, country__isnull=False, releases__gt=0)
        shown = Q(pk__in=about.values("country_id"))
        uncounted = _uncounted()
        if uncounted.sign > 0:  # public since the cutoff: perhaps a country's first release
            shown |= Q(pk__in=uncounted.country_links().values("country_id"))
        countries = Country.objects.filter(shown).order_by("name")
        counted = self.count_by_country(countries, uncounted)
        return [country for country in counted if country.releases_n]

    def agreement_counts(self):
        """{country id: n} of the agreements the public releases report (the agreements
        register's total and country choices), and under None all of them, those of no country
        too: what `Agreement.objects.public()` counts. Never below 0, even from a table not
        yet recounted (see refresh_archive_counts)."""
        rows = self.filter(within=None).values_list("country_id").annotate(n=Sum("agreements"))
        counts = Counter(dict(rows))
        uncounted = _uncounted()
        differing = _first_reported_by(uncounted).order_by().values_list("country_id")
        differing = dict(differing.annotate(n=Count("pk")))
        counts[None] += uncounted.sign * sum(differing.values())
        uncounted.correct(counts, ((pk, n) for pk, n in differing.items() if pk is not None))
        return Counter({pk: max(n, 0) for pk, n in counts.items()})


class ArchiveCutoff(models.Model):
    """The moment up to which the derived counts (`ArchiveCount`, `OfficialCount`) count the
    releases with status published: those whose moment is at or before it. One row, moved to
    the moment of each recount (releases.archive); none yet, or no moment: every release with
    status published is counted, whatever its moment."""

    moment = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("archive counts' cutoff")
        verbose_name_plural = _("archive counts' cutoff")

    def __str__(self):
        return f"{self.moment}"


class Uncounted(NamedTuple):
    """What the derived counts and the public differ by now: `releases` (with status
    published), to add (`sign` 1) or to subtract (-1); releases with status published whose
    moment is at or before `counted_until` are counted by both."""

    sign: int
    releases: models.QuerySet
    counted_until: datetime.datetime

    def country_links(self):
        """The links of `releases` to their countries."""
        return Release.countries.through.objects.filter(release__in=self.releases).order_by()

    def correct(self, counts, rows):
        """Add the (key, n) `rows` to the Counter `counts`, or subtract them, as `sign` says."""
        for key, n in rows:
            counts[key] += self.sign * n


def _uncounted(year=None, country=None):
    """What the public sees now and the derived counts do not count, or the reverse (of the
    local `year`, about `country`), as `Uncounted`. Releases that became public since the
    cutoff (their moment came, or they were published after the last recount): to add.
    Releases counted but not public yet (scheduled after now, up to the cutoff, or to no end
    before the first recount): to subtract. Either way only the releases between the two
    moments, found through the public-list index: a few, not every scheduled release."""
    cutoff = ArchiveCutoff.objects.values_list("moment", flat=True).first()
    now = timezone.now()
    releases = Release.objects.filter(status=Release.Status.PUBLISHED)
    if cutoff is not None and cutoff <= now:
        sign, releases = 1, releases.filter(published_at__gt=cutoff, published_at__lte=now)
    else:
        sign, releases = -1, releases.filter(published_at__gt=now)
        if cutoff is not None:
            releases = releases.filter(published_at__lte=cutoff)
    if year is not None:
        releases = releases.issued_between(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    if country is not None:
        releases = releases.for_country(country)
    return Uncounted(sign, releases, min(cutoff or now, now))


def _by_country(uncounted, ids):
    """What the releases of `uncounted` make of the counts of the countries `ids`: (name,
    [(country id, n)]) for `releases_n`, `meetings_n` and `agreements_n`."""
    links = uncounted.country_links().filter(country_id__in=ids)
    meetings = Meeting.objects.filter(release__in=uncounted.releases, country_id__in=ids)
    agreements = _first_reported_by(uncounted).filter(country_id__in=ids)
    for name, rows in (
        ("releases_n", links),
        ("meetings_n", meetings),
        ("agreements_n", agreements),
    ):
        yield name, rows.order_by().values_list("country_id").annotate(n=Count("pk"))


def _first_reported_by(uncounted):
    """The agreements that the releases of `uncounted` report and that no release counted by
    both the table and the public reports: those whose count these releases change (an
    agreement counts from its first release). Found from their links: an Exists per agreement
    would walk every agreement (14 s at 100,000 releases on SQLite)."""
    releases = uncounted.releases
    reported = ReleaseAgreement.objects.filter(release__in=releases).values("agreement_id")
    before = ReleaseAgreement.objects.filter(
        agreement=OuterRef("pk"),
        release__status=Release.Status.PUBLISHED,
        release__published_at__lte=uncounted.counted_until,
    )
    return Agreement.objects.filter(pk__in=reported).exclude(Exists(before))


class ArchiveCount(models.Model):
    """Derived from the releases (releases.archive keeps it current on commit; never edited):
    per local year, how many releases with status published are about `country` (None: all
    of that year's) and, where `within` is set, about `within` too; and, in the rows without
    `within`, how many meetings in `country` those releases report and how many of `country`'s
    agreements (None: all agreements) they report first (an agreement counts once, in the year
    of its first release).
    Read it through `ArchiveCount.objects`, which subtracts what is not public yet."""

    year = models.PositiveSmallIntegerField()
    within = models.ForeignKey(
        Country, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    releases = models.PositiveIntegerField(default=0)
    meetings = models.PositiveIntegerField(default=0)
    agreements = models.PositiveIntegerField(default=0)

    objects = ArchiveCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("archive count")
        verbose_name_plural = _("archive counts")
        constraints = [
            # Coalesce: a NULL country is one value here (a plain unique constraint lets NULLs repeat).
            models.UniqueConstraint(
                Coalesce("within", Value(0)),
                Coalesce("country", Value(0)),
                "year",
                name="archive_count_once",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.within_id}/{self.country_id}: {self.releases}"


class OfficialCountQuerySet(models.QuerySet):
    def totals(self, official):
        """(meetings, agreements): how many public meetings `official` attended and how many
        public agreements they signed, what `Meeting.objects.public()` and
        `Agreement.objects.public()` filtered by them count. The table counts releases with
        status published up to its cutoff; what differs now (`_uncounted()`) is added or
        subtracted here. Never below 0, even from a table not yet recounted."""
        sums = self.filter(official=official).aggregate(Sum("meetings"), Sum("agreements"))
        uncounted = _uncounted()
        # From those releases' meetings to the official's place at each: joined the other
        # way, SQLite walks all of a busy official's meetings (5 ms at 5,000 releases).
        meetings = Meeting.objects.filter(release__in=uncounted.releases).values("pk")
        meetings = MeetingParticipant.objects.filter(meeting__in=meetings, official=official)
        signed = _first_reported_by(uncounted).filter(signatories=official)
        return (
            max((sums["meetings__sum"] or 0) + uncounted.sign * meetings.count(), 0),
            max((sums["agreements__sum"] or 0) + uncounted.sign * signed.count(), 0),
        )


class OfficialCount(models.Model):
    """Derived from the releases, as `ArchiveCount` is (releases.archive keeps it current on
    commit; never edited): per local year, how many meetings with `official` the releases with
    status published of that year report, and how many agreements `official` signed count in
    that year (the year of the agreement's first release with status published). An
    official's page reads its totals here instead of counting a busy official's thousands of
    meetings on each request. Read it through `OfficialCount.objects.totals()`."""

    year = models.PositiveSmallIntegerField()
    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="+")
    meetings = models.PositiveIntegerField(default=0)
    agreements = models.PositiveIntegerField(default=0)

    objects = OfficialCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("official count")
        verbose_name_plural = _("official counts")
        constraints = [
            models.UniqueConstraint(fields=["official", "year"], name="official_count_once")
        ]

    def __str__(self):
        return f"{self.year} {self.official_id}: {self.meetings}, {self.agreements}"


class ReleaseRedirectQuerySet(models.QuerySet):
    def destination(self, slug):
        """The release a visitor asking for the old address `slug` is sent to, or None.

        Followed along a chain (an old address of a release that was itself replaced), to the
        first release a visitor can open: public, or withdrawn and replaced by nothing (it keeps
        its page and shows why). A release not public yet (a draft, a scheduled one) is never a
        destination, so a redirect never names an embargoed address; a chain that comes back
        on itself leads nowhere."""
        seen = {slug}
        while True:
            redirect = self.filter(old_slug=slug).select_related("release").first()
            if redirect is None:
                return None
            release = redirect.release
            if release.slug in seen:
                return None
            if Release.objects.published().filter(pk=release.pk).exists():
                return release
            slug = release.slug
            seen.add(slug)
            if not self.filter(old_slug=slug).exists():
                return (
                    release if Release.objects.reachable().filter(pk=release.pk).exists() else None
                )


class ReleaseRedirect(Versioned):
    """An old address of a release (`/<lang>/releases/<old_slug>/`, in both languages) that now
    answers 301 with the address of `release`.

    A small model of our own rather than django.contrib.redirects: that one keys a site's whole
    path to another path, so it would need a row per language, sites, and a fixed destination
    path that breaks when the destination's slug changes, and it cannot hold back a redirect to
    a release that is not public. Here the destination is the release itself: its address in the
    visitor's language, checked public on every request (ReleaseRedirectQuerySet.destination).
    """

    class Kind(models.TextChoices):
        MOVED = "moved", _("Address changed")
        REPLACED = "replaced", _("Replaced by another release")

    old_slug = models.SlugField(
        _("old address (slug)"),
        max_length=120,
        unique=True,
        help_text=_(
            "The part of the old address after /releases/: an earlier slug of a release, or the "
            "slug of a release that was unpublished or withdrawn in favour of another."
        ),
    )
    release = models.ForeignKey(
        Release,
        verbose_name=_("now at release"),
        on_delete=models.CASCADE,
        related_name="redirects",
        help_text=_("Visitors to the old address are sent here once it is public."),
    )
    kind = models.CharField(
        _("why"), max_length=10, choices=Kind.choices, default=Kind.REPLACED, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ReleaseRedirectQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses (redirects)")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["moved", "replaced"]), name="release_redirect_kind_valid"
            ),
        ]

    def __str__(self):
        return f"/releases/{self.old_slug}/ → {self.release}"

    def clean(self):
        if not self.old_slug or self.release_id is None:
            return
        if self.release.slug == self.old_slug:
            raise ValidationError(
                {"old_slug": _("This is the release's own address: it would lead to itself.")}
            )
        owner = Release.objects.filter(slug=self.old_slug).first()
        if owner is not None and owner.status == Release.Status.PUBLISHED:
            raise ValidationError(
                {
                    "old_slug": _(
                        "This is the address of a published or scheduled release: unpublish or "
                        "withdraw it first."
                    )
                }
            )


class TopicalEventQuerySet(models.QuerySet):
    def public(self):
        """Events the public may see: one of their releases is public (attached, or reporting
        one of their meetings). Before that, not even the event's name is shown."""
        links = TopicalEvent.releases.through.objects.filter(
            is_public("release__"), topicalevent=OuterRef("pk")
        )
        meetings = TopicalEvent.meetings.through.objects.filter(
            is_public("meeting__release__"), topicalevent=OuterRef("pk")
        )
        return self.filter(Exists(links) | Exists(meetings))


class TopicalEvent(TranslationTracked, Versioned):
    """A topical event (a summit, a dialogue, a forum): the releases, meetings and agreements
    around it, told in order on a page of its own, with its own feed, calendar and alerts (the
    release list filtered by `event`)."""

    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=_("The event's address on the site. Keep it once its page is public."),
    )
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Empty for an event of one day.")
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), related_name="topical_events", blank=True
    )
    releases = models.ManyToManyField(
        Release,
        verbose_name=_("releases"),
        related_name="topical_events",
        blank=True,
        help_text=_("The event's page appears once one of its releases is public."),
    )
    meetings = models.ManyToManyField(
        Meeting,
        verbose_name=_("meetings"),
        related_name="topical_events",
        blank=True,
        help_text=_("Shown once the release that reports them is public."),
    )
    agreements = models.ManyToManyField(
        Agreement,
        verbose_name=_("agreements"),
        related_name="topical_events",
        blank=True,
        help_text=_("Shown once a release that announces or mentions them is public."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = TopicalEventQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("topical event")
        verbose_name_plural = _("topical events")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="topical_event_ends_after_it_starts",
                violation_error_message=_("An event cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("releases:event", kwargs={"slug": self.slug})
