"""Does each page keep its speed as the archive grows? Compare 1,000 with 100,000 releases.

`make bench-scale` runs this. For SQLite, and for PostgreSQL when one answers at
SCALE_POSTGRES_URL, it builds a site with SCALE_SMALL and one with SCALE_LARGE generated
releases (throwaway databases: SQLite files under bench/results/scale/, PostgreSQL databases
named pressroom_scale_*), then requests each page in-process through Django's test client with
DEBUG off and, by default, no cache at all (Django's DummyCache, DJANGO_CACHE=dummy: every
request made from scratch, as just after a change). Each round measures a site in a fresh
process, started as a server starts (config/wsgi.py: Django set up, what is loaded frozen out
of the garbage collector's walks), which first requests one unrelated page (/en/events/: the
URL configuration and the base template loaded), then:

- each page's *first* request, then SCALE_REPEAT more (after one untimed), whose median is the
  page's *repeated* figure;
- the *first search* for words nobody searched before: SCALE_WORDS, a different share of them in
  each round (so no word is searched twice on a site), English ones on /en/, Japanese ones on
  /ja/, each requested once.

Each first request and first search is timed once, so Python's full garbage collection, which
comes every few dozen requests and takes 30-140 ms here whatever the archive's size, is made
just before it (`gc.collect()`): one landing in a first request charged it the earlier pages'
garbage (the agreements register's first request at 100,000 releases on PostgreSQL: 212 ms, of
which 108 ms the collection).

It reports, per page, the median of the rounds for the small and the large site, the ratio of
the large to the small, and whether both ratios (first and repeated) are within SCALE_LIMIT
(1.5); the one- and two-character Japanese searches must also stay under 50 ms on the large
PostgreSQL site. The table is printed and written to bench/results/scale-sqlite.md and
scale-postgresql.md.

Generating 100,000 releases takes minutes, so generated databases are kept in
bench/results/scale/ (ignored by git) and reused while the code that shapes them (the
generator, the search text) is unchanged; a reused site is migrated first (new migrations
apply to its rows, as on a live site). SCALE_FRESH=1 rebuilds them.

Settings, all optional (environment variables):
  SCALE_SMALL          releases in the small site (1000)
  SCALE_LARGE          releases in the large site (100000)
  SCALE_CACHE          none: no cache at all (DummyCache); local: the page cache off, what a
                       page takes from `get_or_set` kept in the process's memory (none)
  SCALE_REPEAT         timed requests per page and round after the first and one untimed (9)
  SCALE_ROUNDS         rounds, the small and the large site in turn (3)
  SCALE_WORDS          comma-separated words for the first searches (copper, survey, minister,
                       ... and 調査, 大臣, 鉱山, 協力, ...: see WORDS)
  SCALE_DATABASES      which databases: sqlite, postgresql or both (sqlite,postgresql)
  SCALE_POSTGRES_URL   the server for the PostgreSQL sites (postgres://postgres@127.0.0.1:5432/)
  SCALE_LIMIT          the largest acceptable ratio (1.5)
  SCALE_FRESH          1 rebuilds the generated databases
  SCALE_SEED           seed for the generated data (1)
"""

import datetime
import hashlib
import json
import os
import platform
import re
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from servers import setting  # bench/ is on the path: this file runs as a script

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
RESULTS = ROOT / "bench" / "results"
STORE = RESULTS / "scale"
SECRET_KEY = secrets.token_urlsafe(50)

# The generated official who signs the most agreements and attends the most meetings: their
# page grows with the archive.
BUSIEST_OFFICIAL = "synthetic-p-jp-0004-hiroshi-yoshida"

# (label, path, limit): limit is None for the ratio rule of SCALE_LIMIT, or a p50 in ms that
# the large PostgreSQL site must stay under.
PAGES = [
    ("List, page 1", "/en/releases/", None),
    ("List, page 40", "/en/releases/?page=40", None),
    ("Country filter (KZ)", "/en/releases/?country=KZ", None),
    ("Country page (KZ)", "/en/countries/kz/", None),
    ("Release page (2016)", "/en/releases/synthetic-r0000500-tj-tungsten/", None),
    ("Official page (the most agreements)", f"/en/officials/{BUSIEST_OFFICIAL}/", None),
    ("Agreements register", "/en/agreements/", None),
    ("Search (lithium)", "/en/releases/?q=lithium", None),
    ("Search, one character (銅)", "/ja/releases/?q=銅", 50),
    ("Search, two characters (会談)", "/ja/releases/?q=会談", 50),
]


# Words for the first searches: some the generated releases hold, some they do not.
WORDS = (
    "copper,survey,minister,cooperation,exploration,hydrogen,nickel,graphite,investment,"
    "uranium,offshore,smelter,opec,調査,大臣,鉱山,協力,探鉱,水素,投資,契約,開発,鉛筆"
)
WARM_UP = "/en/events/"
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def fingerprint():
    """What generated data depends on: when one of these changes, the stored sites are stale.
    Migrations are not among them: a stored site is migrated forward when it is reused, as a
    live site is (a new index is built over the rows already there)."""
    digest = hashlib.sha256()
    sources = [
        ROOT / "devdata" / "synthetic.py",
        ROOT / "releases" / "search.py",
        ROOT / "releases" / "grams.py",
    ]
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def site_env(database_url, cache="none"):
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_CACHE="dummy" if cache == "none" else "",
        DJANGO_DEBUG="0",
        DJANGO_PAGE_CACHE="0",  # every page rendered
        DJANGO_DEVDATA="1",  # generate_releases
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_STATIC_ROOT=str(STORE / "static"),  # DEBUG off serves the hashed static files
    )
    return env


def manage(env, *args):
    result = subprocess.run(  # noqa: S603 -- our own manage.py with fixed arguments
        [str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def postgres(server, statement, params=()):
    import psycopg

    with psycopg.connect(urlunsplit(server._replace(path="/postgres")), autocommit=True) as db:
        cursor = db.execute(statement, params)
        return cursor.fetchall() if statement.startswith("SELECT") else None


def build(vendor, count, seed, fresh):
    """The database URL of a site with `count` generated releases, built if need be."""
    key = f"{vendor}-{count}-{seed}-{fingerprint()}"
    done = STORE / f"{key}.done"
    if vendor == "sqlite":
        path = STORE / f"{key}.sqlite3"
        url = f"sqlite:///{path}"
    else:
        server = urlsplit(setting("SCALE_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/"))
        name = f"pressroom_scale_{count}_{key.rsplit('-', 1)[1]}"
        url = urlunsplit(server._replace(path=f"/{name}"))
    if done.exists() and not fresh:
        manage(site_env(url), "migrate", "--noinput", "-v0")
        # What the next change does on a live site: the archive counts' cutoff moves to now,
        # and what was counted past it is recounted (releases.archive).
        recount = "from releases.archive import refresh_archive_counts\nrefresh_archive_counts([])"
        manage(site_env(url), "shell", "-c", recount)
        return url, done.read_text()
    STORE.mkdir(parents=True, exist_ok=True)
    for stale in STORE.glob(f"{vendor}-{count}-*"):
        stale.unlink()
    if vendor == "sqlite":
        path.unlink(missing_ok=True)
    else:
        # Underscores escaped: in LIKE, "_" is any character ("..._10000_%" would match 100000).
        pattern = f"pressroom\\_scale\\_{count}\\_%"
        for (old,) in postgres(
            server, "SELECT datname FROM pg_database WHERE datname LIKE %s", [pattern]
        ):
            postgres(server, f'DROP DATABASE "{old}"')
        postgres(server, f'CREATE DATABASE "{name}"')
    env = site_env(url)
    started = time.perf_counter()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "generate_releases", str(count), "--seed", str(seed), "--force")
    note = f"generated in {time.perf_counter() - started:.0f} s"
    if vendor == "postgresql":
        # What autovacuum does on a live site: visibility map, statistics, GIN pending lists.
        manage(
            env,
            "shell",
            "-c",
            "from django.db import connection\nconnection.cursor().execute('VACUUM ANALYZE')",
        )
    done.write_text(note)
    return url, note


def measure(database_url, cache, repeat, words):
    """Run in a child process (a fresh Django for each site and round): per page the first
    request's ms and the median ms of the repeats, and per word its first search's ms, as
    JSON."""
    env = site_env(database_url, cache)
    code = (
        "import gc, json, statistics, sys, time\n"
        # As a server starts: Django set up, then what is loaded frozen (config/wsgi.py).
        "from config.wsgi import application\n"
        "from django.conf import settings\n"
        "from django.test import Client\n"
        "from releases.models import Release\n"
        "assert not settings.DEBUG\n"
        "client = Client()\n"
        "pages, repeat, searches = json.loads(sys.argv[1]), int(sys.argv[2]), "
        "json.loads(sys.argv[3])\n"
        "out = {'public': Release.objects.published().count(), 'pages': {}, 'first': {}, "
        "'searches': {}}\n"
        "def timed(path):\n"
        "    started = time.perf_counter()\n"
        "    response = client.get(path)\n"
        "    elapsed = (time.perf_counter() - started) * 1000\n"
        "    assert response.status_code == 200, (path, response.status_code)\n"
        "    return elapsed\n"
        # A first request is timed once: the full collection that the earlier pages' garbage
        # owes (30-140 ms, whatever the archive's size) is made before it, not charged to it.
        "def first(path):\n"
        "    gc.collect()\n"
        "    return timed(path)\n"
        f"timed({WARM_UP!r})\n"
        "for path in pages:\n"
        "    out['first'][path] = first(path)\n"
        "    timed(path)\n"
        "    out['pages'][path] = statistics.median(timed(path) for _ in range(repeat))\n"
        "for path in searches:\n"
        "    out['searches'][path] = first(path)\n"
        "print(json.dumps(out))\n"
    )
    paths = json.dumps([path for _label, path, _limit in PAGES])
    searches = json.dumps([search_path(word) for word in words])
    result = subprocess.run(  # noqa: S603 -- our own code, fixed arguments
        [str(PYTHON), "-c", code, paths, str(repeat), searches],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"Measuring {database_url} failed:\n{result.stdout}{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def search_path(word):
    language = "ja" if JAPANESE.search(word) else "en"
    return f"/{language}/releases/?{urlencode({'q': word})}"


def word_groups(words):
    """The first-search rows: (label, an address to show, the words' paths), English and
    Japanese apart."""
    groups = []
    for label, language in (("an English", "en"), ("a Japanese", "ja")):
        chosen = [w for w in words if search_path(w).startswith(f"/{language}/")]
        if chosen:
            shown = ", ".join(chosen[:3]) + (", …" if len(chosen) > 3 else "")
            groups.append(
                (
                    f"First search, {label} word not searched before ({shown}; "
                    f"{len(chosen)} words)",
                    f"/{language}/releases/?q={chosen[0]}",
                    [search_path(w) for w in chosen],
                )
            )
    return groups


def git_commit():
    command = ["git", "rev-parse", "--short", "HEAD"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)  # noqa: S603, S607
    return result.stdout.strip() or "unknown"


def report(vendor, small, large, context):
    title = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[vendor]
    limit, repeat = context["limit"], context["repeat"]
    cache = (
        "no cache at all (DummyCache)"
        if context["cache"] == "none"
        else "page cache off, the rest of the cache in local memory"
    )
    lines = [
        f"**{title}**: {small['count']:,} and {large['count']:,} generated releases "
        f"({small['public']:,} and {large['public']:,} public; {context['notes']}). In-process "
        f"(Django test client), DEBUG off, {cache}; in each of {context['rounds']} rounds, "
        f"taken in turn by the two sites, a fresh process started as a server starts "
        f"(config/wsgi.py) requests {WARM_UP} once, then each page: its first request, then "
        f"{repeat} more after an untimed one (their median), then the first searches for words "
        f"not searched before; a full garbage collection is made before each first request and "
        f"each first search, which are timed once. Figures: the median of the rounds "
        f"(a first search: the median of its words, and the slowest word). Machine: "
        f"{os.cpu_count()} CPUs, CPython "
        f"{platform.python_version()}, load average {context['load']} (before, after); commit "
        f"{git_commit()}, {datetime.date.today().isoformat()}.",
        "",
        f"| Page | URL | first, {small['count']:,} (ms) | first, {large['count']:,} (ms) | "
        f"ratio | repeated, {small['count']:,} (ms) | repeated, {large['count']:,} (ms) | "
        f"ratio | within |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    failures = []

    def ratio(a, b):
        return b / a if a else float("inf")

    for label, path, p50_limit in PAGES:
        first = small["first"][path], large["first"][path]
        repeated = small["pages"][path], large["pages"][path]
        ok = ratio(*first) <= limit and ratio(*repeated) <= limit
        rule = f"{limit}×"
        if p50_limit is not None and vendor == "postgresql":
            ok, rule = repeated[1] < p50_limit, f"{p50_limit} ms"
        if not ok:
            failures.append(label)
        lines.append(
            f"| {label} | `{path}` | {first[0]:.0f} | {first[1]:.0f} | {ratio(*first):.2f}× | "
            f"{repeated[0]:.0f} | {repeated[1]:.0f} | {ratio(*repeated):.2f}× | "
            f"{'yes' if ok else 'NO'} ({rule}) |"
        )
    for label, shown, paths in word_groups(context["words"]):
        # The median of the words, and the slowest word: a median hides one word in ten that
        # takes seconds.
        a, b = ([site["searches"][path] for path in paths] for site in (small, large))
        medians, slowest = (statistics.median(a), statistics.median(b)), (max(a), max(b))
        ok = ratio(*medians) <= limit and ratio(*slowest) <= limit
        if not ok:
            failures.append(label)
        lines.append(
            f"| {label} | `{shown}` … | {medians[0]:.0f} (slowest {slowest[0]:.0f}) | "
            f"{medians[1]:.0f} (slowest {slowest[1]:.0f}) | {ratio(*medians):.2f}× "
            f"(slowest {ratio(*slowest):.2f}×) | — | — | — | {'yes' if ok else 'NO'} ({limit}×) |"
        )
    lines += ["", f"Reproduce: `{context['command']}`", ""]
    return "\n".join(lines), failures


def reproduce_command():
    given = [
        f"{name}={os.environ[name]}"
        for name in sorted(os.environ)
        if name.startswith("SCALE_") and os.environ[name].strip()
    ]
    return " ".join(["make bench-scale", *given])


def main():
    small_n, large_n = setting("SCALE_SMALL", 1000), setting("SCALE_LARGE", 100000)
    repeat, limit = setting("SCALE_REPEAT", 9), setting("SCALE_LIMIT", 1.5)
    rounds_n = setting("SCALE_ROUNDS", 3)
    seed, fresh = setting("SCALE_SEED", 1), setting("SCALE_FRESH", 0) == 1
    cache = setting("SCALE_CACHE", "none")
    words = [w.strip() for w in setting("SCALE_WORDS", WORDS).split(",") if w.strip()]
    vendors = setting("SCALE_DATABASES", "sqlite,postgresql").split(",")
    if cache not in ("none", "local"):
        sys.exit("SCALE_CACHE is none or local.")
    failures = []
    STORE.mkdir(parents=True, exist_ok=True)
    manage(site_env("sqlite://:memory:"), "collectstatic", "--noinput", "-v0")
    for vendor in [v.strip() for v in vendors if v.strip()]:
        sites, notes = {}, []
        for count in (small_n, large_n):
            print(f"{vendor}: a site with {count:,} releases…", flush=True)
            sites[count], note = build(vendor, count, seed, fresh)
            notes.append(f"{count:,} {note}")
        load = os.getloadavg()[0]
        # Small and large take turns, so that the machine's drift (threefold on a shared one)
        # falls on both alike; each page's figure is the median of its rounds. Each round
        # searches its own share of the words, on both sites.
        rounds = {count: [] for count in sites}
        for n in range(rounds_n):
            print(f"{vendor}: round {n + 1} of {rounds_n}…", flush=True)
            for count, url in sites.items():
                rounds[count].append(measure(url, cache, repeat, words[n::rounds_n]))
        measured = {
            count: {
                "count": count,
                "public": runs[0]["public"],
                **{
                    kind: {
                        path: statistics.median(run[kind][path] for run in runs)
                        for path in runs[0][kind]
                    }
                    for kind in ("pages", "first")
                },
                "searches": {path: ms for run in runs for path, ms in run["searches"].items()},
            }
            for count, runs in rounds.items()
        }
        table, failed = report(
            vendor,
            measured[small_n],
            measured[large_n],
            {
                "notes": "; ".join(notes),
                "limit": limit,
                "repeat": repeat,
                "rounds": rounds_n,
                "cache": cache,
                "words": words,
                "load": f"{load:.1f}, {os.getloadavg()[0]:.1f}",
                "command": reproduce_command(),
            },
        )
        print(table)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"scale-{vendor}.md").write_text(table)
        failures += [f"{vendor}: {label}" for label in failed]
    if failures:
        print("Outside the limits: " + ", ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
