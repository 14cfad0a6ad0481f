"""Helpers for tests that read public pages."""

import datetime

from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone, translation


def tokyo(*args):
    """An aware datetime in the site's time zone (Asia/Tokyo)."""
    return timezone.make_aware(datetime.datetime(*args))


def url(name, language="ja", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def soup_of(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")
