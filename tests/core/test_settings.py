"""Production fails closed: the settings as a server process reads them, without the test run's
DJANGO_DEBUG=1."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

PROBE = "import config.wsgi; from django.conf import settings; print(settings.DEBUG)"


def start(**variables):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"
    }
    env.update(variables)
    return subprocess.run(  # noqa: S603 -- this interpreter, a fixed program
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


def test_a_server_without_django_debug_is_not_in_debug():
    result = start(DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    "key",
    [
        None,
        "",
        "django-insecure-laptop-only-key-never-use-in-production",
        "short-but-random-8f3a",
        "abab" * 20,
    ],
    ids=["missing", "empty", "development key", "short", "four characters"],
)
def test_a_server_without_debug_refuses_to_start_without_a_real_key(key):
    result = start(**({} if key is None else {"DJANGO_SECRET_KEY": key}))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be a random string" in result.stderr


def test_debug_on_runs_with_the_development_key():
    result = start(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_a_management_command_without_a_key_says_what_is_missing():
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"
    }
    result = subprocess.run(  # noqa: S603 -- this interpreter, a fixed program
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("manage.py: DJANGO_DEBUG is off: DJANGO_SECRET_KEY must be")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        secrets.token_urlsafe(50),
        "django-insecure-" + secrets.token_urlsafe(50),
        "x" * 60,
        secrets.token_urlsafe(20),
    ],
    ids=["random", "development", "one character", "short"],
)
def test_the_start_up_key_rule_is_the_rule_of_check_deploy(settings, key):
    """Our start-up check agrees with Django's own warning about weak keys (security.W009),
    which it reimplements because Django offers it only as a check."""
    from django.core.checks import run_checks

    from config.settings import is_strong_secret_key

    settings.SECRET_KEY = key
    warned = any(
        m.id == "security.W009"
        for m in run_checks(include_deployment_checks=True, tags=["security"])
    )
    assert is_strong_secret_key(key) is not warned


SQLITE_PROBE = """
import config.wsgi
from django.db import connection
with connection.cursor() as cursor:
    answers = [cursor.execute(f"PRAGMA {name}").fetchone()[0]
               for name in ("journal_mode", "synchronous", "busy_timeout")]
print(*answers, connection.transaction_mode)
"""


def test_the_sqlite_default_queues_writers_instead_of_failing_them(tmp_path):
    """The embedded database as `make run` opens it: write-ahead log (readers never wait),
    synchronous=NORMAL (1), a 20 s busy timeout, and write transactions that take the lock
    when they begin."""
    result = subprocess.run(  # noqa: S603 -- this interpreter, a fixed program
        [sys.executable, "-c", SQLITE_PROBE],
        cwd=settings.BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "1", "20000", "IMMEDIATE"]


CACHE_PROBE = (
    "import config.wsgi; from django.core.cache import cache; "
    "cache.set('probe', 1); print(cache.get('probe'))"
)


@pytest.mark.parametrize(("value", "kept"), [("dummy", "None"), ("", "1")])
def test_django_cache_dummy_runs_with_no_cache_at_all(value, kept):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"
    }
    env.update(DJANGO_DEBUG="1", DJANGO_CACHE=value)
    env.pop("REDIS_URL", None)
    result = subprocess.run(  # noqa: S603 -- this interpreter, a fixed program
        [sys.executable, "-c", CACHE_PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == kept
