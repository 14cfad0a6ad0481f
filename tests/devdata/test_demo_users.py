"""`make run` prepares one account per role, so a newcomer can try the two-person workflow."""

import io

import pytest
from django.contrib.auth import get_user
from django.core.management import CommandError, call_command

from devdata.management.commands import demo_users
from releases import workflow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _laptop(settings, tmp_path):
    """A development machine (the command refuses anything else), password files kept aside."""
    settings.DEBUG = True
    settings.BASE_DIR = tmp_path


def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        run()


def run():
    out = io.StringIO()
    call_command("demo_users", "--site", "http://127.0.0.1:8123", stdout=out)
    return out.getvalue()


def printed_password(output, username):
    line = next(line for line in output.splitlines() if f"user: {username} " in line)
    return line.split("password: ")[1].split()[0]


@pytest.mark.parametrize(
    ("username", "may_publish"), [("admin", True), ("editor", False), ("publisher", True)]
)
def test_each_account_logs_in_with_the_printed_password_and_has_its_role(
    client, username, may_publish
):
    output = run()
    assert "http://127.0.0.1:8123/admin/" in output
    password = printed_password(output, username)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    user = get_user(client)
    assert user.is_staff
    assert workflow.can_publish(user) is may_publish


def test_a_second_run_keeps_the_passwords(client):
    first = run()
    second = run()
    for username in ("admin", "editor", "publisher"):
        assert printed_password(first, username) == printed_password(second, username)
        assert demo_users.password_file(username).read_text().strip() == printed_password(
            second, username
        )
