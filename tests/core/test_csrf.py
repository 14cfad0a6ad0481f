"""Cross-site requests: a POST without the CSRF token changes nothing, even for a logged-in
editor (Django's CsrfViewMiddleware)."""

import pytest
from django.test import Client
from django.urls import reverse

from releases.models import Release
from tests.factories import ReleaseFactory

pytestmark = pytest.mark.django_db


def test_a_forged_admin_post_is_refused_and_nothing_changes(django_user_model):
    release = ReleaseFactory(title_ja="元の題名")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(django_user_model.objects.create_superuser("chief", password="pw-9"))
    response = browser.post(
        reverse("admin:releases_release_change", args=[release.pk]), {"title_ja": "偽の題名"}
    )
    assert response.status_code == 403
    assert Release.objects.get(pk=release.pk).title_ja == "元の題名"


def test_a_forged_login_post_is_refused():
    response = Client(enforce_csrf_checks=True).post(
        reverse("admin:login"), {"username": "chief", "password": "pw-9"}
    )
    assert response.status_code == 403
