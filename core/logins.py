"""Failed logins, counted by django-axes in the database (so every app server sees the same
counts), with three limits instead of axes' one. Why three, and their sizes: config/settings.py,
"Login throttling"."""

import datetime

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib import admin
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

# Where a person signed in before is a known place: the address, for this long, or the browser,
# which keeps a signed cookie naming the account (OWASP's "device cookies") as long again.
KNOWN_ADDRESS = datetime.timedelta(days=90)
KNOWN_DEVICE_COOKIE = "known_device"
KNOWN_DEVICE_SALT = "core.logins.known-device"


class LoginGuard(AxesDatabaseHandler):
    """Axes counts failures per account and address (AXES_LOCKOUT_PARAMETERS) against
    AXES_FAILURE_LIMIT; this adds a limit per account and a limit per address, each its own,
    which do not stop a person signing in from a known place."""

    def get_failures(self, request, credentials=None):
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if failures < limit and self.wider_limit_reached(request, credentials):
            return limit
        return failures

    def wider_limit_reached(self, request, credentials):
        username = get_client_username(request, credentials)
        if known_device(request) == username:
            return False
        address = request.axes_ip_address
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        limits = settings.LOGIN_FAILURE_LIMITS
        reached = (
            _failures(recent.filter(username=username)) >= limits["account"]
            or _failures(recent.filter(ip_address=address)) >= limits["address"]
        )
        return (
            reached
            and not AccessLog.objects.filter(
                username=username,
                ip_address=address,
                attempt_time__gte=timezone.now() - KNOWN_ADDRESS,
            ).exists()
        )

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        request.known_device_username = user.get_username()  # core.middleware.KnownDeviceMiddleware


def known_device(request):
    """The account this browser signed into last, from its signed cookie; None if it has none
    (or one that is forged or too old)."""
    return request.get_signed_cookie(
        KNOWN_DEVICE_COOKIE,
        default=None,
        salt=KNOWN_DEVICE_SALT,
        max_age=KNOWN_ADDRESS.total_seconds(),
    )


def _failures(attempts):
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


def client_address(request):
    """The visitor's address. Behind our TLS proxy every request comes from the proxy: the
    address it saw is the last one it appended to X-Forwarded-For (the ones before it are
    whatever the client sent, and a client could name anyone there)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


def locked_out(request, original_response=None, credentials=None):
    """The admin's own page, in the visitor's language, instead of axes' bare text."""
    cool_off = get_cool_off(request)
    response = render(
        request,
        "admin/locked_out.html",
        {**admin.site.each_context(request), "minutes": int(cool_off.total_seconds() // 60)},
        status=429,
    )
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
