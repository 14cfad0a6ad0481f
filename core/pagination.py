import copy
from array import array
from types import SimpleNamespace

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.http import QueryDict
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from .cache import cached


class CachedCountPaginator(Paginator):
    """Counts once per content version (the count is the slow part of a deep archive)."""

    def __init__(self, *args, count_key, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        return cached("count", lambda: Paginator.count.func(self), *self.count_key)

    def page(self, number):
        """The rows of a queryset page are chosen by their ids alone, in a subquery (still one
        query): `SELECT … WHERE id IN (SELECT id … ORDER BY … LIMIT 20 OFFSET n)`. The database
        sorts and skips narrow index entries instead of whole rows, which keeps a deep page as
        fast as the first, and a long timeline (an official's 800 meetings) as fast as a short
        one; the outer query has no filter but the ids, so it cannot be planned as a scan."""
        page = super().page(number)
        fetched = by_ids(page.object_list)
        if fetched is not None:
            page.object_list = fetched
        return page


class CachedOrder:
    """A queryset's rows in its order, the order itself (every id) read once per content
    version: for a timeline that must join and sort all of its rows to find any page (an
    official's 800 meetings, each with its release's date: 10 to 20 ms on PostgreSQL), where a
    list's page finds its ids in an index. `key`: what the order depends on (with the content
    version and the language). Django's Paginator takes it like a queryset; a page is the rows
    of its ids (`marked()` without a query, the rows in one).

    `queryset` may be a function returning it: it is only built (2 to 4 ms for a timeline with
    its prefetches) when rows are read, not when every row on the page is rendered from the
    cache. `marks`: {name: expression} of values read with the order, which a page shows beside
    each row without reading the row (a timeline's year headings, `marked()`)."""

    def __init__(self, queryset, *key, marks=None):
        self._queryset, self.key, self.marks = queryset, key, marks or {}
        self._columns = None

    @cached_property
    def queryset(self):
        return self._queryset() if callable(self._queryset) else self._queryset

    def columns(self):
        """(every pk, *every mark), in order, each a column (see `_column`)."""
        if self._columns is None:

            def read():
                rows = list(self.queryset.values_list("pk", *self.marks.values()))
                return tuple(_column(values) for values in zip(*rows, strict=True)) or tuple(
                    [] for _ in range(1 + len(self.marks))
                )

            self._columns = cached("ordered-columns", read, *self.key, *self.marks)
        return self._columns

    def count(self):
        return len(self.columns()[0])

    def __getitem__(self, window):
        return OrderedRows(self, [column[window] for column in self.columns()])


def _column(values):
    """A column of values as an array of integers where it can be (ids, years): the cache holds
    it as bytes, read back in microseconds, where a list of thousands of ints (or of tuples)
    takes a third of a millisecond or more on every request."""
    for code in ("i", "q"):
        try:
            return array(code, values)
        except (TypeError, OverflowError):
            continue
    return list(values)


class OrderedRows:
    """The rows of `columns` (a window of `CachedOrder.columns()`), in that order, read in one
    query when first iterated; a row that left the queryset since the order was read
    (withdrawn meanwhile) is left out."""

    def __init__(self, source, columns):
        self.source, self._ids, self._marks = source, list(columns[0]), columns[1:]
        self._rows = None

    @classmethod
    def of(cls, queryset, ids):
        """The rows of `queryset` (or of a function returning it, called only when the rows
        are read) with the ids `ids`, in that order: a short list whose ids are kept (a
        release's related releases), rendered from cached fragments without a query."""
        return cls(CachedOrder(queryset), [ids])

    def marked(self):
        """Each row's pk and marks, without reading the rows."""
        names = list(self.source.marks)
        return [
            SimpleNamespace(pk=pk, **dict(zip(names, marks, strict=True)))
            for pk, *marks in zip(self._ids, *self._marks, strict=True)
        ]

    def __len__(self):
        return len(self._ids)

    def __iter__(self):
        if self._rows is None:
            found = {row.pk: row for row in self.source.queryset.filter(pk__in=self._ids)}
            self._rows = [found[pk] for pk in self._ids if pk in found]
        return iter(self._rows)


def by_ids(rows):
    """A sliced model queryset as the same rows fetched by id (see `page`); None for what
    cannot be (annotations that the order or the rows may need, values(), distinct, unions)."""
    query = getattr(rows, "query", None)
    if (
        not isinstance(rows, QuerySet)
        or rows._iterable_class is not ModelIterable
        or query.annotations
        or query.extra
        or query.distinct
        or query.combinator
        or (query.low_mark == 0 and query.high_mark is None)
    ):
        return None
    every = rows._chain()
    every.query.clear_limits()
    ids = every.values("pk")[query.low_mark : query.high_mark]
    fresh = rows.model._default_manager.filter(pk__in=ids)
    fresh.query.select_related = copy.deepcopy(query.select_related)
    fresh.query.deferred_loading = query.deferred_loading
    fresh._prefetch_related_lookups = rows._prefetch_related_lookups
    ordering = query.order_by or (() if not query.default_ordering else rows.model._meta.ordering)
    return fresh.order_by(*ordering)


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


class ForgivingPaginationMixin:
    """A page number that is not a number, or out of range, shows the nearest page and says so
    (`page_note`), instead of a 404: `?page=abc`, `?page=0` and `?page=-1` give page 1,
    `?page=99999` the last page."""

    page_note = ""
    # A list of up to this many rows keeps its order, every id, once per content version (4
    # bytes an id in the cache): its pages are then read without a query, where the database
    # finds a page by walking an index in the list's order and checking each row against the
    # filters (1 to 3 ms of planning and reading on PostgreSQL). Longer lists, or 0, are read
    # page by page.
    order_cached_up_to = 0
    # A page of a list read through its index keeps its ids, once read, per content version
    # (like the count): the database walks the index to a deep page's offset once, not on every
    # request (PostgreSQL: 1 to 3 ms at page 200). Not for searches: every one is different.
    page_ids_cached = False

    def count_key(self):
        """What the counts of this list depend on (with the content version): the address
        and its filters, not the page number."""
        filters = sorted(
            (k, v) for k, values in self.request.GET.lists() if k != self.page_kwarg for v in values
        )
        return (type(self).__name__, self.request.path, filters)

    def get_paginator(self, queryset, per_page, **kwargs):
        return CachedCountPaginator(queryset, per_page, count_key=self.count_key(), **kwargs)

    def paginate_queryset(self, queryset, page_size):
        if isinstance(queryset, QuerySet) and self.order_cached_up_to:
            key = self.count_key()
            if cached("count", queryset.count, *key) <= self.order_cached_up_to:
                queryset = CachedOrder(queryset, "list-order", *key)
        paginator = self.get_paginator(queryset, page_size)
        requested = self.request.GET.get(self.page_kwarg, "")
        try:
            number = int(requested or 1)
        except ValueError:
            number = 1
        page = paginator.page(max(1, min(number, paginator.num_pages)))
        if self.page_ids_cached and isinstance(page.object_list, QuerySet):
            ids = CachedOrder(page.object_list, "page-ids", *self.count_key(), page.number)
            page.object_list = ids[:]
        if requested and requested != str(page.number):
            self.page_note = _("There is no page “%(requested)s”: this is page %(number)s.") % {
                "requested": requested[:20],
                "number": page.number,
            }
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # paginates
        context["page_note"] = self.page_note
        return context
