"""The filters of the public release list and of the agreements register.

Bound to `request.GET`, a FilterSet validates every parameter; an invalid one is left out of
`form.cleaned_data`, so it never reaches the ORM: the list is filtered by the valid ones and
the page says which were ignored and why. Feeds and the API reuse `ReleaseFilter` as it is.
"""

import calendar
import datetime
import re

import django_filters
from django import forms
from django.db.models import Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan
from django.http import QueryDict
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from people.models import Country, Official

from .grams import search_terms
from .models import Agreement, ArchiveCount, Release, TopicalEvent, containing, titled

# Dates outside this range are refused: they mean nothing here and overflow date arithmetic.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)
MAX_WORDS_LENGTH = 200
# A search counts its matches (and by country and year) up to this many: a common word matches
# most of the archive, and counting every match made its page slower the larger the archive.
# Past it, the list says "more than" and offers this many results a page at a time.
SEARCH_COUNT_LIMIT = 1000


def first_page_query(data, drop=()):
    """The query string of `data` (`request.GET`, or a FilterSet's dict) without the page
    number and the keys in `drop`: the same list (or its feed, or its download) from the top."""
    query = QueryDict(mutable=True)
    for key in data:
        if key == "page" or key in drop:
            continue
        values = data.getlist(key) if isinstance(data, QueryDict) else data[key]
        if not isinstance(values, list | tuple):
            values = [values]
        query.setlist(key, [str(value) for value in values])
    return query.urlencode()


class CountryCodesField(forms.Field):
    """ISO 3166-1 alpha-2 codes, repeatable (`?country=KZ&country=UZ`), as Country rows."""

    widget = forms.SelectMultiple
    default_error_messages = {
        "invalid": _("“%(codes)s” is not a country code (two letters, such as KZ)."),
        "unknown": _("No country has the code “%(codes)s”."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        codes = [str(v).strip().upper() for v in values if str(v).strip()]
        return list(dict.fromkeys(codes))

    def validate(self, value):
        super().validate(value)
        invalid = [code for code in value if not re.fullmatch(r"[A-Z]{2}", code, re.ASCII)]
        if invalid:
            raise forms.ValidationError(
                self.error_messages["invalid"], "invalid", {"codes": ", ".join(invalid)}
            )

    def clean(self, value):
        codes = super().clean(value)
        if not codes:
            return []
        countries = {c.code: c for c in Country.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in countries]
        if unknown:
            raise forms.ValidationError(
                self.error_messages["unknown"], "unknown", {"codes": ", ".join(unknown)}
            )
        return [countries[code] for code in codes]


class CountryFilter(django_filters.Filter):
    field_class = CountryCodesField


class SlugChoiceField(forms.ModelChoiceField):
    """Looks a row up by its slug only if the value could be a slug."""

    def to_python(self, value):
        if value not in self.empty_values and not re.fullmatch(r"[-\w]{1,120}", value, re.ASCII):
            raise forms.ValidationError(self.error_messages["invalid_choice"], "invalid_choice")
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            # A slug that names nothing (the open-data API answers it with an empty list).
            raise forms.ValidationError(error.messages[0], "unknown") from error


class SlugFilter(django_filters.ModelChoiceFilter):
    field_class = SlugChoiceField


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


# A page of a search for a word that more releases hold than a search counts
# (SEARCH_COUNT_LIMIT) is looked for first among this many of the newest results.
NEWEST = 2000


class TitleFirst:
    """The results of a search for one word, in the order `ReleaseQuerySet.search()` gives them
    (the word in the title first, then the rest, newest first within each), a page at a time.

    Ordering by rank reads every matching row before the first page can be shown: at 100,000
    releases a common word matches nearly all of them (1 to 2 s). Here each part is taken in
    publication order, the word found through the full-text index.

    A common word (more matches than a search counts: no `found`) is looked for first among the
    NEWEST latest `releases`, walked in publication order and their text read, which finds a
    page a few rows in. Through the index the database takes every match and sorts them all:
    PostgreSQL has no statistics of texts this long, takes a common word for a rare one, and
    spends 1.3 s on "exploration" (in 90,000 texts and no title, at 100,000 releases); SQLite
    173 ms. What the newest do not hold in full is read through the index, as for any word.

    Any other word's matches are all known (`found`, their ids: at most SEARCH_COUNT_LIMIT),
    and each part is read among them. Walking the publication order instead, PostgreSQL takes a
    word that few releases hold for a common one (it has no statistics of substrings) and reads
    the text of every public release to find them: 2 s at 100,000 releases.

    `releases` are the releases of the other filters. The paginator slices this like a
    queryset; the number of results comes from the view (`ReleaseFilter.search_count()`).
    """

    def __init__(self, releases, term, found=None):
        order = ("-published_at", "-id")
        using = releases.db
        if found is not None:
            releases = releases.filter(pk__in=found)
            others = releases
        else:
            others = releases.filter(containing([term], using))
        self.titled = releases.filter(titled(term, using, joined=True)).order_by(*order)
        self.others = others.exclude(titled(term, using)).order_by(*order)
        self.newest_titled = self.newest_others = None
        self.all_newest = False
        if found is None:
            newest = releases.order_by(*order)
            # The publication moment of the NEWEST-th: those from it on are the newest.
            last = newest.values_list("published_at", flat=True)[NEWEST - 1 : NEWEST].first()
            self.all_newest = last is None  # fewer releases than that: they are all here
            if last is not None:
                newest = newest.filter(published_at__gte=last)
            in_title = StrIndex("search_title", Value(term))
            self.newest_titled = newest.filter(GreaterThan(in_title, 0))
            in_text = StrIndex("search_text", Value(term))
            # Not `= 0`: PostgreSQL estimates an equality as rare, and would then read the
            # whole window instead of walking it in order and stopping at the page.
            others = newest.filter(GreaterThan(in_text, 0)).exclude(GreaterThan(in_title, 0))
            self.newest_others = others

    def __getitem__(self, window):
        start, stop = window.start or 0, window.stop
        # How many of the first `stop` results have the word in their title: counting no
        # further than the page needs (every title match, for a common word, is most of the
        # archive).
        titled = self._count(self.titled, self.newest_titled, stop)
        rows = self._rows(self.titled, self.newest_titled, start, min(stop, titled))
        if stop > titled:
            start, stop = max(start - titled, 0), stop - titled
            rows += self._rows(self.others, self.newest_others, start, stop)
        return rows

    def _count(self, found, newest, stop):
        if newest is not None:
            counted = newest.order_by()[:stop].count()
            if counted == stop or self.all_newest:
                return counted
        return found.order_by()[:stop].count()

    def _rows(self, found, newest, start, stop):
        if start >= stop:
            return []
        if newest is not None:
            rows = list(newest[start:stop])
            # All of them among the newest: every other match is older.
            if len(rows) == stop - start or self.all_newest:
                return rows
        return list(found[start:stop])


class ExplainedFilterSet(django_filters.FilterSet):
    # {name: model} of the filters by slug whose choices are what is public *now* (a queryset
    # built for each request); a filter set lists every such filter it has. A request that does
    # not ask for one leaves its field empty, so it never reads its choices: building that
    # queryset is a third of a list's filtering time.
    chosen_from_public = {}

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        for name, model in self.chosen_from_public.items():
            if not self.asked(name):
                self.filters[name].queryset = model.objects.none()

    def asked(self, name):
        return bool(self.data.get(name))

    def get_form_class(self):
        """django-filter builds a form class, fields and all, for every filter set; without any
        of `chosen_from_public` asked for, the fields are always the same, so that class is
        built once per filter set class (each form still copies its fields). A filter set
        without such filters builds it each time, as django-filter does."""
        choices_now = any(self.asked(name) for name in self.chosen_from_public)
        if choices_now or not self.chosen_from_public:
            return super().get_form_class()
        form_class = type(self).__dict__.get("_form_with_fixed_choices")
        if form_class is None:
            form_class = super().get_form_class()
            type(self)._form_with_fixed_choices = form_class
        return form_class

    def names_nothing(self):
        """True when the only errors are well-formed values (a country code, a slug) that name
        no row: such a filter matches nothing, where a malformed value is an error."""
        errors = self.form.errors.as_data()
        return bool(errors) and all(
            error.code == "unknown" for field_errors in errors.values() for error in field_errors
        )

    def ignored_filters(self):
        """What was wrong with the filters that were left out: [(label, [messages])]."""
        if not self.is_bound:
            return []
        fields = self.form.fields
        return [
            (fields[name].label if name in fields else "", messages)
            for name, messages in self.form.errors.items()
        ]


def date_in_range(value):
    if value and not EARLIEST <= value <= LATEST:
        raise forms.ValidationError(
            _("Choose a date between %(earliest)s and %(latest)s."),
            "out_of_range",
            {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
        )


class ReleaseFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        if data.get("month") and not data.get("year"):
            self.add_error("month", _("Choose a year to filter by month."))
        start, end = data.get("from"), data.get("to")
        if start and end and end < start:
            self.add_error("to", _("The end date is before the start date."))
        return data


class ReleaseFilter(ExplainedFilterSet):
    """`country` (any of), `year`, `month` (with a year), `from`/`to` (ISO dates, inclusive),
    `agreement` (a kind), `official` and `event` (slugs) and `q` (words)."""

    q = django_filters.CharFilter(
        label=_("Words"), method="filter_words", max_length=MAX_WORDS_LENGTH, strip=True
    )
    country = CountryFilter(label=_("Country"), method="filter_country")
    year = YearFilter(
        label=_("Year"), method="filter_year", min_value=EARLIEST.year, max_value=LATEST.year
    )
    month = django_filters.TypedChoiceFilter(
        label=_("Month"),
        method="filter_month",
        choices=list(MONTHS.items()),
        coerce=int,
        empty_value=None,
    )
    agreement = django_filters.ChoiceFilter(
        label=_("Agreement"), method="filter_agreement", choices=Agreement.Kind.choices
    )
    official = SlugFilter(
        label=_("Official"),
        method="filter_official",
        queryset=lambda request: Release.objects.published().officials(),
        to_field_name="slug",
    )
    event = SlugFilter(
        label=_("Topical event"),
        method="filter_event",
        queryset=lambda request: TopicalEvent.objects.public(),
        to_field_name="slug",
    )

    chosen_from_public = {"official": Official, "event": TopicalEvent}

    class Meta:
        model = Release
        fields = []
        form = ReleaseFilterForm

    def filter_words(self, queryset, name, value):
        return queryset.search(value)

    def paged(self, results):
        """`results` (this filter's `qs`) for a paginator: for a search of one word, as a
        TitleFirst, which fetches each page without ranking every match first."""
        if not self.is_bound or not hasattr(self.form, "cleaned_data"):
            return results
        terms = search_terms(self.form.cleaned_data.get("q"))
        if len(terms) != 1:
            return results
        return TitleFirst(self.without_words(), terms[0], found=self.found_all())

    def without_words(self):
        """The releases of the valid filters other than the words searched for."""
        base = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name != "q":
                base = self.filters[name].filter(base, value)
        return base

    def searching(self):
        """True when the valid filters include words to search for."""
        if not self.is_bound:
            return False
        self.form.is_valid()  # cleaned_data: the valid filters, which apply whatever the others
        return bool(search_terms(self.form.cleaned_data.get("q")))

    def search_count(self):
        """For a search, (how many releases it finds, counting no further than
        SEARCH_COUNT_LIMIT; whether it finds more); None when the list is not a search."""
        if self._search_found is None:
            return None
        found = len(self._search_found)
        return min(found, SEARCH_COUNT_LIMIT), found > SEARCH_COUNT_LIMIT

    def found_all(self):
        """The ids of every release a search finds, when it finds no more than
        SEARCH_COUNT_LIMIT; otherwise (or when the list is not a search) None."""
        found = self._search_found
        return found if found is not None and len(found) <= SEARCH_COUNT_LIMIT else None

    @cached_property
    def _search_found(self):  # read once: the count, the facets and `paged()` all ask
        if not self.searching():
            return None
        # Ids alone, without the rank (the word in the title: a second search of the index),
        # through the index joined: SQLite stops reading it at the limit.
        base = self.without_words()
        terms = search_terms(self.form.cleaned_data["q"])
        found = base.filter(containing(terms, base.db, joined=True)).order_by()
        return list(found.values_list("pk", flat=True)[: SEARCH_COUNT_LIMIT + 1])

    def facets(self):
        """(countries, years) of the releases this filter lists, with counts: the shapes of
        `country_counts()` and `year_counts()`. Read from the archive counts where the valid
        filters are at most one country and a year (whatever the archive's size, a few small
        queries); counted over the results for any other filter (words, a month, dates, an
        agreement kind, an official, several countries)."""
        data = {}
        if self.is_bound:
            self.form.is_valid()
            data = {name: value for name, value in self.form.cleaned_data.items() if value}
        countries = data.get("country") or []
        if set(data) <= {"country", "year"} and len(countries) <= 1:
            within, year = (countries[0] if countries else None), data.get("year")
            counts = ArchiveCount.objects
            return counts.country_facets(year, within), counts.year_facets(within, year)
        results = self.qs
        if (found := self.found_all()) is not None:
            # A search's results by their ids, read once already: not its words again.
            results = self.queryset.filter(pk__in=found)
        return list(results.country_counts()), list(results.year_counts())

    def filter_country(self, queryset, name, value):
        return queryset.for_countries(value)

    def filter_year(self, queryset, name, value):
        return queryset.issued_between(datetime.date(value, 1, 1), datetime.date(value, 12, 31))

    def filter_month(self, queryset, name, value):
        year = self.form.cleaned_data["year"]
        last_day = calendar.monthrange(year, value)[1]
        return queryset.issued_between(
            datetime.date(year, value, 1), datetime.date(year, value, last_day)
        )

    def filter_dates(self, queryset, name, value):
        if name == "from":
            return queryset.issued_between(start=value)
        return queryset.issued_between(end=value)

    def filter_agreement(self, queryset, name, value):
        return queryset.with_agreement_kind(value)

    def filter_official(self, queryset, name, value):
        return queryset.for_official(value)

    def filter_event(self, queryset, name, value):
        return queryset.for_event(value)

    def canonical_query(self):
        """The valid filters as a query string in a fixed order, countries sorted: lists that
        show the same releases give the same string (an e-mail alert stores it)."""
        if not self.is_bound:
            return ""
        self.form.is_valid()
        data = self.form.cleaned_data
        query = QueryDict(mutable=True)
        if data.get("q"):
            query["q"] = data["q"]
        countries = sorted(country.code for country in data.get("country") or [])
        if countries:
            query.setlist("country", countries)
        for key in ("year", "month", "agreement"):
            if data.get(key):
                query[key] = str(data[key])
        for key in ("from", "to"):
            if data.get(key):
                query[key] = data[key].isoformat()
        for key in ("official", "event"):
            if data.get(key):
                query[key] = data[key].slug
        return query.urlencode()

    def active_filters(self):
        """The valid filters in use, each a removable chip: {label, value, remove}, where
        `remove` is the query string of the same list without that filter."""
        if not self.is_bound:
            return []
        self.form.is_valid()
        data = self.form.cleaned_data
        chips = []

        def without(key, value=None, also=()):
            if value is None:
                return first_page_query(self.data, drop=(key, *also))
            query = QueryDict(first_page_query(self.data, drop=also), mutable=True)
            query.setlist(key, [v for v in query.getlist(key) if v.strip().upper() != value])
            return query.urlencode()

        if data.get("q"):
            chips.append((_("Words"), data["q"], without("q")))
        for country in data.get("country") or []:
            chips.append((_("Country"), country.name, without("country", country.code)))
        if data.get("year"):
            chips.append((_("Year"), data["year"], without("year", also=["month"])))
        if data.get("month"):
            chips.append((_("Month"), MONTHS[data["month"]], without("month")))
        for key, label in (("from", _("From")), ("to", _("To"))):
            if data.get(key):
                chips.append((label, date_format(data[key]), without(key)))
        if data.get("agreement"):
            kind = Agreement.Kind(data["agreement"]).label
            chips.append((_("Agreement"), kind, without("agreement")))
        if data.get("official"):
            chips.append((_("Official"), data["official"].name, without("official")))
        if data.get("event"):
            chips.append((_("Topical event"), data["event"].name, without("event")))
        return [{"label": label, "value": value, "remove": query} for label, value, query in chips]


def add_date_range(filterset_class, *, method=None, field_name=None):
    """Give `filterset_class` the `from` and `to` filters (ISO dates, inclusive), by `method`
    (called with the name, "from" or "to") or on the date `field_name`. `from` is a Python
    keyword, so they cannot be written as class attributes."""
    for name, label, lookup in (("from", _("From"), "gte"), ("to", _("To"), "lte")):
        if method:
            target = {"method": method, "field_name": name}
        else:
            target = {"field_name": field_name, "lookup_expr": lookup}
        filterset_class.base_filters[name] = django_filters.DateFilter(
            label=label, input_formats=["%Y-%m-%d"], validators=[date_in_range], **target
        )


add_date_range(ReleaseFilter, method="filter_dates")


class AgreementFilter(ExplainedFilterSet):
    """The agreements register: `country` (any of), `kind`, `year` of signing and `official`
    (a signatory's slug: the register of what an official signed, linked from their page)."""

    country = CountryFilter(label=_("Country"), method="filter_country")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Agreement.Kind.choices)
    year = YearFilter(
        label=_("Year signed"),
        field_name="signed_on",
        lookup_expr="year",
        min_value=EARLIEST.year,
        max_value=LATEST.year,
    )
    # The officials the public may know of: a slug only in drafts names nobody here.
    official = SlugFilter(
        label=_("Signed by"),
        field_name="signatories",
        queryset=lambda request: Release.objects.published().officials(),
        to_field_name="slug",
    )

    chosen_from_public = {"official": Official}

    class Meta:
        model = Agreement
        fields = []

    def filter_country(self, queryset, name, value):
        return queryset.filter(country__in=value)
