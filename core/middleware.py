import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

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
