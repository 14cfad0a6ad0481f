"""The shared cache of public pages and aggregates, invalidated exactly, and HTTP caching.

Every key holds the *content version*, a token kept in the cache itself, so reading it costs
no query. When content changes (`core.signals` watches the content apps), the version is
replaced once the transaction commits; every app server sharing the cache then reads the
new version at its next request and no longer finds what was stored under the old one,
which simply expires. Scheduled publication needs no write at all: nothing is cached past
the next scheduled moment.

Pages (`PageCacheMiddleware`) and aggregates (`cached`) are only shared when they cannot
depend on who asks: a response that sets a cookie, varies on `Cookie` (it read the session
or a CSRF token), carries a CSP nonce (single-use by definition) or sets its own
`Cache-Control` (admin, preview: `private, no-store`) is neither stored nor marked public.
"""

import hashlib
import math
import pickle
import secrets
import threading
import time
from collections import OrderedDict
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, has_vary_header
from django.utils.http import http_date, parse_http_date_safe

VERSION_KEY = "content:version"
_MISSING = object()
# Functions returning (the latest publication moment passed, the next one to come) as aware
# datetimes or None; apps register theirs with `core.signals.watch`.
schedules = []
# The version read at the start of the current request, so that a page reads it once.
_request_version = ContextVar("content_version", default=None)


class _Near:
    """What this process last read or wrote under the current content version, kept beside the
    shared cache so that a page reads it in one round trip (the version) instead of one per
    fragment. An entry's key holds its version, so it cannot go stale: content changes make new
    keys, and an entry ends, as in the shared cache, at the next scheduled publication. Values
    are kept pickled, as the shared cache keeps them: every read is a fresh copy. Bounded: a
    new version empties it, and the least recently used entries go beyond `size` entries or
    `budget` bytes (a list's order may hold thousands of ids)."""

    def __init__(self, size=4000, budget=32 * 1024 * 1024):
        self.size, self.budget, self.version, self.entries = size, budget, None, OrderedDict()
        self.bytes = 0
        self.lock = threading.Lock()

    def get(self, version, key, now):
        with self.lock:
            entry = self.entries.get(key) if version == self.version else None
            if entry is None or entry[0] <= now:
                return _MISSING
            self.entries.move_to_end(key)
        return pickle.loads(entry[1])  # noqa: S301 - what this process pickled itself

    def put(self, version, items, until):
        if until <= time.time():
            return
        entries = [(key, (until, pickle.dumps(v, pickle.HIGHEST_PROTOCOL))) for key, v in items]
        with self.lock:
            if version != self.version:
                self.version, self.entries, self.bytes = version, OrderedDict(), 0
            for key, entry in entries:
                old = self.entries.pop(key, None)
                self.bytes += len(entry[1]) - (len(old[1]) if old else 0)
                self.entries[key] = entry
            while self.entries and (len(self.entries) > self.size or self.bytes > self.budget):
                _key, (_until, data) = self.entries.popitem(last=False)
                self.bytes -= len(data)


_near = _Near()


def _read_many(version, keys):
    """{key: value} of `keys` (all under `version`) found here or in the shared cache."""
    now = time.time()
    found = {}
    for key in keys:
        value = _near.get(version, key, now)
        if value is not _MISSING:
            found[key] = value
    missing = [key for key in keys if key not in found]
    if missing:
        shared = cache.get_many(missing)
        if shared:
            _near.put(version, shared.items(), now + timeout())
        found.update(shared)
    return found


def _write_many(version, values, seconds):
    cache.set_many(values, seconds)
    _near.put(version, values.items(), time.time() + seconds)


def _new_version():
    # Microseconds since the epoch (the moment of the change, used for Last-Modified) and a
    # few random bits so two servers changing content in the same microsecond still differ.
    return f"{time.time_ns() // 1000}.{secrets.token_hex(3)}"


def content_version():
    version = _request_version.get()
    if version is None:
        version = cache.get(VERSION_KEY)
    if version is None:  # first use, or evicted: any new token is safe, one wins
        version = _new_version()
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY) or version
    return version


def bump():
    """Content changed: nothing cached before this moment is used again, on any server."""
    cache.set(VERSION_KEY, _new_version(), None)
    _request_version.set(None)


def _bump_after_commit():
    bump()


def changes_pending(using=None):
    """True inside a transaction that changed content: until it commits, this connection sees
    rows that others do not, so it must neither read nor fill the shared cache."""
    connection = transaction.get_connection(using)
    return connection.in_atomic_block and any(
        func is _bump_after_commit for _savepoints, func, _robust in connection.run_on_commit
    )


def content_changed(using=None):
    """Call after writing content by other means than the ORM's signals (bulk writes)."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        bump()
    elif not changes_pending(using):
        # On commit, not now: a server could otherwise cache the old rows under the new
        # version. Robust: a cache outage must not turn a committed save into an error.
        transaction.on_commit(_bump_after_commit, using=using, robust=True)


def _moments():
    """(latest publication passed, next scheduled publication), as timestamps or None."""
    now = time.time()
    version = content_version()
    key = f"content:{version}:moments"
    value = None
    if not changes_pending():
        value = _near.get(version, key, now)
        if value is _MISSING:
            value = cache.get(key)
            if value is not None:
                _near.put(
                    version, [(key, value)], now + _seconds_until(value[1], cache.default_timeout)
                )
    if value is None or (value[1] is not None and value[1] <= now):
        passed, upcoming = [], []
        for schedule in schedules:
            last, following = schedule()
            passed += [last.timestamp()] if last else []
            upcoming += [following.timestamp()] if following else []
        value = (max(passed, default=None), min(upcoming, default=None))
        if not changes_pending():
            _write_many(version, {key: value}, _seconds_until(value[1], cache.default_timeout))
    return value


def _seconds_until(moment, cap):
    if moment is None:
        return cap
    return max(0, min(cap, math.floor(moment - time.time())))


def timeout():
    """How long anything may be cached now: never past the next scheduled publication."""
    return _seconds_until(_moments()[1], cache.default_timeout)


def _digest(*parts):
    """A short hash of `parts`; bytes (a page's body, for its ETag) are hashed as they are:
    their text form would be four times as long for Japanese, and hashing it took five times
    as long."""
    digest = hashlib.blake2b(digest_size=16)
    for n, part in enumerate(parts):
        if n:
            digest.update(b"\x1f")
        digest.update(part if isinstance(part, bytes) else str(part).encode())
    return digest.hexdigest()


def cached(name, compute, *parts):
    """`compute()`, computed once per content version, language and `parts` for all servers."""
    if changes_pending():
        return compute()
    version = content_version()
    key = f"content:{version}:{name}:{_digest(translation.get_language(), *parts)}"
    value = _read_many(version, [key]).get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        seconds = timeout()
        if seconds:
            _write_many(version, {key: value}, seconds)
    return value


def cached_each(name, items, part, compute):
    """[`compute(item)` for each item], each computed once per content version, language and
    `part(item)` for all servers: one cache read for all of them, one write for those missing."""
    if changes_pending():
        return [compute(item) for item in items]
    version = content_version()
    prefix = f"content:{version}:{name}"
    language = translation.get_language()
    keys = [f"{prefix}:{_digest(language, part(item))}" for item in items]
    found = _read_many(version, keys)
    missing = {}
    values = []
    for key, item in zip(keys, items, strict=True):
        if key not in found:
            found[key] = missing[key] = compute(item)
        values.append(found[key])
    seconds = timeout() if missing else 0
    if seconds:
        _write_many(version, missing, seconds)
    return values


def prefetched_as_lists(rows):
    """`rows` (model instances), with every relation prefetched into them, at any depth, kept
    as a list instead of a queryset: what a page reads from the cache it only iterates, and a
    queryset carries its whole query with it (a release with its parts unpickles in half the
    time without them). `release.meetings.all()` then gives the list; a queryset method on it
    fails loudly rather than querying again. Returns `rows`."""
    pending, seen = list(rows), set()
    while pending:
        row = pending.pop()
        if id(row) in seen:
            continue
        seen.add(id(row))
        prefetched = getattr(row, "_prefetched_objects_cache", {})
        for name, related in prefetched.items():
            prefetched[name] = list(related)
            pending.extend(prefetched[name])
        pending.extend(
            value for value in row._state.fields_cache.values() if hasattr(value, "_state")
        )
    return rows


def cached_rows(queryset):
    """The rows of `queryset` (a list), from the cache: the key is its SQL."""
    return cached("rows", lambda: list(queryset), *_identity(queryset))


def cached_count(queryset):
    return cached("count", queryset.count, *_identity(queryset))


def _identity(queryset):
    return queryset.model._meta.label, str(queryset.query), queryset._prefetch_related_lookups


def _shareable(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not has_vary_header(response, "Cookie")
        and not response.has_header("Cache-Control")
        and "'nonce-" not in response.get("Content-Security-Policy", "")
        and "'nonce-" not in response.get("Content-Security-Policy-Report-Only", "")
    )


def _cache_control(response, upcoming):
    """Short shared caching, ending (stale copies too) at the next scheduled publication."""
    cap = _seconds_until(upcoming, 10**9)
    max_age = min(settings.HTTP_CACHE_SECONDS, cap)
    stale = min(settings.HTTP_CACHE_SECONDS, cap - max_age)
    response["Cache-Control"] = (
        f"public, max-age={max_age}, s-maxage={max_age}, stale-while-revalidate={stale}"
    )


class PageCacheMiddleware:
    """Public pages from the shared cache, each with `ETag`, `Last-Modified` and a public
    `Cache-Control`, answering conditional requests with 304.

    It sits before the session middleware, so a page from the cache costs two cache reads (the
    version, the page) and no query. What is stored is the response as it left every inner
    middleware, headers included: the CSP header sent with a cached body is the one made for
    it. `PAGE_CACHE = False` renders every page (the validators and 304s remain).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        reset = _request_version.set(None)
        try:
            return self._respond(request)
        finally:
            _request_version.reset(reset)

    def _respond(self, request):
        version = content_version()
        _request_version.set(version)
        key = None
        if settings.PAGE_CACHE and not changes_pending():
            language = translation.get_language_from_request(request, check_path=True)
            key = f"content:{version}:page:{_digest(language, request.build_absolute_uri())}"
            entry = cache.get(key)
            if entry is not None:
                content, headers, upcoming = entry
                response = HttpResponse(content, headers=headers)
                response["X-Page-Cache"] = "hit"
                return self._finish(request, response, upcoming)
        response = self.get_response(request)
        # A page made from uncommitted rows is nobody else's business: it may be rolled back.
        if not _shareable(response) or changes_pending():
            return response
        last_passed, upcoming = _moments()
        if not response.has_header("ETag"):
            representation = (response.content, response.get("Content-Type", ""))
            response["ETag"] = f'"{_digest(*representation)}"'
        if not response.has_header("Last-Modified"):
            changed = int(version.split(".")[0]) / 1e6
            response["Last-Modified"] = http_date(max(changed, last_passed or 0))
        seconds = _seconds_until(upcoming, cache.default_timeout)
        if key and seconds:
            cache.set(key, (response.content, dict(response.items()), upcoming), seconds)
            response["X-Page-Cache"] = "miss"
        return self._finish(request, response, upcoming)

    def _finish(self, request, response, upcoming):
        _cache_control(response, upcoming)
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response["Last-Modified"]),
            response=response,
        )
