"""Benchmark the public site as production runs it: gunicorn, DEBUG off, over generated data.

`make bench` runs this script. It builds a throwaway site in a temporary folder (its own SQLite
database, static files and media), writes BENCH_RELEASES synthetic releases with
`generate_releases`, serves the site with gunicorn on 127.0.0.1, then sends each page a bounded
number of requests from a few client threads and prints requests per second and p50/p99
latency as a Markdown table, also written to bench/results/latest.md (and latest-sqlite.md or
latest-postgresql.md). Any page that answers other than 200 fails the run.

Settings, all optional (environment variables):
  BENCH_RELEASES      releases to generate (10000)
  BENCH_DATABASE_URL  a PostgreSQL database to use instead of the throwaway SQLite file; it is
                      migrated and its synthetic rows are replaced (other rows are left alone)
  BENCH_WORKERS       gunicorn sync workers (2)
  BENCH_CONCURRENCY   client threads (4)
  BENCH_REQUESTS      at most this many requests per page (1000)
  BENCH_SECONDS       and at most this many seconds per page (15)
  BENCH_PORT          port on 127.0.0.1 (8110)
  BENCH_SEED          seed for the generated data (1)
  BENCH_KEEP          1 keeps the temporary folder for a look afterwards
"""

import datetime
import http.client
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
RESULTS = ROOT / "bench" / "results" / "latest.md"
HOST = "127.0.0.1"
SETTINGS = (
    "BENCH_RELEASES",
    "BENCH_DATABASE_URL",
    "BENCH_WORKERS",
    "BENCH_CONCURRENCY",
    "BENCH_REQUESTS",
    "BENCH_SECONDS",
    "BENCH_PORT",
    "BENCH_SEED",
)


class BenchError(Exception):
    pass


def setting(name, default):
    value = os.environ.get(name, "").strip()
    return type(default)(value) if value else default


@dataclass
class Target:
    label: str
    path: str


@dataclass
class Measurement:
    target: Target
    latencies: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    seconds: float = 0.0
    size: int = 0

    def percentile(self, p):
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

    @property
    def rate(self):
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def redact(url):
    """The database URL without its password, fit to print."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def run(args, env, label):
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 -- our own manage.py with fixed arguments
        [str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise BenchError(f"{label} failed:\n{result.stdout}{result.stderr}")
    return result.stdout.strip(), time.perf_counter() - started


def ensure_postgres_database(url):
    """Create the benchmark's PostgreSQL database if it does not exist yet."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise BenchError(f"Unexpected database name {name!r} in BENCH_DATABASE_URL.")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def site_environment(workdir, database_url):
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_DEVDATA="1",  # generate_releases
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        DJANGO_MEDIA_ROOT=str(workdir / "media"),
        DATABASE_URL=database_url,
        PYTHONUNBUFFERED="1",
    )
    return env


def choose_targets(env):
    """Analyse the database; the pages to measure (the release is a recent one with several
    meetings)."""
    os.environ.update({k: v for k, v in env.items() if k.startswith(("DJANGO_", "DATABASE_"))})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from releases.models import Release

    # A production database has planner statistics; a freshly bulk-loaded one has none yet.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    public = Release.objects.published()
    count = public.count()
    if not count:
        raise BenchError("No public release was generated.")
    detail = (
        public.annotate(n=Count("meetings"))
        .filter(n__gte=2)
        .order_by("-published_at")
        .values_list("slug", flat=True)
        .first()
    ) or public.values_list("slug", flat=True).first()
    deep = min(200, (count + 19) // 20)
    country = "KZ" if public.for_country("KZ").exists() else public.first().countries.first().code
    connection.close()

    def q(**params):
        return "?" + urlencode(params)

    return (
        connection.vendor,
        count,
        [
            Target("List, page 1", "/ja/releases/"),
            Target(f"List, page {deep}", f"/ja/releases/{q(page=deep)}"),
            Target(f"Country filter ({country})", f"/ja/releases/{q(country=country)}"),
            Target("Date filter (June 2024)", f"/ja/releases/{q(year=2024, month=6)}"),
            Target("Release page", f"/ja/releases/{detail}/"),
            Target(f"Country page ({country})", f"/ja/countries/{country.lower()}/"),
            Target("Search (lithium, English)", f"/en/releases/{q(q='lithium')}"),
        ],
    )


def get(port, path):
    """(status, body, seconds) of one GET over a fresh connection (sync workers close it)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request("GET", path, headers={"Accept-Language": "ja"})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return response.status, body, time.perf_counter() - started


def start_server(env, workdir, port, workers):
    with socket.socket() as probe:
        if probe.connect_ex((HOST, port)) == 0:
            raise BenchError(f"Port {port} is in use: set BENCH_PORT to a free one.")
    log = (workdir / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603 -- gunicorn from our virtualenv, fixed arguments
        [
            str(PYTHON.parent / "gunicorn"),
            "config.wsgi:application",
            f"--bind={HOST}:{port}",
            f"--workers={workers}",
            "--worker-class=sync",
            "--timeout=120",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited:\n{(workdir / 'gunicorn.log').read_text()}")
        try:
            get(port, "/robots.txt")
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise BenchError("gunicorn did not answer within 60 s.")


def stop_server(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def check(port, target, workdir):
    """Fail loudly unless the page answers 200; a few requests also warm the workers up."""
    for _ in range(4):
        status, body, _seconds = get(port, target.path)
        if status != 200:
            log = (workdir / "gunicorn.log").read_text()[-3000:]
            raise BenchError(
                f"{target.label}: GET {target.path} answered {status}, not 200.\n"
                f"{body[:800].decode(errors='replace')}\n--- gunicorn log ---\n{log}"
            )
    return len(body)


def measure(port, target, concurrency, max_requests, max_seconds):
    result = Measurement(target)
    lock = threading.Lock()
    issued = 0
    deadline = time.perf_counter() + max_seconds

    def client():
        nonlocal issued
        while time.perf_counter() < deadline:
            with lock:
                if issued >= max_requests:
                    return
                issued += 1
            try:
                status, _body, seconds = get(port, target.path)
            except OSError as error:
                status, seconds = repr(error), 0.0
            with lock:
                if status == 200:
                    result.latencies.append(seconds)
                else:
                    result.failures.append(status)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


def git_revision():
    try:
        revision = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{revision}{' + uncommitted changes' if dirty else ''}"


def reproduce_command():
    given = [
        f"{name}={redact(os.environ[name]) if name == 'BENCH_DATABASE_URL' else os.environ[name]}"
        for name in SETTINGS
        if os.environ.get(name, "").strip()
    ]
    return " ".join(["make bench", *given])


def report(results, context):
    lines = [
        f"## Benchmark, {context['when']}",
        "",
        f"{context['releases']:,} synthetic releases ({context['public']:,} public) on "
        f"{context['vendor']}, generated in {context['generation']}. gunicorn with "
        f"{context['workers']} sync workers, DEBUG off, on {HOST}; the load comes from "
        f"{context['concurrency']} client threads (Python, on the same machine), at most "
        f"{context['max_requests']} requests or {context['max_seconds']} s per page. "
        f"Machine: {os.cpu_count()} CPUs, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()}, load average {context['load']} "
        f"(before, after: other work on the machine slows every figure); "
        f"commit {context['revision']}.",
        "",
        "| Page | URL | Requests | Req/s | p50 (ms) | p99 (ms) | Size (KB) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.target.label} | `{r.target.path}` | {len(r.latencies)} | {r.rate:.1f} | "
            f"{r.percentile(50) * 1000:.0f} | {r.percentile(99) * 1000:.0f} | "
            f"{r.size / 1024:.0f} |"
        )
    lines += ["", f"Reproduce: `{reproduce_command()}`", ""]
    return "\n".join(lines)


def main():
    releases = setting("BENCH_RELEASES", 10000)
    workers = setting("BENCH_WORKERS", 2)
    concurrency = setting("BENCH_CONCURRENCY", 4)
    max_requests = setting("BENCH_REQUESTS", 1000)
    max_seconds = setting("BENCH_SECONDS", 15.0)
    port = setting("BENCH_PORT", 8110)
    seed = setting("BENCH_SEED", 1)
    database_url = setting("BENCH_DATABASE_URL", "")

    workdir = Path(tempfile.mkdtemp(prefix="pressroom-bench-"))
    server = None
    try:
        if database_url:
            if not database_url.startswith(("postgres://", "postgresql://")):
                raise BenchError("BENCH_DATABASE_URL must be a postgres:// URL.")
            ensure_postgres_database(database_url)
        else:
            database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        env = site_environment(workdir, database_url)
        print(f"Site in {workdir}, database {redact(database_url)}", flush=True)

        run(["migrate", "--noinput"], env, "migrate")
        run(["collectstatic", "--noinput"], env, "collectstatic")
        print(f"Generating {releases:,} releases...", flush=True)
        output, seconds = run(
            ["generate_releases", str(releases), "--seed", str(seed), "--clear", "--force"],
            env,
            "generate_releases",
        )
        print(output, flush=True)
        created = re.search(r"Created .*? in ([\d.]+) s \(([\d,]+) rows/s\)", output)
        generation = (
            f"{created[1]} s ({created[2]} rows/s)" if created else f"{seconds:.1f} s in all"
        )

        vendor, public, targets = choose_targets(env)
        load_before = os.getloadavg()[0]
        server = start_server(env, workdir, port, workers)
        print(f"gunicorn on http://{HOST}:{port}/ ({workers} workers)", flush=True)

        results = []
        for target in targets:
            size = check(port, target, workdir)
            print(f"  {target.label}: {target.path}", flush=True)
            result = measure(port, target, concurrency, max_requests, max_seconds)
            result.size = size
            if result.failures or not result.latencies:
                raise BenchError(
                    f"{target.label}: {len(result.failures)} of "
                    f"{len(result.failures) + len(result.latencies)} requests failed "
                    f"({sorted(set(map(str, result.failures)))[:5]})."
                )
            results.append(result)

        text = report(
            results,
            {
                "when": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "releases": releases,
                "public": public,
                "vendor": {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(vendor, vendor),
                "generation": generation,
                "workers": workers,
                "concurrency": concurrency,
                "max_requests": max_requests,
                "max_seconds": f"{max_seconds:g}",
                "revision": git_revision(),
                "load": f"{load_before:.1f}, {os.getloadavg()[0]:.1f}",
            },
        )
        print()
        print(text)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text, encoding="utf-8")
        by_database = RESULTS.with_name(f"latest-{vendor}.md")
        by_database.write_text(text, encoding="utf-8")
        print(f"Written to {RESULTS.relative_to(ROOT)} and {by_database.relative_to(ROOT)}")
    except BenchError as error:
        print(f"\nBENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            stop_server(server)
        if os.environ.get("BENCH_KEEP") == "1":
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
