"""Development data is not product: a production site (DEBUG off) does not install it."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def installed(**environment):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_DEVDATA"}
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_SETTINGS_MODULE="config.settings"
    )
    env.update(environment)
    code = (
        "import django; django.setup(); from django.apps import apps; "
        "from django.core.management import get_commands; "
        "print(apps.is_installed('devdata'), 'load_demo' in get_commands())"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"DJANGO_DEBUG": "1"}, ["True", "True"]),
        ({"DJANGO_DEBUG": "0"}, ["False", "False"]),
        ({"DJANGO_DEBUG": "0", "DJANGO_DEVDATA": "1"}, ["True", "True"]),
        ({"DJANGO_DEBUG": "1", "DJANGO_DEVDATA": "0"}, ["False", "False"]),
    ],
)
def test_development_data_is_installed_with_debug_or_when_asked(environment, expected):
    assert installed(**environment) == expected
