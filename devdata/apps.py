from django.apps import AppConfig


class DevdataConfig(AppConfig):
    """Development data, not product: the demo release (`load_demo`), synthetic releases for
    development and benchmarks (`generate_releases`) and a local admin login (`demo_users`).

    Installed only where `DJANGO_DEVDATA` is on (by default, with DEBUG), so a production site
    has none of these commands, and its deployment may leave this folder out. It has no models:
    installing it or not never changes the database. It sits above `releases`, which never
    imports it."""

    name = "devdata"
