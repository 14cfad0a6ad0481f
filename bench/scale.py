"""Does each page keep its speed as the archive grows? Compare 1,000 with 100,000 releases.

`make bench-scale` runs this. For SQLite, and for PostgreSQL when one answers at
SCALE_POSTGRES_URL, it builds a site with SCALE_SMALL and one with SCALE_LARGE generated
releases (throwaway databases: SQLite files under bench/results/scale/, PostgreSQL databases
named pressroom_scale_*), then requests each page in-process through Django's test client with
DEBUG off and the page cache off, and reports the median time per page, the ratio of the large
site's median to the small one's, and whether it is within SCALE_LIMIT (1.5). The table is
printed and written to bench/results/scale-sqlite.md and scale-postgresql.md.

Generating 100,000 releases takes minutes, so generated databases are kept in
bench/results/scale/ (ignored by git) and reused while the code that shapes them (migrations,
the generator, the search text) is unchanged; SCALE_FRESH=1 rebuilds them.

Settings, all optional (environment variables):
  SCALE_SMALL          releases in the small site (1000)
  SCALE_LARGE          releases in the large site (100000)
  SCALE_REPEAT         timed requests per page and round, after two untimed ones (9)
  SCALE_ROUNDS         rounds, the small and the large site in turn (3)
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
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
RESULTS = ROOT / "bench" / "results"
STORE = RESULTS / "scale"
SECRET_KEY = secrets.token_urlsafe(50)

# (label, path, limit): limit is None for the ratio rule of SCALE_LIMIT, or a p50 in ms that
# the large PostgreSQL site must stay under.
PAGES = [
    ("List, page 1", "/en/releases/", None),
    ("List, page 40", "/en/releases/?page=40", None),
    ("Country filter (KZ)", "/en/releases/?country=KZ", None),
    ("Country page (KZ)", "/en/countries/kz/", None),
    ("Search (lithium)", "/en/releases/?q=lithium", None),
    ("Search, one character (銅)", "/ja/releases/?q=銅", 50),
    ("Search, two characters (会談)", "/ja/releases/?q=会談", 50),
]


def setting(name, default):
    value = os.environ.get(name, "").strip()
    return type(default)(value) if value else default


def fingerprint():
    """What generated data depends on: when one of these changes, the stored sites are stale."""
    digest = hashlib.sha256()
    sources = [
        *sorted((ROOT / "releases" / "migrations").glob("*.py")),
        *sorted((ROOT / "directory" / "migrations").glob("*.py")),
        ROOT / "devdata" / "synthetic.py",
        ROOT / "releases" / "search.py",
    ]
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def site_env(database_url):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        DJANGO_PAGE_CACHE="0",  # every page rendered (aggregates may still come from the cache)
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
        return url, done.read_text()
    STORE.mkdir(parents=True, exist_ok=True)
    for stale in STORE.glob(f"{vendor}-{count}-*"):
        stale.unlink()
    if vendor == "sqlite":
        path.unlink(missing_ok=True)
    else:
        pattern = f"pressroom_scale_{count}_%"
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


def measure(database_url, repeat):
    """Run in a child process (one Django per database): median ms per page, as JSON."""
    env = site_env(database_url)
    code = (
        "import json, statistics, sys, time, django\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        "from django.test import Client\n"
        "from releases.models import Release\n"
        "assert not settings.DEBUG\n"
        "client = Client()\n"
        "pages, repeat = json.loads(sys.argv[1]), int(sys.argv[2])\n"
        "out = {'public': Release.objects.published().count(), 'pages': {}}\n"
        "for path in pages:\n"
        "    times = []\n"
        "    for i in range(repeat + 2):\n"
        "        started = time.perf_counter()\n"
        "        response = client.get(path)\n"
        "        elapsed = (time.perf_counter() - started) * 1000\n"
        "        assert response.status_code == 200, (path, response.status_code)\n"
        "        if i >= 2:\n"
        "            times.append(elapsed)\n"
        "    out['pages'][path] = statistics.median(times)\n"
        "print(json.dumps(out))\n"
    )
    paths = json.dumps([path for _label, path, _limit in PAGES])
    result = subprocess.run(  # noqa: S603 -- our own code, fixed arguments
        [str(PYTHON), "-c", code, paths, str(repeat)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"Measuring {database_url} failed:\n{result.stdout}{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def git_commit():
    command = ["git", "rev-parse", "--short", "HEAD"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)  # noqa: S603, S607
    return result.stdout.strip() or "unknown"


def report(vendor, small, large, notes, limit, repeat):
    title = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[vendor]
    lines = [
        f"**{title}**: {small['count']:,} and {large['count']:,} generated releases "
        f"({small['public']:,} and {large['public']:,} public; {notes}). In-process (Django "
        f"test client), DEBUG off, page cache off; each page requested {repeat} times after two "
        f"untimed requests, in rounds taken in turn by the two sites, the median of the rounds' "
        f"medians. Machine: {os.cpu_count()} CPUs, CPython {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f}; commit {git_commit()}, "
        f"{datetime.date.today().isoformat()}.",
        "",
        f"| Page | URL | {small['count']:,} (ms) | {large['count']:,} (ms) | ratio | within |",
        "|---|---|---:|---:|---:|---|",
    ]
    failures = []
    for label, path, p50_limit in PAGES:
        a, b = small["pages"][path], large["pages"][path]
        ratio = b / a if a else float("inf")
        if p50_limit is not None and vendor == "postgresql":
            ok, rule = b < p50_limit, f"{p50_limit} ms"
        else:
            ok, rule = ratio <= limit, f"{limit}×"
        if not ok:
            failures.append(label)
        lines.append(
            f"| {label} | `{path}` | {a:.0f} | {b:.0f} | {ratio:.2f}× | "
            f"{'yes' if ok else 'NO'} ({rule}) |"
        )
    lines += ["", "Reproduce: `make bench-scale`", ""]
    return "\n".join(lines), failures


def main():
    small_n, large_n = setting("SCALE_SMALL", 1000), setting("SCALE_LARGE", 100000)
    repeat, limit = setting("SCALE_REPEAT", 9), setting("SCALE_LIMIT", 1.5)
    rounds_n = setting("SCALE_ROUNDS", 3)
    seed, fresh = setting("SCALE_SEED", 1), setting("SCALE_FRESH", 0) == 1
    vendors = setting("SCALE_DATABASES", "sqlite,postgresql").split(",")
    failures = []
    STORE.mkdir(parents=True, exist_ok=True)
    manage(site_env("sqlite://:memory:"), "collectstatic", "--noinput", "-v0")
    for vendor in [v.strip() for v in vendors if v.strip()]:
        sites, notes = {}, []
        for count in (small_n, large_n):
            print(f"{vendor}: a site with {count:,} releases…", flush=True)
            sites[count], note = build(vendor, count, seed, fresh)
            notes.append(f"{count:,} {note}")
        # Small and large take turns, so that the machine's drift (threefold on a shared one)
        # falls on both alike; each page's figure is the median of its rounds' medians.
        rounds = {count: [] for count in sites}
        for n in range(rounds_n):
            print(f"{vendor}: round {n + 1} of {rounds_n}…", flush=True)
            for count, url in sites.items():
                rounds[count].append(measure(url, repeat))
        measured = {
            count: {
                "count": count,
                "public": runs[0]["public"],
                "pages": {
                    path: statistics.median(run["pages"][path] for run in runs)
                    for path in runs[0]["pages"]
                },
            }
            for count, runs in rounds.items()
        }
        table, failed = report(
            vendor, measured[small_n], measured[large_n], "; ".join(notes), limit, repeat
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
