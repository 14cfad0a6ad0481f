"""`{% load remembered %}`: Django's `{% url %}`, `{% static %}`, `{% translate %}` and `|date`,
with what they make remembered. What a reader sees must not change: the same addresses, labels
and dates as Django's own, in the page's language, with the same errors."""

import datetime

import pytest
from django.template import Context, TemplateSyntaxError, engines
from django.test import RequestFactory
from django.urls import NoReverseMatch
from django.utils import timezone, translation

TAGS = (
    "{% url 'releases:list' %}|{% url 'releases:detail' 'a-release' %}|"
    "{% url 'releases:country' code=code %}|{% url 'releases:official' slug=slug as there %}"
    "[{{ there }}]|{% url 'admin:index' %}"
)


def render(source, **values):
    return engines["django"].from_string(source).render(values)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_remembered_tag_gives_what_djangos_gives_in_each_language(language):
    values = {"code": "kz", "slug": "o<fficial>"}
    with translation.override(language):
        ours = render("{% load remembered %}" + TAGS, **values)
        djangos = render(TAGS, **values)
        # Asked again, it still follows the language and the arguments.
        again = render("{% load remembered %}" + TAGS, code="uz", slug="other")
    assert ours == djangos
    assert ours.startswith(f"/{language}/releases/|/{language}/releases/a-release/|")
    assert f"/{language}/countries/uz/" in again and f"/{language}/officials/other/" in again


def test_a_name_that_does_not_exist_fails_as_with_djangos_tag():
    with pytest.raises(NoReverseMatch):
        render("{% load remembered %}{% url 'releases:nowhere' %}")
    # ... unless the address is only kept for later, as Django's tag allows.
    assert render("{% load remembered %}{% url 'releases:nowhere' as there %}[{{ there }}]") == "[]"
    with pytest.raises(TemplateSyntaxError):
        render("{% load remembered %}{% url %}")


def test_unhashable_arguments_are_reversed_by_djangos_tag():
    # A list cannot be remembered; Django's tag turns it into text as it always did.
    ours = render("{% load remembered %}{% url 'releases:country' code %}", code=["kz"])
    assert ours == render("{% url 'releases:country' code %}", code=["kz"])
    assert ours.endswith("/countries/%5B&#x27;kz&#x27;%5D/")


def test_the_admin_namespace_of_the_request_is_kept():
    request = RequestFactory().get("/admin/")
    request.current_app = "admin"
    template = engines["django"].engine.from_string("{% load remembered %}{% url 'admin:index' %}")
    assert template.render(Context({"request": request})) == "/admin/"


def test_the_remembered_static_tag_gives_what_djangos_gives(settings):
    source = "{% static 'css/site.css' %}|{% static path as there %}[{{ there }}]"
    ours = render("{% load static remembered %}" + source, path="js/site.js")
    assert ours == render("{% load static %}" + source, path="js/site.js")
    assert ours.startswith(settings.STATIC_URL)
    settings.STATIC_URL = "/elsewhere/"  # a changed setting is followed, as by Django's tag
    assert render("{% load static remembered %}{% static 'css/site.css' %}").startswith(
        "/elsewhere/"
    )


DATES = (
    "{{ moment|date }}|{{ moment|date:'c' }}|{{ moment|date:'N j, Y, H:i e' }}|{{ day|date }}|"
    "{{ day|date:'D' }}|{{ empty|date }}|{{ text|date }}"
)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_remembered_date_filter_gives_what_djangos_gives(language):
    moment = datetime.datetime(2025, 12, 18, 23, 30, tzinfo=datetime.UTC)
    values = {"moment": moment, "day": datetime.date(2025, 12, 19), "empty": None, "text": "x"}
    with translation.override(language):
        ours = render("{% load remembered %}" + DATES, **values)
        assert ours == render(DATES, **values)
        # In Tokyo (the site's time zone) that moment is already the 19th; elsewhere it is not,
        # and the same instant remembered for Tokyo must not be shown there.
        with timezone.override("America/New_York"):
            there = render("{% load remembered %}" + DATES, **values)
            assert there == render(DATES, **values)
    assert ours != there
    day = {"ja": "2025年12月19日", "en": "19 December 2025"}[language]
    assert ours.startswith(f"{day}|2025-12-19T08:30:00+09:00|")
    assert there.startswith(f"{day.replace('19', '18', 1)}|2025-12-18T18:30:00-05:00|")


LABELS = (
    '{% translate "Date" %}|{% translate "Phone:" as phone %}[{{ phone }}]|'
    '{% translate "100% <b>" %}|{% translate "Date" noop %}|{% translate word %}|'
    '{% translate "Date"|upper %}|{% translate "May" context "month name" %}|'
    '{% autoescape off %}{% translate "a <b>" %}{% endautoescape %}'
)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_remembered_translate_tag_gives_what_djangos_gives(language):
    with translation.override(language):
        ours = render("{% load i18n remembered %}" + LABELS, word="Country")
        assert ours == render("{% load i18n %}" + LABELS, word="Country")
        # Asked again: the same, and a variable message still follows its value.
        again = render("{% load i18n remembered %}" + LABELS, word="Kind")
        assert again == render("{% load i18n %}" + LABELS, word="Kind") != ours
    assert ours.startswith({"ja": "日付|[電話：]|100% <b>|Date|", "en": "Date|[Phone:]|"}[language])
