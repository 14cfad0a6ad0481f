"""Backups: `backup` writes the database and the media to one archive, `restore` brings it into an
empty site, and every public answer (pages, feeds, sitemap, API, CSV, photos) is the same after
the round trip; users and history too."""

import datetime
import html
import re
import shutil
import tarfile
from collections import deque

import pytest
import reversion
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.utils import timezone
from reversion.models import Version

from people.countries import world_countries
from people.models import Country
from releases.models import Release
from releases.search import refresh_search_text
from tests.factories import (
    AgreementFactory,
    ContactFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    PhotoFactory,
    PostFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    SectionFactory,
    country,
)

SEEDS = [
    "/ja/",
    "/en/",
    "/robots.txt",
    "/sitemap.xml",
    "/api/releases/",
    "/api/meetings/",
    "/api/agreements/",
    "/api/countries/",
    "/api/officials/",
    "/api/meetings.csv",
    "/api/agreements.csv",
    "/api/schema/",
    "/api/schema/?format=json",
]
# Any address of ours in a page, feed, sitemap, JSON or CSV answer, relative or absolute.
ADDRESS = re.compile(
    r"(?:https?://testserver|(?<![<\w]))(/(?:ja|en|api|media|sitemap)[^\s\"'<>),#]*)"
)
PER_REQUEST = [
    re.compile(rb'nonce="[^"]*"'),
    re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"'),
]


def answer(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.streaming:
        response.close()
    for token in PER_REQUEST:
        body = token.sub(b"", body)
    return response.status_code, response.get("Content-Type"), body


def crawl(client):
    """Every public address reachable from the home pages, the sitemap and the API: its answer."""
    answers, queue = {}, deque(SEEDS)
    while queue:
        path = queue.popleft()
        if path in answers:
            continue
        answers[path] = answer(client.get(path))
        if answers[path][1] and answers[path][1].startswith(("image/", "application/vnd")):
            continue
        text = html.unescape(answers[path][2].decode("utf-8", "replace"))
        queue.extend(link for link in ADDRESS.findall(text) if link not in answers)
    assert len(answers) < 5000, "the crawl ran away"
    return answers


def build_site(django_user_model):
    editor = django_user_model.objects.create_user("editor", password="editor-pw-9")
    call_command("load_demo", stdout=None)
    now = timezone.now()
    for n, (status, moment) in enumerate(
        [
            (Release.Status.PUBLISHED, now - datetime.timedelta(days=40)),
            (Release.Status.PUBLISHED, now - datetime.timedelta(days=400)),
            (Release.Status.DRAFT, None),
            (Release.Status.WITHDRAWN, now - datetime.timedelta(days=3)),
        ]
    ):
        release = ReleaseFactory(
            slug=f"backup-{n}",
            status=status,
            published_at=moment,
            withdrawal_reason_ja="理由",
            countries=[country("KZ"), country(["UZ", "MN", "PE", "CL"][n])],
        )
        SectionFactory(release=release, body_ja=f"<p>本文{n}</p>", body_en=f"<p>Body {n}</p>")
        official = OfficialFactory(country=country("UZ"))
        PostFactory(official=official, start_date=datetime.date(2020, 1, 1))
        meeting = MeetingFactory(release=release, country=country("UZ"))
        MeetingParticipantFactory(meeting=meeting, official=official)
        PhotoFactory(release=release, meeting=meeting, caption_en=f"Caption {n}")
        ContactFactory(release=release)
        agreement = AgreementFactory(country=country("MN"))
        agreement.signatories.add(official)
        ReleaseAgreementFactory(release=release, agreement=agreement)
        with reversion.create_revision():
            reversion.set_user(editor)
            reversion.set_comment(f"edit {n}")
            release.save()
    refresh_search_text(Release.objects.all())


def history():
    return sorted(
        Version.objects.values_list(
            "object_id", "content_type__model", "serialized_data", "revision__user__username"
        )
    )


def users():
    return list(get_user_model().objects.order_by("pk").values("username", "password"))


def empty_the_site(settings):
    """A new site: its database flushed and migrated (the migration's countries come back, in
    another order, so with other keys), its media folder gone, its caches cold."""
    call_command("flush", interactive=False, verbosity=0)
    Country.objects.bulk_create(
        Country(name=row["name_ja"], **row) for row in reversed(list(world_countries()))
    )
    shutil.rmtree(settings.MEDIA_ROOT)
    for cache in caches.all():
        cache.clear()


@pytest.mark.django_db(transaction=True)
def test_every_public_answer_is_the_same_after_backup_and_restore(
    client, countries, django_user_model, settings, tmp_path
):
    build_site(django_user_model)
    before, users_before, history_before = crawl(client), users(), history()
    for reached in ("/ja/releases/feed/atom/", "/sitemap-releases.xml", "/api/releases/backup-0/"):
        assert reached in before
    assert sum(path.startswith("/media/") for path in before) >= 5
    assert len(history_before) > 4
    archive = tmp_path / "site.tar.gz"

    call_command("backup", str(archive), stdout=None)
    empty_the_site(settings)
    assert client.get("/api/releases/backup-0/").status_code == 404
    call_command("restore", str(archive), stdout=None)

    after = crawl(client)
    assert after.keys() == before.keys()
    assert [path for path in before if after[path] != before[path]] == []
    assert users() == users_before
    assert history() == history_before


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    ReleaseFactory()
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), stdout=None)
    with pytest.raises(CommandError, match=r"database is not empty: .*releases.Release \(1\)"):
        call_command("restore", str(archive))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_media_folder_that_is_not_empty(countries, tmp_path, settings):
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), stdout=None)
    (settings.MEDIA_ROOT / "photos").mkdir(parents=True)
    (settings.MEDIA_ROOT / "photos" / "left-behind.jpg").write_bytes(b"x")
    with pytest.raises(CommandError, match="media storage is not empty"):
        call_command("restore", str(archive))


@pytest.mark.django_db
def test_restore_refuses_what_is_not_a_backup(tmp_path):
    stranger = tmp_path / "stranger.tar.gz"
    with tarfile.open(stranger, "w:gz") as archive:
        archive.add(__file__, "notes.py")
    for path in (stranger, tmp_path / "missing.tar.gz", __file__):
        with pytest.raises(CommandError, match="not an archive written by|cannot be read"):
            call_command("restore", str(path))
