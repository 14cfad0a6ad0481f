"""What /healthz checks (settings.HEALTH_CHECKS lists them by dotted path). A check is a function
of no arguments that returns when its service works and raises when it does not; its name is
what the load balancer's answer calls it. Each must be cheap: load balancers ask every few
seconds."""

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections


def database():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")


def cache():
    for alias in settings.CACHES:
        backend = caches[alias]
        backend.set("healthz", "ok", timeout=10)
        if backend.get("healthz") != "ok":
            raise RuntimeError(f"cache {alias!r} did not keep a value")


def storage():
    """Photos can be written: what an upload needs (a read-only or missing media folder, an
    unreachable bucket fail here)."""
    name = default_storage.save("healthz/probe.txt", ContentFile(b"ok"))
    default_storage.delete(name)
