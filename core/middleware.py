import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
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


class DatabaseOutageMiddleware:
    """A database that cannot be reached is a 503 with Retry-After, not a 500: a calm page in
    both languages (a template that needs no database), or JSON under /api/."""

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
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        add_never_cache_headers(response)
        return response
