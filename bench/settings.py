"""The benchmark's site: production's settings, with the yardstick view routed (bench/urls.py).
`make bench` starts its servers with DJANGO_SETTINGS_MODULE=bench.settings; nothing else does.
It also copies these three files into the checkout of BENCH_BEFORE, so both revisions are
measured against the same yardstick."""

import os

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# A revision from before config/settings.py read DJANGO_CACHE (BENCH_BEFORE) gets it here.
if os.environ.get("DJANGO_CACHE") == "dummy":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
