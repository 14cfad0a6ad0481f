"""Addresses of the public pages, reversed (or translated) once per name, arguments, language
and URLconf.

`django.urls.reverse` matches the arguments against every pattern of the name and quotes them
on each call (tens of microseconds); a release page asks for some thirty addresses (its
countries, officials, agreements, neighbours, structured data), a list for one per card it
renders. The answer depends only on what the key holds: the name and arguments, the active
language (`i18n_patterns`), the script prefix and the URLconf; a test changing ROOT_URLCONF
empties the memory, as Django does with its own URL caches. A page's address in the other
language (`translate`, for `hreflang` and the language switch) resolves the path and reverses
it again: some 150 microseconds, remembered the same way, for the most recent addresses. A
static file's address is remembered by path until the static settings change.

Dates are remembered the same way (`date`): Django's `date` filter reads the language's formats
and walks the format string on every call (25 µs for a day, 50 for a moment with its time
zone); the text depends only on the value, its time zone, the format and the language.
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters
from django.templatetags.static import static as django_static
from django.urls import get_script_prefix, get_urlconf, translate_url
from django.urls import reverse as django_reverse
from django.utils.translation import get_language


@lru_cache(maxsize=16384)
def _reverse(viewname, args, kwargs, current_app, language, prefix, urlconf):
    return django_reverse(
        viewname, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


def reverse(viewname, *args, current_app=None, **kwargs):
    """`django.urls.reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)`,
    remembered. The arguments must be hashable (what a URL is made of: strings, numbers)."""
    key = tuple(sorted(kwargs.items()))
    language, prefix, urlconf = get_language(), get_script_prefix(), get_urlconf()
    return _reverse(viewname, args, key, current_app, language, prefix, urlconf)


@lru_cache(maxsize=4096)
def _translate(url, target, language, prefix, urlconf):
    return translate_url(url, target)


def translate(url, language):
    """`django.urls.translate_url(url, language)`, remembered (the path is resolved in the
    active language)."""
    return _translate(url, language, get_language(), get_script_prefix(), get_urlconf())


@lru_cache(maxsize=1024)
def static(path):
    """`django.templatetags.static.static(path)`, remembered: a file's hashed address comes
    from the manifest read at start-up."""
    return django_static(path)


@lru_cache(maxsize=4096)
def _date(value, tzinfo, fmt, language):
    return defaultfilters.date(value, fmt)


def date(value, fmt=None):
    """Django's `date` filter of a date, time or datetime (as the template gives it, in the
    current time zone), remembered."""
    return _date(value, getattr(value, "tzinfo", None), fmt, get_language())


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "FORCE_SCRIPT_NAME"):
        _reverse.cache_clear()
        _translate.cache_clear()
    if setting in ("STATIC_URL", "STORAGES", "STATIC_ROOT"):
        static.cache_clear()
    _date.cache_clear()  # formats, time zones, languages: any of them
