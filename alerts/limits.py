"""Counters in Django's cache that stop the subscribe form being used to flood an inbox."""

import hashlib

from django.conf import settings
from django.core.cache import cache

HOUR = 60 * 60
DAY = 24 * HOUR


def _hit(key, limit, window):
    """Count one more event under `key`; False once `limit` events fell in the window."""
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, window)
        count = 1
    return count <= limit


def _digest(value):
    # Keys carry no address in clear: the cache is not a list of subscribers.
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]


def client_allowed(client):
    limit = settings.ALERTS_REQUESTS_PER_CLIENT
    return _hit(f"alerts:client:{_digest(client)}", limit, HOUR)


def address_allowed(email):
    limit = settings.ALERTS_REQUESTS_PER_ADDRESS
    return _hit(f"alerts:address:{_digest(email)}", limit, DAY)


def client_address(request):
    """The visitor's IP address; behind the TLS proxy, the one the proxy saw."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
