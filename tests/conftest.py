import os
import socket
from collections import Counter
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"


def _flushes_the_database(item):
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


def pytest_make_parametrize_id(config, val, argname):
    # Bytes made while collecting (an encrypted PDF, a ZIP with its time) differ from run to run
    # and between pytest-xdist's workers, which must collect the same tests: such a parameter
    # is named by its argument.
    if isinstance(val, bytes):
        return argname
    return None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # Tests that flush the database (transactional ones) run last, as pytest-django orders them
    # first of all: pytest's own grouping by session-scoped parameters (the browser) may move
    # ordinary tests after them afterwards, and those would find the migrations' rows
    # (countries, groups) gone. A stable sort keeps every other order.
    items.sort(key=_flushes_the_database)
    # pytest-xdist knows a test by its node id: of two tests with one id (schemathesis' items
    # under pytest 9.2), .ci/run's --dist loadgroup runs one and reports nothing of the other.
    twice = sorted(nodeid for nodeid, n in Counter(item.nodeid for item in items).items() if n > 1)
    if twice:
        raise pytest.UsageError(f"tests share a node id, and xdist would run one of each: {twice}")
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"browser tests need Chromium at {CHROMIUM} (.ci/run installs it)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded and generated files go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("staff", "staff@example.org", "pw-for-tests")
    client.force_login(user)
    return client


@pytest.fixture
def editor(db):
    from tests.factories import staff_member

    return staff_member("Editors")


@pytest.fixture
def publisher(db):
    from tests.factories import staff_member

    return staff_member("Publishers")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def publisher_client(client, publisher):
    client.force_login(publisher)
    return client


@pytest.fixture
def countries(transactional_db):
    """The migration's countries, again: transactional tests flush the database after each test."""
    from people.countries import world_countries
    from people.models import Country

    if not Country.objects.exists():
        Country.objects.bulk_create(
            Country(name=row["name_ja"], **row) for row in world_countries()
        )


@pytest.fixture
def admin_page(page, live_server, django_user_model, countries):
    """A Chromium page logged into the admin as a superuser."""
    django_user_model.objects.create_superuser("chief", "chief@example.org", "correct-horse-9")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "correct-horse-9")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page


@pytest.fixture(autouse=True)
def _default_language():
    """A request under /en/ leaves English active in the thread; each test starts in Japanese."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def database_down(db, tmp_path):
    """The default database cannot be reached until the test ends: its connection settings
    point at a closed port (PostgreSQL) or into a missing folder (SQLite), so every query
    fails as in an outage, whichever code runs it."""
    from django.db import connections

    working = connections["default"]
    broken_settings = {**working.settings_dict}
    if working.vendor == "sqlite":
        broken_settings["NAME"] = str(tmp_path / "missing" / "db.sqlite3")
    else:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        broken_settings.update(HOST="127.0.0.1", PORT=closed_port)
    broken = type(working)(broken_settings, alias="default")
    connections["default"] = broken
    yield
    broken.close()
    connections["default"] = working


@pytest.fixture(autouse=True)
def _empty_cache():
    """Tests empty the database without signals: nothing one cached may reach the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def no_cache(settings):
    """Every request from scratch (as just after a change): what query counts are taken with."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.PAGE_CACHE = False


@pytest.fixture(autouse=True)
def _archive_recount(request, monkeypatch):
    """The archive counts (releases.archive) are recounted when a transaction commits, once for
    all its writes, and a test's transaction never commits: here the writes since the last
    request are recounted as one when the next request starts, as if a commit came between, and
    before queries are counted. Yields that recount. Transactional tests commit for real, and
    tests of the commit itself are marked `archive_on_commit`."""
    if "archive_on_commit" in request.keywords or _flushes_the_database(request.node):
        yield None
        return
    from django.core.signals import request_started

    import releases.signals

    real = releases.signals.transaction

    class RecountAtTheNextRequest:
        def __getattr__(self, name):
            return getattr(real, name)

        def on_commit(self, func, using=None, robust=False):
            if func is releases.signals._recount_archive:
                return None  # the years wait, marked, in releases.signals
            return real.on_commit(func, using=using, robust=robust)

    def recount(**kwargs):
        releases.signals._recount_archive()

    monkeypatch.setattr(releases.signals, "transaction", RecountAtTheNextRequest())
    request_started.connect(recount)
    yield recount
    request_started.disconnect(recount)
    releases.signals._archive_marks.pending = None  # marks of rows the test's rollback undid


def _recounted_first(assert_queries, recount):
    """pytest-django's query counter, counting a request's queries only: the recount of the
    writes before it (_archive_recount) happens first."""

    def counting(*args, **kwargs):
        if recount is not None:
            recount()
        return assert_queries(*args, **kwargs)

    return counting


@pytest.fixture
def django_assert_num_queries(django_assert_num_queries, _archive_recount):
    return _recounted_first(django_assert_num_queries, _archive_recount)


@pytest.fixture
def django_assert_max_num_queries(django_assert_max_num_queries, _archive_recount):
    return _recounted_first(django_assert_max_num_queries, _archive_recount)
