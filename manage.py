#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    # Django's command line would go on with broken settings and fail later with "Models
    # aren't loaded yet"; say what is missing instead (e.g. DJANGO_DEBUG=1 on a laptop, or a
    # DJANGO_SECRET_KEY in production).
    try:
        settings.INSTALLED_APPS  # noqa: B018 - reading the settings is the check
    except ImproperlyConfigured as error:
        sys.exit(f"manage.py: {error}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
