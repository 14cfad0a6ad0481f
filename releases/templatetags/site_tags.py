"""Tags and filters of the public pages: language twins, sanitized rich text, photos."""

from types import SimpleNamespace

from django import template
from django.conf import settings
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.urls import reverse, translate_url
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, override

from core.cache import cached, cached_each
from core.translations import SOURCE, TARGET, text
from releases.renditions import picture_for
from releases.richtext import sanitize_html

register = template.Library()


@register.simple_tag(takes_context=True)
def twin_url(context, language, absolute=False):
    """This page, query string included, in `language`; that language's home page when this
    page has no twin (a 404 page). A page whose twins are not at its address in another
    language (the staff's preview) names them in `twin_urls`."""
    request = context.get("request")
    url = context.get("twin_urls", {}).get(language)
    if url is None and request is not None and request.resolver_match is not None:
        here = request.get_full_path()
        if language == get_language():
            url = here
        else:
            url = translate_url(here, language)
            if url == here:
                url = None
    if url is None:
        with override(language):
            url = reverse("releases:home")
    if absolute and request is not None:
        return request.build_absolute_uri(url)
    return url


@register.simple_tag(takes_context=True)
def default_url(context):
    """This page for visitors of neither language (hreflang x-default): its address without
    the language prefix, which sends each visitor to their own language. The sitemap makes its
    x-default the same way (django.contrib.sitemaps, `x_default = True`)."""
    prefix = f"/{settings.LANGUAGE_CODE}/"
    return twin_url(context, settings.LANGUAGE_CODE, absolute=True).replace(prefix, "/", 1)


@register.filter
def sanitize(html):
    """Rich text from the editor, cleaned by the allow-list again as it is shown.

    `Section.save()` stores it cleaned (the admin, import_releases, load_demo), but some writes
    never call `save()`: a history restore (django-reversion writes the revision's rows raw),
    queryset `update()`, `bulk_create` (generate_releases), and rows stored before the allow-list
    last tightened. Cleaning costs some 15 µs a section (nh3), a few sections a page: cheaper
    than proving that no such write can ever hold a script."""
    return mark_safe(sanitize_html(html) if html else "")  # noqa: S308 - nh3 output is safe HTML


@register.filter
def japanese_only(release):
    """True on a non-Japanese page of a release that has no translation yet."""
    return get_language() != "ja" and not release.has_english


@register.filter
def lang_of(obj, field):
    """' lang="ja"' where a page in another language shows `obj`'s `field` in Japanese (its
    English is missing), so screen readers read it as Japanese."""
    if get_language() == SOURCE or text(obj, field, TARGET) or not text(obj, field, SOURCE):
        return ""
    return mark_safe(f' lang="{SOURCE}"')  # noqa: S308 - a constant


@register.filter
def of_meeting(photos, meeting):
    """The photos (prefetched) of `meeting`; those of no meeting when it is None."""
    meeting_id = getattr(meeting, "pk", None)
    return [photo for photo in photos if photo.meeting_id == meeting_id]


@register.inclusion_tag("includes/picture.html")
def picture(photo, sizes="100vw", eager=False):
    """The photo as <picture> (WebP, JPEG fallback, srcset, width and height), without its
    caption: the including template shows caption and credit."""
    return {"photo": photo, "picture": picture_for(photo), "sizes": sizes, "eager": eager}


class AggregateNode(template.Node):
    def __init__(self, name, parts, nodelist):
        self.name, self.parts, self.nodelist = name, parts, nodelist

    def render(self, context):
        parts = [part.resolve(context) for part in self.parts]
        return cached(f"fragment:{self.name}", lambda: self.nodelist.render(context), *parts)


@register.tag
def aggregate(parser, token):
    """`{% aggregate "name" part ... %}…{% endaggregate %}`: HTML made from aggregates (counts,
    option lists), rendered once per content version, language and `parts` for every server
    (`core.cache.cached`). Everything the block shows must follow from those: the parts name
    what varies per request (the filters), nothing in it may be per visitor (no CSRF token)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'aggregate' needs a name.")
    name = bits[1].strip("\"'")
    parts = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("endaggregate",))
    parser.delete_first_token()
    return AggregateNode(name, parts, nodelist)


class _Lazy:
    """The rows of a page, fetched from the database only if one of them must be rendered."""

    def __init__(self, items, fields):
        if (
            isinstance(items, QuerySet)
            and items._result_cache is None
            and items._iterable_class is ModelIterable
        ):
            # One narrow query: the ids (and `fields`) of the page's rows, in their order.
            self.queryset = items
            self.rows = [
                SimpleNamespace(pk=pk, **dict(zip(fields, values, strict=True)))
                for pk, *values in items.values_list("pk", *fields)
            ]
        elif hasattr(items, "marked") and not fields:  # a page of a CachedOrder
            self.queryset = items
            self.rows = items.marked()
        elif hasattr(items, "ids") and not fields:  # a page of search results (TitleFirst)
            self.queryset = items
            self.rows = [SimpleNamespace(pk=pk) for pk in items.ids()]
        else:
            self.queryset = None
            self.rows = list(items)
        self._loaded = None if self.queryset is not None else {row.pk: row for row in self.rows}

    def get(self, pk):
        """The row `pk`, None if it left the results between the two queries (withdrawn
        meanwhile: its id was read, its row is no longer public)."""
        if self._loaded is None:
            self._loaded = {item.pk: item for item in self.queryset}
        return self._loaded.get(pk)


def _render_each(context, rows, template_name, name, part, **values):
    """The rows of `rows` (a _Lazy) each rendered by `template_name` with the row as `name`
    (and `values(row)`), once per content version, language, template and `part(row)` for
    every server: one cache read for the lot (`core.cache.cached_each`); the rows themselves
    are read from the database only for those not in the cache."""
    item_template = context.template.engine.get_template(template_name)

    def render(row):
        item = rows.get(row.pk)
        if item is None:
            return ""
        with context.push({name: item, **{k: value(row) for k, value in values.items()}}):
            return item_template.render(context)

    return cached_each(f"each:{template_name}", rows.rows, part, render)


@register.simple_tag(takes_context=True)
def render_each(context, items, template_name, name, *parts, fields=""):
    """[(row, html)]: each of `items` rendered by `template_name` with the item as `name`; the
    html depends on nothing else in the context than `parts` (e.g. the country of the page).
    When `items` is a queryset not yet read, a row holds the item's `pk` and `fields` (names,
    comma-separated), what the page may use of it beside the html; otherwise it is the item."""
    rows = _Lazy(items, [field for field in fields.split(",") if field])
    html = _render_each(context, rows, template_name, name, lambda row: (row.pk, *parts))
    return list(zip(rows.rows, html, strict=True))


@register.simple_tag(takes_context=True)
def agreement_cards(context, links):
    """A release's agreements (its ReleaseAgreement links, read) as cards
    (includes/agreement_card.html). A card shows the agreement and whether the release only
    mentions it: the same on every release that links the agreement so, hence rendered once
    per content version, language, agreement and role for every server."""
    rows = _Lazy(list(links), [])
    cards = _render_each(
        context,
        rows,
        "includes/agreement_card.html",
        "link",
        lambda link: (link.agreement_id, link.role),
    )
    return mark_safe("".join(cards))  # noqa: S308 - rendered templates, escaped there


@register.simple_tag(takes_context=True)
def release_items(context, releases, lead="all"):
    """The releases as list items (includes/release_item.html), each rendered once per content
    version and language for every server. `lead`: "all" shows every lead, "first" the first
    release's only, "none" none."""
    rows = _Lazy(releases, [])
    leads = {r.pk: lead == "all" or (lead == "first" and n == 0) for n, r in enumerate(rows.rows)}
    cards = _render_each(
        context,
        rows,
        "includes/release_item.html",
        "release",
        lambda release: (release.pk, leads[release.pk]),
        show_lead=lambda release: leads[release.pk],
    )
    return mark_safe("".join(cards))  # noqa: S308 - rendered templates, escaped there
