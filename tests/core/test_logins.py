"""The admin login resists guessing: limits per account and address, per account, per address
(without locking anyone out of a place they signed in from before: their address or their
browser), a message in both languages, and an administrator's unlock."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.10"
ELSEWHERE = "198.51.100.7"


@pytest.fixture
def people(django_user_model):
    for name in ("alice", "bob", "carol"):
        django_user_model.objects.create_user(name, password=f"right-{name}-9", is_staff=True)


def log_in(client, username, password=None, address=OFFICE, language="ja"):
    """POST the admin login form as a browser at `address` would; the response."""
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password or f"right-{username}-9", "next": "/admin/"},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def logged_in(response):
    return response.status_code == 302 and response.url == "/admin/"


def guess(client, username, times, address=OFFICE):
    statuses = {log_in(client, username, "wrong-guess", address).status_code for _ in range(times)}
    assert statuses <= {200, 429}


def test_sixty_wrong_passwords_then_the_right_one_is_refused(client, people):
    guess(client, "alice", 60)
    response = log_in(client, "alice")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_other_people_at_the_same_address_still_log_in(client, people):
    guess(client, "alice", 60)
    assert logged_in(log_in(client, "bob"))


def test_one_address_cannot_lock_an_account_out_everywhere(client, people):
    guess(client, "alice", 60)
    assert logged_in(log_in(client, "alice", address=ELSEWHERE))


def test_guessing_one_account_from_many_addresses_locks_it_at_new_places(client, people):
    for n in range(4):
        guess(client, "alice", 5, address=f"192.0.2.{n + 1}")
    assert log_in(client, "alice", address=ELSEWHERE).status_code == 429
    assert logged_in(log_in(client, "bob", address=ELSEWHERE))


def test_a_thousand_guesses_from_a_hundred_addresses_do_not_lock_the_owner_out(
    client, django_user_model, settings
):
    django_user_model.objects.create_user("publisher", password="right-publisher-9", is_staff=True)
    assert logged_in(log_in(client, "publisher"))  # their usual desk, an earlier day
    device = client.cookies["known_device"]
    assert device["httponly"]
    assert device["max-age"] == 90 * 24 * 3600
    client.logout()
    client.cookies.clear()

    for n in range(100):
        guess(client, "publisher", 10, address=f"198.18.{n // 50}.{n % 50 + 1}")

    assert logged_in(log_in(client, "publisher"))  # from their usual address
    client.logout()
    client.cookies.clear()
    guesser = log_in(client, "publisher", address="192.0.2.99")  # the right password, new place
    assert guesser.status_code == 429
    assert "_auth_user_id" not in client.session
    client.cookies["known_device"] = device.value  # their own laptop, on a hotel's network
    assert logged_in(log_in(client, "publisher", address="192.0.2.99"))


def test_a_known_device_cookie_opens_no_other_account(client, people):
    assert logged_in(log_in(client, "alice"))
    client.logout()
    for n in range(4):
        guess(client, "bob", 5, address=f"192.0.2.{n + 1}")
    assert log_in(client, "bob", address=ELSEWHERE).status_code == 429  # alice's browser
    client.cookies["known_device"] = "bob:forged"
    assert log_in(client, "bob", address=ELSEWHERE).status_code == 429


def test_the_known_device_cookie_is_secure_where_sessions_are(client, people, settings):
    settings.SESSION_COOKIE_SECURE = True
    assert logged_in(log_in(client, "alice"))
    assert client.cookies["known_device"]["secure"]


def test_spraying_names_from_one_address_stops_new_names_but_not_colleagues(
    client, people, django_user_model
):
    assert logged_in(log_in(client, "bob"))
    client.logout()
    django_user_model.objects.create_user("newcomer", password="right-newcomer-9", is_staff=True)
    for n in range(30):
        log_in(client, f"sprayed-{n}", "Password1")
    assert log_in(client, "newcomer").status_code == 429
    assert logged_in(log_in(client, "bob"))
    client.logout()
    assert logged_in(log_in(client, "newcomer", address=ELSEWHERE))


@pytest.mark.parametrize(
    "language,text",
    [
        ("ja", "ログインの失敗が続いたため、安全のためにこのログインを一時停止しています。30分後"),
        (
            "en",
            "Too many failed logins: for your security, this login is paused. Please try again in 30 minutes.",
        ),
    ],
)
def test_the_lockout_page_speaks_the_visitors_language(client, people, language, text):
    guess(client, "alice", 5)
    response = log_in(client, "alice", language=language)
    assert response.status_code == 429
    assert response["Retry-After"] == "1800"
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert text in html
    assert 'href="/admin/login/"' in html


def test_an_administrator_unlocks_an_account_in_the_admin(client, people, django_user_model):
    guess(client, "alice", 5)
    assert log_in(client, "alice").status_code == 429
    chief = django_user_model.objects.create_superuser("chief", password="chief-pw-9")
    client.force_login(chief)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert "alice" in client.get(changelist).content.decode()
    attempts = list(AccessAttempt.objects.filter(username="alice").values_list("pk", flat=True))
    response = client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )
    assert response.status_code == 302
    client.logout()
    assert logged_in(log_in(client, "alice"))


def test_an_administrator_unlocks_an_account_from_the_command_line(client, people):
    guess(client, "alice", 5)
    assert log_in(client, "alice").status_code == 429
    call_command("axes_reset_username", "alice", stdout=None)
    assert logged_in(log_in(client, "alice"))


def test_behind_the_tls_proxy_the_address_is_the_one_the_proxy_saw(client, people, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    for n in range(5):
        client.post(
            reverse("admin:login"),
            {"username": "alice", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"{n}.{n}.{n}.{n}, {OFFICE}",
            HTTP_X_FORWARDED_PROTO="https",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}
