"""The settings of a test run: the laptop's (debug on, the development key), unless the
environment says otherwise. The project's settings fail closed without DJANGO_DEBUG, and pytest
reads them before any conftest runs, so the default is set here."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from config.settings import *  # noqa: E402, F403
