import logging
import re
from urllib.parse import unquote

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.logins import KNOWN_ADDRESS, KNOWN_DEVICE_COOKIE, KNOWN_DEVICE_SALT
from core.second_factor import is_pending

logger = logging.getLogger(__name__)

RETRY_AFTER = 60


class HealthCheckMiddleware:
    """/healthz for load balancers, answered before anything else runs: they probe by address
    (not a name in ALLOWED_HOSTS) and over plain HTTP (no redirect to HTTPS), and the answer
    must not depend on sessions, languages or caches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != "/healthz":
            return self.get_response(request)
        results = {}
        for check in map(import_string, settings.HEALTH_CHECKS):
            try:
                check()
            except Exception as error:
                logger.warning("Health check %s failed: %r", check.__name__, error)
                results[check.__name__] = "failing"
            else:
                results[check.__name__] = "ok"
        failing = [name for name, result in results.items() if result != "ok"]
        response = JsonResponse(
            {"status": "failing" if failing else "ok", "failing": failing, "checks": results},
            status=503 if failing else 200,
        )
        add_never_cache_headers(response)
        return response


# C0 controls and DEL. Text may hold a tab or a line break (a search typed with one); an
# address, a cookie or a header value (a tab aside) holds none.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_IN_HEADER = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class ControlCharacterMiddleware:
    """A request with a control character in its path, query string, cookies or header values
    is a 400 (JSON under /api/), before anything reads it: no address of ours holds one, and
    PostgreSQL refuses NUL in text, which would make a lookup a 500. (Form fields are the
    forms' work: Django's CharField refuses NUL with a form error that keeps what was typed.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.refused(request):
            return self.get_response(request)
        said = "Bad request: a control character in the address, a cookie or a header."
        if request.path_info.startswith("/api/"):
            response = JsonResponse({"detail": said}, status=400)
        else:
            response = HttpResponseBadRequest(
                f"{said}\n不正なリクエストです（アドレス、クッキーまたはヘッダーに制御文字があります）。\n",
                content_type="text/plain; charset=utf-8",
            )
        add_never_cache_headers(response)
        return response

    def refused(self, request):
        if CONTROL.search(request.path):
            return True
        if CONTROL_IN_TEXT.search(unquote(request.META.get("QUERY_STRING", ""))):
            return True
        if any(CONTROL.search(value) for value in request.COOKIES.values()):
            return True
        headers = (
            value
            for name, value in request.META.items()
            if name.startswith("HTTP_") or name in ("CONTENT_TYPE", "CONTENT_LENGTH")
        )
        return any(isinstance(value, str) and CONTROL_IN_HEADER.search(value) for value in headers)


def outage_language(request):
    """The language of the page that failed, known without the database: the address's prefix
    (/en/...), else, in the admin, the interface language the person chose (its cookie) or
    their browser asks for. None when it cannot be known (the sitemap, a photo): both."""
    language = translation.get_language_from_path(request.path_info)
    if language or not request.path_info.startswith("/admin/"):
        return language
    wanted = [request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")]
    wanted += [
        part.split(";")[0].strip() for part in request.headers.get("Accept-Language", "").split(",")
    ]
    for code in filter(None, wanted):
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return None


class DatabaseOutageMiddleware:
    """A database that cannot be reached is a 503 with Retry-After, not a 500: a calm page (a
    template that needs no database) in the language of the address, or JSON under /api/."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s", exception)
        if request.path_info.startswith("/api/"):
            response = JsonResponse(
                {"detail": _("The service is briefly unavailable. Please try again shortly.")},
                status=503,
            )
        else:
            context = {"language": outage_language(request)}
            response = HttpResponse(render_to_string("503.html", context), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        add_never_cache_headers(response)
        return response


class KnownDeviceMiddleware:
    """Gives the browser of each successful login its known-device cookie (LoginGuard)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        username = getattr(request, "known_device_username", None)
        if username:
            response.set_signed_cookie(
                KNOWN_DEVICE_COOKIE,
                username,
                salt=KNOWN_DEVICE_SALT,
                max_age=int(KNOWN_ADDRESS.total_seconds()),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


class SecondFactorMiddleware:
    """A pending session (see the module) reaches only the code and set-up pages and logout in
    the admin; elsewhere it is a visitor's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path_info.startswith(reverse("admin:index")):
            user = request.user
            request.user = SimpleLazyObject(
                lambda: AnonymousUser() if is_pending(request, user) else user
            )
            return None
        match = request.resolver_match
        if match.namespace == "second_factor" or match.view_name in {
            "admin:login",
            "admin:logout",
            "admin:jsi18n",
        }:
            return None
        try:
            pending = is_pending(request)
        except (OperationalError, InterfaceError):
            # The session lives in the database: when it is down, the view meets it too and
            # answers with the outage page (core.middleware.DatabaseOutageMiddleware).
            return None
        if pending:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('second_factor:verify')}?{query}")
        return None
