"""The site's one caching seam: a content version, a store of plain data, and the page cache.

Every key holds the *content version*, a token kept in the cache itself. When content the public
sees changes, `content_changed()` replaces it once the transaction commits: every app server
reads the new version at its next request and no longer finds what was stored under the old
one, which simply expires. Scheduled publication needs no write: nothing is cached past the next
scheduled moment (`timeout()`).

Views, filters and templates know nothing of this module. Templates name the fragments worth
keeping with Django's `{% cache cache_seconds "name" content_version ... %}`, whose two values
come from `context()`, a context processor.
"""

import hashlib
import math
import secrets
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import (
    get_cache_key,
    get_conditional_response,
    has_vary_header,
    learn_cache_key,
    patch_cache_control,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe

VERSION_KEY = "content:version"
# Functions returning (the latest publication moment passed, the next one to come) as aware
# datetimes or None; apps register theirs with `core.signals.watch`.
schedules = []


def _new_version():
    # Microseconds since the epoch (the moment of the change, used for Last-Modified) and a
    # few random bits so two servers changing content in the same microsecond still differ.
    return f"{time.time_ns() // 1000}.{secrets.token_hex(3)}"


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:  # first use, or evicted: any new token is safe, one wins
        version = _new_version()
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY) or version
    return version


def bump():
    """Content changed: nothing cached before this moment is used again, on any server."""
    cache.set(VERSION_KEY, _new_version(), None)


class _Bump:
    """The bump one transaction owes: every change in it registers this same callback on
    commit, and only the first call bumps."""

    done = False

    def __call__(self):
        if not self.done:
            self.done = True
            bump()


# Per thread and database alias, the bump owed by the transaction in progress. One left from a
# transaction that rolled back is reused by the next one, which registers it again.
_owed = threading.local()


def _owed_bump(using):
    return getattr(_owed, using, None)


def content_changed(using=None):
    """Content the public sees changed (the signals of `core.signals` and `releases.signals`
    call this; so does whoever writes with bulk methods, which send none). The version changes
    once the transaction commits: a server could otherwise cache the old rows under the new
    version. Robust: a cache outage must not turn a committed save into an error."""
    using = using or DEFAULT_DB_ALIAS
    owed = _owed_bump(using)
    if owed is None or owed.done:
        owed = _Bump()
        setattr(_owed, using, owed)
    transaction.on_commit(owed, using=using, robust=True)


def changes_pending(using=None):
    """True inside a transaction that changed content: until it commits, this connection sees
    rows that others do not, so it must neither read nor fill the shared cache."""
    using = using or DEFAULT_DB_ALIAS
    owed = _owed_bump(using)
    return owed is not None and not owed.done and transaction.get_connection(using).in_atomic_block


def _seconds_until(moment, cap):
    if moment is None:
        return cap
    return max(0, min(cap, math.floor(moment - time.time())))


def moments():
    """(latest publication passed, next scheduled publication), as timestamps or None; read
    once per content version, until the next publication."""
    key = f"content:{content_version()}:moments"
    value = None if changes_pending() else cache.get(key)
    if value is None or (value[1] is not None and value[1] <= time.time()):
        passed, upcoming = [], []
        for schedule in schedules:
            last, following = schedule()
            passed += [last.timestamp()] if last else []
            upcoming += [following.timestamp()] if following else []
        value = (max(passed, default=None), min(upcoming, default=None))
        seconds = _seconds_until(value[1], cache.default_timeout)
        if seconds and not changes_pending():
            cache.set(key, value, seconds)
    return value


def timeout():
    """How long anything may be cached now: never past the next scheduled publication."""
    return _seconds_until(moments()[1], cache.default_timeout)


def _digest(*parts):
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(str(part).encode())
        digest.update(b"\x1f")
    return digest.hexdigest()


def get_or_set(name, compute, *parts):
    """`compute()`, computed once per content version, language and `parts` for all servers.
    Keep plain data (ids, numbers, strings, dicts and lists of them), never model rows."""
    if changes_pending():
        return compute()
    key = f"content:{content_version()}:{name}:{_digest(translation.get_language(), *parts)}"
    value = cache.get(key)
    if value is None:
        value = compute()
        seconds = timeout()
        if seconds:
            cache.set(key, value, seconds)
    return value


def context(request):
    """The context processor for `{% cache cache_seconds "name" content_version ... %}`. Inside
    a transaction that changed content, a version of its own that nothing is stored under."""
    if changes_pending():
        return {"content_version": f"pending-{secrets.token_hex(8)}", "cache_seconds": 0}
    # Functions, which the template calls where it uses them: a page with no {% cache %}
    # (the admin's) reads neither the version nor the next scheduled publication.
    return {"content_version": content_version, "cache_seconds": timeout}


def _shareable(response):
    """A response that cannot depend on who asks: no cookie set, no `Vary: Cookie` (it read the
    session or a CSRF token), no single-use CSP nonce, no `Cache-Control` of its own (admin,
    preview: `private, no-store`)."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not has_vary_header(response, "Cookie")
        and not response.has_header("Cache-Control")
        and "'nonce-" not in response.get("Content-Security-Policy", "")
        and "'nonce-" not in response.get("Content-Security-Policy-Report-Only", "")
    )


def _plain(response):
    """What the cache keeps of a response: its status, headers and bytes in one piece (a REST
    framework response also holds its data, which the cache would store and read back too)."""
    plain = HttpResponse(response.content, status=response.status_code)
    for header, value in response.items():
        plain[header] = value
    return plain


class PageCacheMiddleware:
    """Public pages from the shared cache (Django's cache keys: the address and the headers the
    page varies on, under the content version), each with `ETag`, `Last-Modified` and a public
    `Cache-Control` ending at the next scheduled publication, answering conditional requests
    with 304. It sits before the session middleware, so a page from the cache costs no query.
    `PAGE_CACHE = False` renders every page (validators and 304s remain). `X-Page-Cache` says
    whether the page came from the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        version = content_version()
        prefix = f"content:{version}"
        # The language as LocaleMiddleware (further in) will choose it: Django's keys hold it.
        language = translation.get_language_from_request(request, check_path=True)
        use_cache = settings.PAGE_CACHE and not changes_pending()
        if use_cache:
            with translation.override(language):
                key = get_cache_key(request, prefix, "GET", cache=cache)
            response = cache.get(key) if key else None
            if response is not None:
                response["X-Page-Cache"] = "hit"
                return self._finish(request, response, moments()[1])
        response = self.get_response(request)
        # A page made from uncommitted rows is nobody else's business: it may be rolled back.
        if not _shareable(response) or changes_pending():
            return response
        last_passed, upcoming = moments()
        if not response.has_header("ETag"):
            set_response_etag(response)
        if not response.has_header("Last-Modified"):
            changed = int(version.split(".")[0]) / 1e6
            response["Last-Modified"] = http_date(max(changed, last_passed or 0))
        seconds = _seconds_until(upcoming, cache.default_timeout)
        if use_cache and seconds:
            with translation.override(language):
                key = learn_cache_key(request, response, seconds, prefix, cache=cache)
            cache.set(key, _plain(response), seconds)
            response["X-Page-Cache"] = "miss"
        return self._finish(request, response, upcoming)

    def _finish(self, request, response, upcoming):
        """Short shared caching, ending (stale copies too) at the next scheduled publication
        (`upcoming`)."""
        cap = _seconds_until(upcoming, 10**9)
        max_age = min(settings.HTTP_CACHE_SECONDS, cap)
        patch_cache_control(
            response,
            public=True,
            max_age=max_age,
            s_maxage=max_age,
            stale_while_revalidate=min(settings.HTTP_CACHE_SECONDS, cap - max_age),
        )
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response["Last-Modified"]),
            response=response,
        )
