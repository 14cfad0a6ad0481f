from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _


class IndexPaginator(Paginator):
    """A page of a queryset is its rows chosen by their ids in a subquery (still one query):
    `SELECT … WHERE id IN (SELECT id … ORDER BY … LIMIT 20 OFFSET n) ORDER BY …`. The database
    sorts and skips narrow index entries instead of whole rows, which keeps a deep page about as
    fast as the first. `count`, where the caller knows it already (from derived counts),
    spares counting the rows."""

    def __init__(self, object_list, per_page, count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.count = count  # Paginator.count is a cached_property: this is its value

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if isinstance(rows, QuerySet):
            rows = rows.filter(pk__in=rows.values("pk")[bottom:top])
        else:
            rows = rows[bottom:top]
        return Page(rows, number, self)


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

    paginator_class = IndexPaginator
    page_note = ""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        requested = self.request.GET.get(self.page_kwarg, "")
        try:
            number = int(requested or 1)
        except ValueError:
            number = 1
        page = paginator.page(max(1, min(number, paginator.num_pages)))
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
