"""Staff who may publish sign in with a second factor where it is required (debug off): after the
password, a code from an authenticator app or a recovery code; without a device, they set one up
before the admin opens. Wrong codes count as failed logins. An administrator resets a lost
device. On a laptop (debug on) it is optional."""

import re
import time
from base64 import b32decode

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import staff_member

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"
VERIFY = "/admin/second-factor/"
SET_UP = "/admin/second-factor/set-up/"


@pytest.fixture(autouse=True)
def _required(settings):
    settings.REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def log_in(client, username, password=None, language="en"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password or "pw-for-tests", "next": ADMIN},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def code_for(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def set_up_device(client, language="en"):
    """The set-up page as a person reads it: the key from its text, a code from it; the
    recovery codes shown."""
    page = client.get(SET_UP, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    secret = re.search(r'class="second-factor-key">([A-Z2-7 ]+)<', page)[1].replace(" ", "")
    device = TOTPDevice.objects.get(confirmed=False)
    assert b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    response = client.post(SET_UP, {"code": code_for(device), "next": ADMIN})
    assert response.status_code == 200
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())


@pytest.fixture
def publisher_with_app(client, time_machine):
    publisher = staff_member("Publishers", "pub")
    assert log_in(client, "pub").status_code == 302
    codes = set_up_device(client)
    client.logout()
    time_machine.move_to(time.time() + 30)  # the app's next code: each one works once
    return publisher, codes


def test_a_publisher_without_a_device_is_sent_to_set_one_up_before_the_admin(client):
    staff_member("Publishers", "pub")
    response = log_in(client, "pub")
    assert response.status_code == 302
    for path in [ADMIN, "/admin/releases/release/", "/admin/auth/user/"]:
        response = client.get(path, follow=True)
        assert response.redirect_chain[-1][0].startswith(SET_UP)
    page = client.get(SET_UP).content.decode()
    assert 'src="data:image/svg+xml' in page  # the QR code, drawn here
    assert "https://" not in re.search(r"<img[^>]+>", page)[0]
    codes = set_up_device(client)
    assert len(codes) == 10
    assert client.get(ADMIN).status_code == 200


def test_the_qr_code_and_secret_are_for_this_person_only(client):
    staff_member("Publishers", "pub")
    log_in(client, "pub")
    client.get(SET_UP)
    device = TOTPDevice.objects.get()
    assert device.user.username == "pub" and not device.confirmed
    assert "otpauth://totp/" in device.config_url


def test_an_administrator_is_required_too_and_an_editor_is_not(client):
    User.objects.create_superuser("chief", password="pw-for-tests")
    log_in(client, "chief")
    assert client.get(ADMIN).url.startswith(VERIFY)
    client.logout()
    staff_member("Editors", "ed")
    log_in(client, "ed")
    assert client.get(ADMIN).status_code == 200


def test_a_code_from_the_app_logs_in(client, publisher_with_app):
    log_in(client, "pub")
    assert client.get(ADMIN).url == f"{VERIFY}?next=%2Fadmin%2F"
    device = TOTPDevice.objects.get()
    response = client.post(VERIFY, {"code": code_for(device), "next": ADMIN})
    assert response.status_code == 302 and response.url == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_a_wrong_code_is_refused_and_counted_as_a_failed_login(client, publisher_with_app):
    log_in(client, "pub")
    response = client.post(VERIFY, {"code": "000000", "next": ADMIN})
    assert response.status_code == 200
    assert "このコードは正しくないか、すでに使われています" in response.content.decode()
    assert client.get(ADMIN).url.startswith(VERIFY)
    assert AccessAttempt.objects.get(username="pub").failures_since_start == 1


def test_five_wrong_codes_pause_the_login_on_its_page(client, publisher_with_app):
    log_in(client, "pub")
    for _ in range(4):
        assert client.post(VERIFY, {"code": "000000"}).status_code == 200
    response = client.post(VERIFY, {"code": "000000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session  # logged out: the password again, later
    assert log_in(client, "pub").status_code == 429


def test_a_recovery_code_works_once(client, publisher_with_app):
    _, codes = publisher_with_app
    log_in(client, "pub")
    response = client.post(VERIFY, {"code": codes[0].upper(), "next": ADMIN})
    assert response.status_code == 302
    assert client.get(ADMIN).status_code == 200
    client.logout()
    log_in(client, "pub")
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 200
    assert client.get(ADMIN).url.startswith(VERIFY)
    assert StaticToken.objects.count() == 9


def test_recovery_codes_are_shown_only_once(client, publisher_with_app):
    _, codes = publisher_with_app
    log_in(client, "pub")
    client.post(VERIFY, {"code": codes[1]})
    for path in [ADMIN, VERIFY, SET_UP]:
        assert codes[2] not in client.get(path, follow=True).content.decode()


def test_a_pending_login_cannot_replace_the_device(client, publisher_with_app):
    log_in(client, "pub")
    assert client.get(SET_UP).url.startswith(VERIFY)
    assert client.post(SET_UP, {"code": "123456"}).url.startswith(VERIFY)
    assert TOTPDevice.objects.filter(confirmed=False).count() == 0


def test_a_pending_login_is_a_visitor_on_the_rest_of_the_site(client, publisher_with_app):
    log_in(client, "pub")
    response = client.get("/admin/translation-mode/")
    assert response.status_code == 302 and response.url.startswith(VERIFY)


def test_an_administrator_resets_a_lost_device(client, publisher_with_app):
    publisher, _ = publisher_with_app
    chief = User.objects.create_superuser("chief", password="pw-for-tests")
    client.force_login(chief)
    set_up_device(client)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [publisher.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "1 person sets up a new second factor" in response.content.decode()
    client.logout()
    log_in(client, "pub")
    assert client.get(ADMIN, follow=True).redirect_chain[-1][0].startswith(SET_UP)


def test_an_editor_may_set_one_up_and_then_gives_its_codes(client, settings):
    settings.REQUIRE_2FA = False
    staff_member("Editors", "ed")
    log_in(client, "ed")
    assert client.get(ADMIN).status_code == 200
    set_up_device(client)
    client.logout()
    log_in(client, "ed")
    assert client.get(ADMIN).url.startswith(VERIFY)


def test_on_a_laptop_a_publisher_signs_in_with_the_password_alone(client, settings):
    settings.REQUIRE_2FA = False
    staff_member("Publishers", "pub")
    log_in(client, "pub")
    assert client.get(ADMIN).status_code == 200


@pytest.mark.parametrize(
    "language,texts",
    [
        ("ja", ["二要素認証の設定", "認証アプリ", "確認"]),
        ("en", ["Set up a second factor", "authenticator app", "Confirm"]),
    ],
)
def test_the_set_up_page_speaks_the_persons_language(client, language, texts):
    staff_member("Publishers", "pub")
    log_in(client, "pub", language=language)
    html = client.get(SET_UP, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'lang="{language}"' in html
    for text in texts:
        assert text in html
