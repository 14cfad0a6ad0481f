"""Tags and filters of the public pages: language twins, sanitized rich text, photos,
documents."""

from django import template
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import reverse, translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext, override

from core.translations import SOURCE, TARGET, text
from releases.filters import first_page_query
from releases.renditions import media_url, picture_for
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


@register.inclusion_tag("includes/photo.html")
def photo(photo, sizes="(min-width: 62rem) 44rem, calc(100vw - 2rem)", eager=False):
    """The photo as a <figure>: <picture> (WebP, JPEG fallback, srcset, width and height),
    caption and credit."""
    return {"photo": photo, "picture": picture_for(photo), "sizes": sizes, "eager": eager}


@register.filter
def describe_attachment(attachment):
    """What a document is before one opens it: "PDF, 1.2 MB, 12 pages"."""
    parts = [attachment.get_format_display(), filesizeformat(attachment.size)]
    if attachment.pages:
        n = attachment.pages
        if attachment.is_presentation:
            parts.append(ngettext("%(n)d slide", "%(n)d slides", n) % {"n": n})
        else:
            parts.append(ngettext("%(n)d page", "%(n)d pages", n) % {"n": n})
    return gettext(", ").join(str(part) for part in parts)


@register.filter
def file_url(field_file):
    """The public address of a stored file (releases.media checks who may have it)."""
    return media_url(field_file.name)


@register.simple_tag(takes_context=True)
def feed_url(context, kind="rss"):
    """The RSS (`kind="rss"`) or Atom (`"atom"`) feed of exactly what the list shows, or the
    page about them (`"page"`)."""
    request = context.get("request")
    query = first_page_query(request.GET) if request is not None else ""
    url = reverse(f"feeds:{kind}")
    return f"{url}?{query}" if query else url


@register.simple_tag(takes_context=True)
def feed_links(context):
    """<link rel="alternate"> to the RSS and Atom feeds of the list as filtered."""
    return format_html(
        '<link rel="alternate" type="application/rss+xml" title="{} (RSS)" href="{}">\n'
        '<link rel="alternate" type="application/atom+xml" title="{} (Atom)" href="{}">',
        gettext("News releases"),
        feed_url(context, "rss"),
        gettext("News releases"),
        feed_url(context, "atom"),
    )
