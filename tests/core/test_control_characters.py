"""No byte is a 500: control characters in addresses, query strings, cookies, headers and form
fields get a 400 or a form error, on SQLite and PostgreSQL (which refuses NUL in text).

The walk goes over every URL pattern the site has, and knows each public one by name: a name
that stops resolving, or a new public pattern it has no values for, fails the walk."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation

from alerts.mail import manage_token
from devdata.demo import load_demo
from people.models import Official
from releases.models import Agreement, Meeting, Photo, Release, TopicalEvent
from releases.sitemaps import SITEMAPS
from tests.admin_forms import errors, form_data
from tests.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db

CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x1f", "\x7f"]
# Tab and line breaks are text in a query string or a form, never in an address.
IN_ADDRESSES_ONLY = ["\t", "\n", "\r"]
LANGUAGES = ["ja", "en"]

# Patterns staff reach through the admin (its own login): fuzzed separately below.
STAFF_ONLY = {"translation_mode", "second_factor:verify", "second_factor:set_up"}


def public_patterns():
    """(name, parameters) of every named URL pattern outside the admin."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
                if inner == "admin":
                    continue
                yield from walk(pattern.url_patterns, inner)
            elif pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, tuple(sorted(pattern.pattern.regex.groupindex))

    return dict(walk(get_resolver().url_patterns, None))


@pytest.fixture
def site(settings):
    """The demo release and what it shows, and one subscription: the values for the patterns."""
    release = load_demo().release
    assert release in Release.objects.published()
    subscription = SubscriptionFactory(email="reader@example.org")
    meeting = Meeting.objects.filter(release=release).first()
    photo = Photo.objects.filter(release=release).first()
    return {
        "releases:detail": {"slug": release.slug},
        "releases:pdf": {"slug": release.slug},
        "releases:event": {"slug": TopicalEvent.objects.public().first().slug},
        "releases:agreement": {"slug": Agreement.objects.first().slug},
        "releases:country": {"code": release.countries.first().code},
        "releases:official": {"slug": Official.objects.first().slug},
        "api:release-detail": {"slug": release.slug},
        "api:meeting-detail": {"pk": meeting.pk},
        "api:agreement-detail": {"slug": Agreement.objects.first().slug},
        "api:country-detail": {"code": release.countries.first().code},
        "api:official-detail": {"slug": Official.objects.first().slug},
        "alerts:confirm": {"token": subscription.token},
        "alerts:unsubscribe": {"token": subscription.token},
        "alerts:manage": {"token": manage_token(subscription)},
        "sitemap-section": {"section": next(iter(SITEMAPS))},
        "media": {"path": photo.image.name},
    }


EXPECTED = {
    "set_language": (),
    "sitemap": (),
    "sitemap-section": ("section",),
    "robots": (),
    "api:schema": (),
    "api:meetings-csv": (),
    "api:agreements-csv": (),
    "api:release-list": (),
    "api:release-detail": ("slug",),
    "api:meeting-list": (),
    "api:meeting-detail": ("pk",),
    "api:agreement-list": (),
    "api:agreement-detail": ("slug",),
    "api:country-list": (),
    "api:country-detail": ("code",),
    "api:official-list": (),
    "api:official-detail": ("slug",),
    "api:api-root": (),
    "feeds:rss": (),
    "feeds:atom": (),
    "feeds:page": (),
    "alerts:subscribe": (),
    "alerts:confirm": ("token",),
    "alerts:unsubscribe": ("token",),
    "alerts:manage": ("token",),
    "releases:home": (),
    "releases:list": (),
    "releases:detail": ("slug",),
    "releases:pdf": ("slug",),
    "releases:calendar": (),
    "releases:events": (),
    "releases:event": ("slug",),
    "releases:agreements": (),
    "releases:agreement": ("slug",),
    "releases:countries": (),
    "releases:country": ("code",),
    "releases:official": ("slug",),
    "media": ("path",),
}


def addresses(site):
    """(name, language, address, parameters) of every public pattern with working values."""
    found = []
    for name in EXPECTED:
        for language in LANGUAGES:
            with translation.override(language):
                address = reverse(name, kwargs=site.get(name))  # NoReverseMatch fails the test
            found.append((name, language, address, site.get(name, {})))
    return found


def test_the_walk_knows_every_public_pattern():
    patterns = {n: p for n, p in public_patterns().items() if n not in STAFF_ONLY}
    assert patterns == EXPECTED


def test_every_public_address_of_the_walk_answers_with_its_values(client, site):
    for name, _language, address, _params in addresses(site):
        if name == "set_language":
            continue  # a POST only: it answers a GET with a redirect or 405
        response = client.get(address)
        assert response.status_code in (200, 301, 302), address
        if response.streaming:
            # Read to the end: a CSV streams from a server-side cursor (PostgreSQL), which must
            # be closed inside this test's transaction, not whenever the response is collected.
            b"".join(response.streaming_content)


def mutations(address, params, controls):
    """The address with each control character inside each parameter's value and in a new
    path segment, percent-encoded as a browser sends it."""
    for control in controls:
        encoded = quote(control)
        for value in params.values():
            found = [v for v in (str(value), quote(str(value), safe="/")) if v in address]
            assert found, (address, value)
            value = found[0]
            yield address.replace(value, value[:1] + encoded + value[1:], 1)
        yield address.rstrip("/") + f"/{encoded}x" + ("/" if address.endswith("/") else "")


def test_a_control_character_in_any_address_is_a_400(client, site):
    for _name, _language, address, params in addresses(site):
        for bad in mutations(address, params, CONTROLS + IN_ADDRESSES_ONLY):
            response = client.get(bad)
            assert response.status_code == 400, bad
            assert "no-cache" in response["Cache-Control"]


def test_a_control_character_in_any_query_string_is_a_400(client, site):
    for _name, _language, address, _params in addresses(site):
        for control in CONTROLS:
            for query in (f"q={quote(control)}", f"{quote(control)}=1", f"page=1{control}"):
                assert client.get(f"{address}?{query}").status_code == 400, (address, query)


def test_a_control_character_in_a_cookie_or_a_header_is_a_400(site):
    address = reverse("releases:detail", kwargs=site["releases:detail"])
    for control in CONTROLS + ["\n"]:
        client = Client()
        client.cookies["sessionid"] = f"abc{control}def"
        assert client.get(address).status_code == 400, repr(control)
        for header in ("HTTP_ACCEPT_LANGUAGE", "HTTP_USER_AGENT", "HTTP_REFERER", "HTTP_X_X"):
            response = Client().get(address, **{header: f"en{control}"})
            assert response.status_code == 400, (header, repr(control))
    assert Client().get(address, HTTP_USER_AGENT="a\tb").status_code == 200


def test_ordinary_requests_pass(client, site):
    address = reverse("releases:list")
    assert client.get(address, {"q": "覚書", "country": "KZ"}).status_code == 200
    client.cookies["csrftoken"] = "x" * 32
    assert client.get(address, HTTP_ACCEPT_LANGUAGE="ja,en;q=0.8").status_code == 200


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("control", CONTROLS)
def test_a_control_character_in_an_alerts_form_is_never_a_server_error(
    client, site, language, control
):
    subscribe = f"/{language}/alerts/"
    fields = {"email": "new@example.org", "frequency": "immediate", "filters": "?country=KZ"}
    for field in fields:
        for value in (control, f"{fields[field][:3]}{control}{fields[field][3:]}"):
            response = client.post(subscribe, {**fields, field: value})
            assert response.status_code in (200, 400), (field, repr(value))
    response = client.post(subscribe, {**fields, "filters": f"?q=a{control}&official={control}"})
    assert response.status_code in (200, 400)
    for name in ("alerts:confirm", "alerts:unsubscribe", "alerts:manage"):
        with translation.override(language):
            address = reverse(name, kwargs=site[name])
        for data in ({"action": control}, {control: control}, {"List-Unsubscribe": control}):
            assert client.post(address, data).status_code < 500, (address, data)


@pytest.mark.parametrize("control", CONTROLS)
def test_a_nul_in_an_alerts_form_field_is_a_form_error(client, control):
    fields = {"email": f"new{control}@example.org", "frequency": "immediate", "filters": ""}
    response = client.post("/en/alerts/", fields)
    assert response.status_code == 200 and 'aria-invalid="true"' in response.text


def test_a_control_character_in_the_admin_search_is_a_400(staff_client):
    for address in ("/admin/releases/release/", "/admin/people/official/"):
        assert staff_client.get(address, {"q": "\x00"}).status_code == 400
        assert staff_client.get(address, {"q": "覚書"}).status_code == 200


def test_a_nul_in_an_admin_form_is_a_form_error_that_keeps_the_typing(staff_client):
    page = staff_client.get("/admin/releases/release/add/")
    data = form_data(page)
    data["title_ja"] = "覚書\x00署名"
    data["title_en"] = "An MOU"
    response = staff_client.post("/admin/releases/release/add/", data)
    assert response.status_code == 200
    assert errors(response)
    assert "An MOU" in response.text
    assert not Release.objects.filter(title_en="An MOU").exists()


@pytest.mark.parametrize("control", ["\x00", "\x1b"])
def test_a_control_character_in_the_login_form_is_never_a_server_error(client, control):
    data = {"username": f"chief{control}", "password": f"pw{control}"}
    response = client.post("/admin/login/", data)
    assert response.status_code in (200, 400, 403)
