"""The settings of a test run: the laptop's (debug on, the development key), unless the
environment says otherwise. The project's settings fail closed without DJANGO_DEBUG, and pytest
reads them before any conftest runs, so the default is set here."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from config.settings import *  # noqa: E402, F403

# Hashing a password as production does (PBKDF2, a million rounds) costs about half a second
# here, and the tests make hundreds of staff users: Django's advice for tests is a fast hasher.
# Servers that tests start in a process of their own keep production's hashers.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
