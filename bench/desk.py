"""The staff's desk under load: no admin save may fail, on SQLite as on PostgreSQL.

`make bench-desk` runs this script. Each round builds a throwaway site (a fresh SQLite file, or
a fresh PostgreSQL database beside BENCH_DATABASE_URL's, dropped afterwards), loads the demo,
starts the server and the task worker (`manage.py db_worker`), and runs at once:

- BENCH_DESK_CLIENTS staff clients, each logged in as its own superuser, saving in turn: a new
  release with a section and a meeting with an official (inline rows), a new official with a
  post, a change to the release it added last (its change form read first, as a browser does),
  and a new release published at once (the task worker then sends its alert). Before each
  save, the form's autocomplete boxes fetch suggestions. A save succeeds when it answers a
  redirect; anything else is a failure.
- one more staff client asking the autocomplete endpoint for suggestions without a pause;
- one visitor reading public pages.

Round "make run" starts the server as `make run` does (runserver, DEBUG on); round
"production" as production does (gunicorn, BENCH_DESK_WORKERS sync workers, DEBUG off).
Afterwards, every row the successful saves wrote is counted: each release and official exactly
once, with its inline rows once. Any failed save, any 5xx, any `database is locked` in the
server's or the worker's log, any row written twice fails the run (exit status 1).

Settings, all optional (environment variables):
  BENCH_DESK_SAVES     admin saves per round, over all clients (1000)
  BENCH_DESK_CLIENTS   staff clients saving at once (4)
  BENCH_DESK_WORKERS   gunicorn workers in the production round (4)
  BENCH_DESK_ROUNDS    which rounds: "run,production" (default), "run" or "production"
  BENCH_DATABASE_URL   a PostgreSQL server to use instead of SQLite: a database named after
                       this URL's, with "_desk", is created there for each round and dropped
  BENCH_KEEP           1 keeps the temporary folders (logs, the SQLite file)
"""

import itertools
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests
from bs4 import BeautifulSoup

try:
    from bench.servers import form_data, free_port, setting, stop, wait_for
except ImportError:  # run as a script: bench/ is on the path, the project is not
    from servers import form_data, free_port, setting, stop, wait_for

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
HOST = "127.0.0.1"
LOCKED = "database is locked"


class DeskError(Exception):
    pass


@dataclass
class Tally:
    """What the clients saw, shared by their threads."""

    attempted: int = 0
    succeeded: int = 0
    failures: list = field(default_factory=list)
    server_errors: list = field(default_factory=list)
    requests: dict = field(default_factory=dict)
    added: dict = field(default_factory=lambda: {"release": [], "official": []})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def seen(self, kind, response):
        with self.lock:
            self.requests[kind] = self.requests.get(kind, 0) + 1
            if response.status_code >= 500:
                self.server_errors.append(f"{response.status_code} {kind} {response.url}")

    def save(self, ok, description, response=None, added=None):
        with self.lock:
            self.attempted += 1
            if ok:
                self.succeeded += 1
                if added:
                    self.added[added[0]].append(added[1])
            else:
                detail = ""
                if response is not None:
                    soup = BeautifulSoup(response.text, "html.parser")
                    notes = soup.select(".errornote, .errorlist, h1")
                    detail = f"{response.status_code}: " + " | ".join(
                        n.get_text(" ", strip=True) for n in notes
                    )
                self.failures.append(f"{description}: {detail[:300]}")


@dataclass
class Result:
    label: str
    database: str
    saves: int
    clients: int
    tally: Tally
    locked_lines: list
    duplicates: list
    missing: list
    seconds: float

    @property
    def ok(self):
        t = self.tally
        return not (
            t.failures
            or t.server_errors
            or self.locked_lines
            or self.duplicates
            or self.missing
            or t.succeeded < self.saves
        )

    def lines(self):
        t = self.tally
        requests_seen = ", ".join(f"{kind} {n:,}" for kind, n in sorted(t.requests.items()))
        return [
            f"{self.label} ({self.database}, {self.clients} staff clients): "
            f"{'PASS' if self.ok else 'FAIL'} in {self.seconds:.0f} s",
            f"  saves attempted {t.attempted:,}, succeeded {t.succeeded:,}, "
            f"failed {len(t.failures):,}",
            f"  requests: {requests_seen}",
            f"  5xx answers: {len(t.server_errors)}; '{LOCKED}' in the logs: "
            f"{len(self.locked_lines)}; rows written twice: {len(self.duplicates)}; "
            f"saved rows missing: {len(self.missing)}",
            *(f"  failure: {line}" for line in t.failures[:5]),
            *(f"  5xx: {line}" for line in t.server_errors[:5]),
            *(f"  log: {line.strip()[:200]}" for line in self.locked_lines[:5]),
            *(f"  twice: {line}" for line in self.duplicates[:5]),
            *(f"  missing: {line}" for line in self.missing[:5]),
        ]


def token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


AUTOCOMPLETE = [
    {"app_label": "releases", "model_name": "release", "field_name": "countries"},
    {"app_label": "releases", "model_name": "release", "field_name": "issuer"},
    {"app_label": "releases", "model_name": "meeting", "field_name": "participants"},
    {"app_label": "people", "model_name": "post", "field_name": "organization"},
]
TERMS = ["ka", "カザ", "uz", "大統", "jo", "mi", "a", "to"]


class Staff:
    """One person at the desk: a session of their own, logged in through the login form."""

    def __init__(self, base, username, password, tally):
        self.base, self.tally = base, tally
        self.session = requests.Session()
        login = self.get("login", "/admin/login/")
        response = self.session.post(
            f"{base}/admin/login/?next=/admin/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token(login.text)},
            allow_redirects=False,
            timeout=120,
        )
        if response.status_code != 302:
            raise DeskError(f"{username} could not log in ({response.status_code}).")

    def get(self, kind, path, **params):
        response = self.session.get(
            self.base + path, params=params or None, allow_redirects=False, timeout=120
        )
        self.tally.seen(kind, response)
        return response

    def post(self, kind, path, data):
        response = self.session.post(self.base + path, data, allow_redirects=False, timeout=120)
        self.tally.seen(kind, response)
        return response

    def suggestions(self, n):
        query = AUTOCOMPLETE[n % len(AUTOCOMPLETE)]
        return self.get("autocomplete", "/admin/autocomplete/", term=TERMS[n % len(TERMS)], **query)


def saver(staff, client, count, facts, tally):
    """`count` saves in turn: release (with inline rows), official, change, published release."""
    add_release = "/admin/releases/release/add/"
    add_official = "/admin/people/official/add/"
    release_form = form_data(staff.get("form", add_release).text, "release_form")
    official_form = form_data(staff.get("form", add_official).text, "official_form")
    last_release = None
    for n in range(count):
        staff.suggestions(n)
        staff.suggestions(n + 1)
        step = n % 4
        name = f"desk c{client} n{n}"
        if step in (0, 3):
            slug = f"desk-c{client}-n{n}"
            data = {
                **release_form,
                "title_ja": f"{name} 会談",
                "title_en": f"{name} meeting",
                "lead_ja": "鉱物資源の協力について話し合った。",
                "slug": slug,
                "issuer": str(facts["issuer"]),
                "countries": [str(facts["country"])],
                "sections-TOTAL_FORMS": "1",
                "sections-0-heading_ja": f"{name} 概要",
                "sections-0-body_ja": "<p>両国は重要鉱物の供給について協議した。</p>",
                "sections-0-order": "0",
                "meetings-TOTAL_FORMS": "1",
                "meetings-0-date": "2025-12-19",
                "meetings-0-kind": "bilateral",
                "meetings-0-country": str(facts["country"]),
                "meetings-0-title_ja": f"{name} 大臣会談",
                "meetings-0-officials": [str(facts["official"])],
                "meetings-0-order": "0",
            }
            # "Save and continue editing": the answer names the new release's change page.
            data["_publish" if step == 3 else "_continue"] = "1"
            response = staff.post("save", add_release, data)
            ok = response.status_code == 302 and "/login/" not in response.headers["Location"]
            tally.save(ok, f"add release {slug}", response, ("release", slug))
            if ok and step == 0:
                last_release = (slug, urlsplit(response.headers["Location"]).path)
        elif step == 1:
            slug = f"desk-official-c{client}-n{n}"
            data = {
                **official_form,
                "name_ja": f"{name} 大臣",
                "name_en": f"Minister {name}",
                "slug": slug,
                "country": str(facts["country"]),
                "posts-TOTAL_FORMS": "1",
                "posts-0-title_ja": "鉱業大臣",
                "posts-0-title_en": "Minister of Mining",
                "posts-0-organization": str(facts["organization"]),
                "posts-0-start_date": "2024-01-01",
            }
            response = staff.post("save", add_official, data)
            ok = response.status_code == 302 and "/login/" not in response.headers["Location"]
            tally.save(ok, f"add official {slug}", response, ("official", slug))
        else:
            if last_release is None:
                tally.save(False, "change: no release of this client to change")
                continue
            slug, change = last_release
            data = form_data(staff.get("form", change).text, "release_form")
            data["title_en"] = f"{name} meeting (changed)"
            response = staff.post("save", change, data)
            ok = response.status_code == 302 and "/login/" not in response.headers["Location"]
            tally.save(ok, f"change release {slug}", response)


def autocompleter(staff, done, tally):
    for n in itertools.count():
        if done.is_set():
            return
        response = staff.suggestions(n)
        if response.status_code != 200:
            tally.server_errors.append(f"autocomplete answered {response.status_code}")


def visitor(base, slug, done, tally):
    pages = ["/ja/", "/ja/releases/", "/en/releases/", f"/ja/releases/{slug}/"]
    pages += ["/ja/releases/?q=desk", "/en/countries/", "/api/releases/?lang=en"]
    session = requests.Session()
    for path in itertools.cycle(pages):
        if done.is_set():
            return
        response = session.get(base + path, timeout=120, allow_redirects=False)
        tally.seen("public", response)
        if response.status_code != 200:
            with tally.lock:
                tally.server_errors.append(f"{response.status_code} public {path}")


# Run in the site's shell after set-up: the users and what the forms point at.
SET_UP = """
import json, os
from django.contrib.auth import get_user_model
from django.utils import timezone
from alerts.models import Subscription
from people.models import Country, Official, Organization
from releases.models import Release
User = get_user_model()
for n in range(int(os.environ["DESK_USERS"])):
    User.objects.create_superuser(f"desk-{n}", f"desk-{n}@example.org", os.environ["DESK_PASSWORD"])
Subscription.objects.create(
    email="reader@example.org", language="en", confirmed_at=timezone.now()
)
print(json.dumps({
    "issuer": Organization.objects.get(slug=os.environ["PRESSROOM_ISSUER"]).pk,
    "organization": Organization.objects.order_by("pk").first().pk,
    "country": Country.objects.get(code="KZ").pk,
    "official": Official.objects.order_by("pk").first().pk,
    "release": Release.objects.published().order_by("pk").first().slug,
}))
"""

# Run in the site's shell afterwards: every desk row, how many times, with its inline rows.
COUNT = """
import json
from django.db.models import Count
from people.models import Official
from releases.models import Release
releases = Release.objects.filter(slug__startswith="desk-").annotate(
    n_sections=Count("sections", distinct=True), n_meetings=Count("meetings", distinct=True)
)
officials = Official.objects.filter(slug__startswith="desk-official-").annotate(
    n_posts=Count("posts")
)
print(json.dumps({
    "releases": [[r.slug, r.n_sections, r.n_meetings] for r in releases],
    "officials": [[o.slug, o.n_posts] for o in officials],
    "titles_twice": list(
        Release.objects.filter(slug__startswith="desk-").values("title_ja")
        .annotate(n=Count("pk")).filter(n__gt=1).values_list("title_ja", flat=True)
    ),
}))
"""


def manage(args, env, label):
    result = subprocess.run(  # noqa: S603 -- our own manage.py with fixed arguments
        [str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise DeskError(f"{label} failed:\n{result.stdout}{result.stderr}")
    return result.stdout.strip()


def postgres_database(url):
    """A fresh database beside BENCH_DATABASE_URL's: its URL, and how to drop it."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_desk"
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise DeskError(f"Unexpected database name {name!r}.")
    admin = urlunsplit(parts._replace(path="/postgres"))

    def drop():
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), drop


def site_environment(workdir, database_url, production):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "BENCH_")) and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0" if production else "1",
        DJANGO_DEVDATA="1",  # load_demo
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_MEDIA_ROOT=str(workdir / "media"),
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        PYTHONUNBUFFERED="1",
    )
    if production:
        env.update(
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            # Plain http on loopback: no redirect to https, cookies that travel over http.
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_SECURE_COOKIES="0",
            # Its staff log in with a password alone, as a script (no authenticator app), as
            # `make bench`'s publisher does.
            DJANGO_REQUIRE_2FA="0",
        )
    return env


def start(command, env, log):
    return subprocess.Popen(  # noqa: S603 -- our interpreter or gunicorn, fixed arguments
        command,
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def desk_round(label, production, saves, clients, workers, database_url=None):
    """One round on a fresh site; returns its Result (raises DeskError if the site won't run)."""
    workdir = Path(tempfile.mkdtemp(prefix="pressroom-desk-"))
    drop = None
    processes = []
    try:
        if database_url:
            database_url, drop = postgres_database(database_url)
        else:
            database_url = f"sqlite:///{workdir / 'desk.sqlite3'}"
        env = site_environment(workdir, database_url, production)
        manage(["migrate", "--noinput"], env, "migrate")
        if production:
            manage(["collectstatic", "--noinput"], env, "collectstatic")
        manage(["load_demo"], env, "load_demo")
        password = secrets.token_urlsafe(16)
        facts = json.loads(
            manage(
                ["shell", "--verbosity=0", "-c", SET_UP],
                {
                    **env,
                    "DESK_USERS": str(clients + 1),
                    "DESK_PASSWORD": password,
                    "PRESSROOM_ISSUER": "jogmec",
                },
                "set-up",
            ).splitlines()[-1]
        )
        port = free_port()
        if production:
            command = [str(PYTHON.parent / "gunicorn"), "config.wsgi:application"]
            command += [f"--bind={HOST}:{port}", f"--workers={workers}", "--timeout=120"]
        else:
            command = [str(PYTHON), "manage.py", "runserver", f"{HOST}:{port}", "--noreload"]
        server_log, worker_log = workdir / "server.log", workdir / "worker.log"
        processes.append(start(command, env, server_log))
        worker = [str(PYTHON), "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
        processes.append(start(worker, env, worker_log))
        base = f"http://{HOST}:{port}"
        wait_for(f"{base}/robots.txt")

        tally = Tally()
        staff = [Staff(base, f"desk-{n}", password, tally) for n in range(clients + 1)]
        done = threading.Event()
        share = [saves // clients + (1 if n < saves % clients else 0) for n in range(clients)]
        savers = [
            threading.Thread(target=saver, args=(staff[n], n, share[n], facts, tally))
            for n in range(clients)
        ]
        others = [
            threading.Thread(target=autocompleter, args=(staff[clients], done, tally)),
            threading.Thread(target=visitor, args=(base, facts["release"], done, tally)),
        ]
        started = time.perf_counter()
        for thread in savers + others:
            thread.start()
        for thread in savers:
            thread.join()
        done.set()
        for thread in others:
            thread.join()
        seconds = time.perf_counter() - started
        time.sleep(2)  # the worker sends the last alerts

        counted = json.loads(
            manage(["shell", "--verbosity=0", "-c", COUNT], env, "count").splitlines()[-1]
        )
        duplicates = [f"release title {t}" for t in counted["titles_twice"]]
        for slug, sections, meetings in counted["releases"]:
            if (sections, meetings) != (1, 1):
                duplicates.append(f"{slug}: {sections} sections, {meetings} meetings")
        for slug, posts in counted["officials"]:
            if posts != 1:
                duplicates.append(f"{slug}: {posts} posts")
        in_database = {slug for slug, *_ in counted["releases"] + counted["officials"]}
        saved = set(tally.added["release"] + tally.added["official"])
        missing = sorted(saved - in_database)
        # A row no successful save wrote is half a failed save.
        duplicates += [f"{slug}: written by a save that failed" for slug in in_database - saved]
        for process in processes:
            stop(process)
        locked = [
            line
            for log in (server_log, worker_log)
            for line in log.read_text(errors="replace").splitlines()
            if LOCKED in line
        ]
        vendor = "SQLite" if database_url.startswith("sqlite") else "PostgreSQL"
        return Result(label, vendor, saves, clients, tally, locked, duplicates, missing, seconds)
    finally:
        for process in processes:
            stop(process)
        if drop:
            drop()
        if os.environ.get("BENCH_KEEP") == "1":
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def main():
    saves = setting("BENCH_DESK_SAVES", 1000)
    clients = setting("BENCH_DESK_CLIENTS", 4)
    workers = setting("BENCH_DESK_WORKERS", 4)
    rounds = setting("BENCH_DESK_ROUNDS", "run,production").split(",")
    database_url = setting("BENCH_DATABASE_URL", "")
    if database_url and not database_url.startswith(("postgres://", "postgresql://")):
        print("BENCH_DATABASE_URL must be a postgres:// URL.", file=sys.stderr)
        return 2
    plans = {
        "run": ("make run: runserver, DEBUG on, task worker", False),
        "production": (f"production: gunicorn × {workers}, DEBUG off, task worker", True),
    }
    results = []
    try:
        for name in rounds:
            label, production = plans[name.strip()]
            print(f"{label}: {saves:,} saves from {clients} staff clients...", flush=True)
            result = desk_round(label, production, saves, clients, workers, database_url)
            print("\n".join(result.lines()), flush=True)
            results.append(result)
    except (DeskError, KeyError) as error:
        print(f"\nDESK BENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    if not all(result.ok for result in results):
        print("\nDESK BENCHMARK FAILED: see above.", file=sys.stderr)
        return 1
    print("\nNo save failed, no 5xx, no lock error, nothing written twice.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
