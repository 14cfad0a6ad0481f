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

# A colleague who logged in from an address within this period is not stopped by that
# address's limit (only by their own).
KNOWN_ADDRESS = datetime.timedelta(days=90)


class LoginGuard(AxesDatabaseHandler):
    """Axes counts failures per account and address (AXES_LOCKOUT_PARAMETERS) against
    AXES_FAILURE_LIMIT; this adds a limit per account and a limit per address, each its own."""

    def get_failures(self, request, credentials=None):
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if failures < limit and self.wider_limit_reached(request, credentials):
            return limit
        return failures

    def wider_limit_reached(self, request, credentials):
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        limits = settings.LOGIN_FAILURE_LIMITS
        if _failures(recent.filter(username=username)) >= limits["account"]:
            return True
        return (
            _failures(recent.filter(ip_address=address)) >= limits["address"]
            and not AccessLog.objects.filter(
                username=username,
                ip_address=address,
                attempt_time__gte=timezone.now() - KNOWN_ADDRESS,
            ).exists()
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
