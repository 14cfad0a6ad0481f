"""Embargo: what is not public is absent from every public surface, in both languages.

A matrix: every state (draft, scheduled, published, withdrawn) × every public surface that
exists × both languages, before and after the scheduled release's publication moment. Each
state's release reports a meeting with an official of its own, in a country of its own, and
announces an agreement of its own: those are public only through a public release.
Markers are ASCII so that JSON and XML escaping cannot hide them.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from releases.models import Release
from releases.search import refresh_search_text
from tests.factories import (
    AgreementFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    SectionFactory,
    country,
)

pytestmark = pytest.mark.django_db

STATES = ["draft", "scheduled", "published", "withdrawn"]
COUNTRIES = {"draft": "TV", "scheduled": "NR", "published": "PW", "withdrawn": "KI"}
LANGUAGES = ["ja", "en"]
MOMENTS = ["before", "after"]
HOUR = datetime.timedelta(hours=1)


def mark(state):
    return f"EMB{state.upper()}X"


def is_public(state, moment):
    return state == "published" or (state == "scheduled" and moment == "after")


@pytest.fixture
def world(time_machine):
    time_machine.move_to(timezone.now(), tick=True)
    now = timezone.now()
    shared = OfficialFactory(
        slug="shared-official", name_ja="SHAREDOFFICIAL", country=country("KZ")
    )
    timing = {
        "draft": (Release.Status.DRAFT, None),
        "scheduled": (Release.Status.PUBLISHED, now + HOUR),
        "published": (Release.Status.PUBLISHED, now - HOUR),
        "withdrawn": (Release.Status.WITHDRAWN, now - 2 * HOUR),
    }
    for state in STATES:
        status, published_at = timing[state]
        m, code = mark(state), COUNTRIES[state]
        release = ReleaseFactory(
            slug=f"emb-{state}",
            title_ja=f"{m} title ja",
            title_en=f"{m} title en",
            lead_ja=f"{m} lead",
            status=status,
            published_at=published_at,
            withdrawal_reason_ja=f"WREASON-ja-{state}",
            withdrawal_reason_en=f"WREASON-en-{state}",
            countries=[country(code), country("KZ")],
        )
        SectionFactory(release=release, body_ja=f"<p>BODY{m}</p>")
        official = OfficialFactory(
            slug=f"official-{state}", name_ja=f"OFF{m}", name_en=f"OFF{m}", country=country(code)
        )
        meeting = MeetingFactory(release=release, country=country(code), title_ja=f"MTG{m}")
        MeetingParticipantFactory(meeting=meeting, official=official)
        MeetingParticipantFactory(meeting=meeting, official=shared)
        agreement = AgreementFactory(
            slug=f"agreement-{state}", title_ja=f"AGR{m}", title_en=f"AGR{m}", country=country(code)
        )
        agreement.signatories.add(official)
        ReleaseAgreementFactory(release=release, agreement=agreement)
    refresh_search_text(Release.objects.all())
    return now


def at_moment(time_machine, now, moment):
    if moment == "after":
        time_machine.move_to(now + 2 * HOUR, tick=True)


def url(name, lang, *args, query=""):
    with translation.override(lang):
        return reverse(name, args=args) + query


# Pages listing many things: each state's marker appears exactly when that state is public.

LISTING_PAGES = {
    "home": ("releases:home", ()),
    "release list": ("releases:list", ()),
    "release search": ("releases:list", (), "?q=EMB"),
    "release list by country": ("releases:list", (), "?country=KZ"),
    "countries": ("releases:countries", ()),
    "country KZ": ("releases:country", ("kz",)),
    "shared official": ("releases:official", ("shared-official",)),
    "agreements": ("releases:agreements", ()),
    "published release": ("releases:detail", ("emb-published",)),
}


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("listing", LISTING_PAGES, ids=list(LISTING_PAGES))
def test_listing_pages_show_exactly_what_is_public(
    client, world, time_machine, listing, lang, moment
):
    at_moment(time_machine, world, moment)
    name, args, *query = LISTING_PAGES[listing]
    response = client.get(url(name, lang, *args, query=query[0] if query else ""))
    assert response.status_code == 200
    html = response.content.decode()
    for state in STATES:
        shown = mark(state) in html or f"/{COUNTRIES[state].lower()}/" in html
        assert shown == is_public(state, moment), (state, listing)


# Pages of one release, official, agreement or country: found only when public.

OWN_PAGES = {
    "release": ("releases:detail", "emb-{state}"),
    "official": ("releases:official", "official-{state}"),
    "agreement": ("releases:agreement", "agreement-{state}"),
    "country": ("releases:country", None),
}


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("own", OWN_PAGES)
@pytest.mark.parametrize("state", STATES)
def test_own_pages_are_404_until_public(client, world, time_machine, state, own, lang, moment):
    at_moment(time_machine, world, moment)
    name, slug = OWN_PAGES[own]
    arg = slug.format(state=state) if slug else COUNTRIES[state].lower()
    response = client.get(url(name, lang, arg))
    if own == "release" and state == "withdrawn":
        # A withdrawn release keeps its address and says why, in the page's language.
        assert response.status_code == 200
        html = response.content.decode()
        assert f"WREASON-{lang}-withdrawn" in html
        return
    expected = 200 if is_public(state, moment) else 404
    assert response.status_code == expected
    if expected == 404:
        assert mark(state) not in response.content.decode()


def test_a_scheduled_release_appears_at_its_moment_and_not_a_second_before(
    client, world, time_machine
):
    detail = url("releases:detail", "ja", "emb-scheduled")
    time_machine.move_to(world + HOUR - datetime.timedelta(seconds=1), tick=False)
    assert client.get(detail).status_code == 404
    time_machine.move_to(world + HOUR, tick=False)
    assert client.get(detail).status_code == 200


# Machine-readable surfaces: sitemap, API, CSV exports.


def machine_urls():
    names = {
        "sitemap index": ("sitemap", ()),
        "api releases": ("api:release-list", ()),
        "api meetings": ("api:meeting-list", ()),
        "api agreements": ("api:agreement-list", ()),
        "api countries": ("api:country-list", ()),
        "api officials": ("api:official-list", ()),
        "api meetings csv": ("api:meetings-csv", ()),
        "api agreements csv": ("api:agreements-csv", ()),
    }
    # Reversed without a safety net: a surface whose name stops resolving fails the
    # collection instead of silently leaving the walk.
    return {label: reverse(name, args=args) for label, (name, args) in names.items()}


MACHINE_URLS = machine_urls()


def fetch_with_sitemap_sections(client, address, lang):
    response = client.get(address, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200, address
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()
    if address == MACHINE_URLS.get("sitemap index"):
        for section in re.findall(r"<loc>https?://[^/]+(/[^<]+)</loc>", body):
            section_response = client.get(section)
            assert section_response.status_code == 200, section
            body += section_response.content.decode()
    return body


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("surface", MACHINE_URLS, ids=list(MACHINE_URLS))
def test_machine_surfaces_list_exactly_what_is_public(
    client, world, time_machine, surface, lang, moment
):
    at_moment(time_machine, world, moment)
    body = fetch_with_sitemap_sections(client, MACHINE_URLS[surface], lang)
    for state in STATES:
        listed = (
            mark(state) in body
            or f"emb-{state}" in body
            or f"official-{state}" in body
            or f"agreement-{state}" in body
            or f'"{COUNTRIES[state]}"' in body
            or f"/{COUNTRIES[state].lower()}/" in body
        )
        assert listed == is_public(state, moment), (state, surface)


API_DETAILS = {
    "release": ("api:release-detail", "emb-{state}"),
    "agreement": ("api:agreement-detail", "agreement-{state}"),
    "official": ("api:official-detail", "official-{state}"),
    "country": ("api:country-detail", None),
}


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("kind", API_DETAILS)
@pytest.mark.parametrize("state", STATES)
def test_api_details_are_404_until_public(client, world, time_machine, state, kind, moment):
    name, slug = API_DETAILS[kind]
    arg = slug.format(state=state) if slug else COUNTRIES[state]
    address = reverse(name, args=[arg])
    at_moment(time_machine, world, moment)
    response = client.get(address)
    assert response.status_code == (200 if is_public(state, moment) else 404)


# Changes to a live release wait for a publisher (releases.drafts): until then, no surface shows
# them, whatever the release's state, in either language, before or after the scheduled moment.

PENDING = "PENDINGX"


@pytest.fixture
def pending_world(world, editor, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from tests.admin_forms import errors, form_data
    from tests.factories import jpeg_bytes

    editors = Client()
    editors.force_login(editor)
    for state in ("scheduled", "published", "withdrawn"):
        release = Release.objects.get(slug=f"emb-{state}")
        address = reverse("admin:releases_release_change", args=[release.pk])
        data = form_data(editors.get(address), "release_form")
        data.update(
            {
                "title_ja": f"{PENDING} title ja",
                "title_en": f"{PENDING} title en",
                "lead_ja": f"{PENDING} lead",
                "meetings-0-summary_ja": f"{PENDING} summary",
                "meetings-0-summary_en": f"{PENDING} summary",
                "sections-0-body_ja": f"<p>{PENDING} body</p>",
                "photos-0-image": SimpleUploadedFile(
                    "new.jpg", jpeg_bytes(), content_type="image/jpeg"
                ),
                "photos-0-caption_ja": f"{PENDING} caption",
                "photos-0-order": "0",
                "photos-0-meeting_position": "0",
                "photos-TOTAL_FORMS": "1",
            }
        )
        response = editors.post(address, data)
        assert response.status_code == 302, errors(response)
        assert release.pending_change.content
    return world


def pending_photo_names():
    from releases.models import PendingChange

    return [
        row["fields"]["image"]
        for change in PendingChange.objects.all()
        for row in change.content
        if row["model"] == "releases.photo"
    ]


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_changes_waiting_for_a_publisher_appear_on_no_public_surface(
    client, pending_world, time_machine, lang, moment
):
    at_moment(time_machine, pending_world, moment)
    addresses = [
        url(name, lang, *args, query=q[0] if q else "") for name, args, *q in LISTING_PAGES.values()
    ]
    addresses += [url("releases:detail", lang, f"emb-{state}") for state in STATES]
    addresses += [url("feeds:rss", lang), url("feeds:atom", lang), url("releases:calendar", lang)]
    addresses += [reverse("api:release-detail", args=[f"emb-{state}"]) for state in STATES]
    for address in addresses:
        response = client.get(address)
        assert response.status_code in (200, 404), address
        assert PENDING not in response.content.decode(), address
    # A search for the pending text finds nothing (the page repeats the words searched).
    found = client.get(url("releases:list", lang, query=f"?q={PENDING}")).content.decode()
    assert "/releases/emb-" not in found
    for address in MACHINE_URLS.values():
        assert PENDING not in fetch_with_sitemap_sections(client, address, lang), address
    # The new photo's file was stored, but nobody outside the staff can fetch it.
    names = pending_photo_names()
    assert len(names) == 3
    for name in names:
        assert client.get(settings_media_url() + name).status_code == 404


def settings_media_url():
    from django.conf import settings

    return settings.MEDIA_URL
