"""Two app servers sharing one database and one Redis, as in production.

Servers A and B (gunicorn, page cache on) and C (page cache off: pages rendered, aggregates
from the cache) serve a site of their own (a SQLite file, or a PostgreSQL database beside the
test database). Content changes through a third process using the ORM, or through A's admin;
every change must show on B at the very next request, although B had the page cached.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from django.conf import settings

from bench.servers import free_port, nginx_config, start_nginx, stop

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

# Run in the ORM process before any change: what the changes below use.
PRELUDE = """
import datetime
import reversion
from django.contrib.auth import get_user_model
from django.utils import timezone
from people.models import Country, Official, Organization
from releases import workflow
from releases.models import Meeting, MeetingParticipant, Release

HOUR = datetime.timedelta(hours=1)
kz = Country.objects.get(code="KZ")
staff = get_user_model().objects.create_superuser("chief", "chief@example.org", "pw-live-9")
issuer = Organization.objects.create(
    slug="jogmec", name_ja="JOGMEC", name_en="JOGMEC", kind="agency",
    country=Country.objects.get(code="JP"),
)

def make_release(slug, title, codes=("KZ",), **fields):
    fields.setdefault("status", "published")
    fields.setdefault("published_at", timezone.now() - HOUR)
    release = Release.objects.create(
        slug=slug, title_ja=title, title_en=title, issuer=issuer, **fields
    )
    release.countries.add(*Country.objects.filter(code__in=codes))
    return release

def release(slug):
    return Release.objects.get(slug=slug)
"""

ORM_LOOP = """
import json, sys, traceback
import django
django.setup()
namespace = {}
for line in sys.stdin:
    try:
        exec(json.loads(line), namespace)
        print(json.dumps({"ok": True}), flush=True)
    except Exception:
        print(json.dumps({"error": traceback.format_exc()}), flush=True)
"""


def redis_reachable():
    parts = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1):
            return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.skipif(not redis_reachable(), reason=f"no Redis at {REDIS_URL}"),
    # Under pytest-xdist (.ci/run) the servers start once, on one worker, for the whole module.
    pytest.mark.xdist_group("shared-cache-servers"),
]


class Orm:
    """A Python process with the site's settings that runs code through the ORM."""

    def __init__(self, env):
        self.process = subprocess.Popen(  # noqa: S603 -- our interpreter, fixed program
            [sys.executable, "-c", ORM_LOOP],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def __call__(self, code):
        self.process.stdin.write(json.dumps(code) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        assert "error" not in answer, answer.get("error")

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


class Server:
    def __init__(self, name, env, log):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(  # noqa: S603 -- gunicorn from our virtualenv
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                "--workers=1",
                f"--name={name}",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_up(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "gunicorn exited: see its log"
            try:
                requests.get(f"{self.url}/robots.txt", timeout=30)
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise AssertionError(f"gunicorn on {self.url} did not answer")

    def get(self, path, **kwargs):
        return requests.get(self.url + path, timeout=30, allow_redirects=False, **kwargs)

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def site_database(tmp_path):
    """A database of the site's own: a SQLite file, or a PostgreSQL one next to the tests'."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{tmp_path / 'site.sqlite3'}", None
    import psycopg

    name = f"{database['NAME']}_live_{os.getpid()}"
    url = os.environ["DATABASE_URL"]
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("live")
    database_url, drop = site_database(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        # Keys of their own: other runs may share this Redis database.
        "DJANGO_CACHE_KEY_PREFIX": f"test-{secrets.token_hex(6)}",
        "DJANGO_DEBUG": "1",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )
    log = (tmp_path / "servers.log").open("w")
    servers = {
        "A": Server("pressroom-a", env, log),
        "B": Server("pressroom-b", env, log),
        "C": Server("pressroom-c", {**env, "DJANGO_PAGE_CACHE": "0"}, log),
    }
    orm = Orm(env)
    try:
        for server in servers.values():
            server.wait_until_up()
        orm(PRELUDE)
        yield orm, servers
    finally:
        orm.close()
        for server in servers.values():
            server.stop()
        log.close()
        if drop:
            drop()


def text(response):
    return response.text if response.status_code == 200 else ""


CHANGES = {
    "save": (
        'make_release("c-save", "SAVEBEFORE")',
        "/en/releases/",
        'r = release("c-save"); r.title_en = "SAVEAFTER"; r.save()',
        "SAVEBEFORE",
        "SAVEAFTER",
    ),
    "publish": (
        'make_release("c-publish", "PUBLISHED", status="draft", published_at=None)',
        "/en/releases/",
        'workflow.publish(release("c-publish"), staff)',
        None,
        "PUBLISHED",
    ),
    "withdrawal": (
        'make_release("c-withdraw", "WITHDRAWN")',
        "/en/releases/",
        'workflow.withdraw(release("c-withdraw"), staff, "理由")',
        "WITHDRAWN",
        None,
    ),
    "deletion": (
        'make_release("c-delete", "DELETED")',
        "/en/releases/c-delete/",
        'release("c-delete").delete()',
        "DELETED",
        None,
    ),
    "official renamed": (
        'r = make_release("c-official", "MET")\n'
        "m = Meeting.objects.create(release=r, date=datetime.date(2025, 12, 19), country=kz)\n"
        'o = Official.objects.create(slug="c-official", name_ja="X", name_en="OFFICIALBEFORE", country=kz)\n'
        "MeetingParticipant.objects.create(meeting=m, official=o)",
        "/en/releases/c-official/",
        'o = Official.objects.get(slug="c-official"); o.name_en = "OFFICIALAFTER"; o.save()',
        "OFFICIALBEFORE",
        "OFFICIALAFTER",
    ),
    "country renamed": (
        'make_release("c-country", "IN TUVALU", codes=["TV"])',
        "/en/countries/",
        'c = Country.objects.get(code="TV"); c.name_en = "COUNTRYAFTER"; c.save()',
        "Tuvalu",
        "COUNTRYAFTER",
    ),
    "countries of a release (m2m)": (
        'make_release("c-m2m", "INMONGOLIA", codes=["KZ"])',
        "/en/countries/mn/",
        'release("c-m2m").countries.add(Country.objects.get(code="MN"))',
        None,
        "INMONGOLIA",
    ),
    "history restored": (
        'with reversion.create_revision():\n    make_release("c-restore", "ORIGINAL")\n'
        'r = release("c-restore"); r.title_en = "EDITED"; r.save()',
        "/en/releases/c-restore/",
        'reversion.models.Version.objects.get_for_object(release("c-restore"))'
        ".first().revision.revert()",
        "EDITED",
        "ORIGINAL",
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_through_the_orm_shows_on_the_other_server_at_once(live, change):
    orm, servers = live
    setup, path, code, before, after = CHANGES[change]
    orm(setup)
    for server in ("A", "B"):
        servers[server].get(path)
    cached = servers["B"].get(path)
    if cached.status_code == 200:
        assert cached.headers["X-Page-Cache"] == "hit"
    assert (before in text(cached)) if before else (after not in text(cached))

    orm(code)

    for server in ("B", "A"):
        page = text(servers[server].get(path))
        assert (after in page) if after else (before not in page)
        if before and after:
            assert before not in page


def test_aggregates_cached_by_one_server_change_for_the_other(live):
    orm, servers = live
    c = servers["C"]  # renders every page; its facets come from the cache
    for _ in range(2):
        page = c.get("/en/releases/")
        assert "X-Page-Cache" not in page.headers
        assert '<option value="1999">' not in page.text
    orm('make_release("c-facet", "FACET", published_at=timezone.now().replace(year=1999))')
    assert '<option value="1999">' in c.get("/en/releases/").text


def test_a_scheduled_release_appears_at_its_moment_on_pages_cached_before(live):
    orm, servers = live
    moment = time.time() + 4
    orm(
        'make_release("c-scheduled", "SCHEDULED", '
        f"published_at=datetime.datetime.fromtimestamp({moment}, datetime.UTC))"
    )
    before = servers["B"].get("/en/releases/")
    assert "SCHEDULED" not in before.text
    max_age = int(re.search(r"max-age=(\d+)", before.headers["Cache-Control"])[1])
    assert max_age <= 4
    assert servers["B"].get("/en/releases/").headers["X-Page-Cache"] == "hit"
    time.sleep(max(0.0, moment - time.time()) + 0.05)  # the publication moment itself
    assert "SCHEDULED" in servers["B"].get("/en/releases/").text


def test_a_staff_session_opened_on_one_server_is_valid_on_the_other(live):
    orm, servers = live
    orm('make_release("c-admin", "ADMINPUBLISHED", status="draft", published_at=None)')
    browser = requests.Session()
    a, b = servers["A"], servers["B"]
    login = browser.get(f"{a.url}/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)[1]
    browser.post(
        f"{a.url}/admin/login/?next=/admin/",
        {"username": "chief", "password": "pw-live-9", "csrfmiddlewaretoken": token},
    )
    on_b = browser.get(f"{b.url}/admin/releases/release/")
    assert on_b.url == f"{b.url}/admin/releases/release/"  # not sent to the login page
    assert "private" in on_b.headers["Cache-Control"]
    assert "ADMINPUBLISHED" not in b.get("/en/releases/").text

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', on_b.text)[1]
    pk = re.search(r'href="/admin/releases/release/(\d+)/change/[^"]*">ADMINPUBLISHED', on_b.text)
    done = browser.post(
        f"{a.url}/admin/releases/release/",
        {"action": "publish_selected", "_selected_action": pk[1], "csrfmiddlewaretoken": token},
    )
    assert done.status_code == 200

    assert "ADMINPUBLISHED" in b.get("/en/releases/").text


# deploy/nginx.conf, run for real in front of A and B


@pytest.fixture(scope="module")
def nginx(live, tmp_path_factory):
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (.ci/run installs nginx-light)")
    _orm, servers = live
    port = free_port()
    config = nginx_config(
        tmp_path_factory.mktemp("nginx"),
        port,
        [servers["A"].port, servers["B"].port],
        ROOT / "static",
    )
    process = start_nginx(config, port)
    yield f"http://127.0.0.1:{port}"
    stop(process)


def test_nginx_serves_static_files_itself(nginx):
    response = requests.get(f"{nginx}/static/css/site.css", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/css")
    assert "immutable" in response.headers["Cache-Control"]
    assert "X-Cache-Status" not in response.headers


def test_nginx_keeps_public_pages_as_long_as_the_site_allows(live, nginx):
    orm, _servers = live
    orm('make_release("c-nginx", "THROUGHNGINX")')
    first = requests.get(f"{nginx}/en/releases/c-nginx/", timeout=10)
    second = requests.get(f"{nginx}/en/releases/c-nginx/", timeout=10)
    assert "THROUGHNGINX" in first.text
    assert (first.headers["X-Cache-Status"], second.headers["X-Cache-Status"]) == ("MISS", "HIT")
    assert second.text == first.text
    etag = second.headers["ETag"]
    again = requests.get(
        f"{nginx}/en/releases/c-nginx/", headers={"If-None-Match": etag}, timeout=10
    )
    assert again.status_code == 304


def test_nginx_keeps_the_languages_of_the_api_apart(live, nginx):
    orm, _servers = live
    orm('r = make_release("c-api", "APIJA"); r.title_en = "APIEN"; r.save()')
    for _ in range(2):
        for language, title in (("ja", "APIJA"), ("en", "APIEN")):
            answer = requests.get(
                f"{nginx}/api/releases/c-api/", headers={"Accept-Language": language}, timeout=10
            )
            assert answer.json()["title"] == title


def test_nginx_never_stores_staff_pages(nginx):
    for _ in range(2):
        response = requests.get(f"{nginx}/admin/login/", timeout=10)
        assert response.status_code == 200
        assert "X-Cache-Status" not in response.headers
        assert "no-store" in response.headers["Cache-Control"]
    with_session = requests.get(f"{nginx}/en/releases/", cookies={"sessionid": "x"}, timeout=10)
    assert with_session.headers["X-Cache-Status"] == "BYPASS"
