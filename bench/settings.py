"""The benchmark's site: production's settings, with the yardstick view routed (bench/urls.py).
`make bench` starts its servers with DJANGO_SETTINGS_MODULE=bench.settings; nothing else does."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
