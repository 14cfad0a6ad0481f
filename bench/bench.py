"""Benchmark the public site as production runs it: gunicorn, DEBUG off, over generated data.

`make bench` runs this script. It builds a throwaway site in a temporary folder (its own SQLite
database, static files and media), writes BENCH_RELEASES synthetic releases with
`generate_releases`, and measures every page against a yardstick served by the same gunicorn:
a bare Django view rendering a 20-item list from constants (bench/reference.py). Ratios, not
raw figures, are what the targets are about: the machine is shared and noisy.

1. Page cache off (DJANGO_PAGE_CACHE=0; aggregates still come from the cache), one gunicorn
   worker, one client: each page's requests per second as a share of the bare view's.
2. Page cache on: the same.
3. Through deploy/nginx.conf (its page cache) in front of two gunicorn servers: each page as a
   share of nginx serving a static file.
4. Two app servers behind nginx sharing the database, Redis and media: BENCH_LOAD_SECONDS of
   load from BENCH_CONCURRENCY clients with no error; a staff session opened on one server is
   valid on the other; a publication made on one is visible on the other at the next request;
   a photo uploaded through one's admin is on the other's page and served by it.

Steps 3 and 4 need Redis (BENCH_REDIS_URL) and nginx. The tables go to
bench/results/latest.md (and latest-sqlite.md or latest-postgresql.md). Any page that answers
other than 200 fails the run.

Settings, all optional (environment variables):
  BENCH_RELEASES      releases to generate (10000)
  BENCH_DATABASE_URL  a PostgreSQL database to use instead of the throwaway SQLite file; it is
                      migrated and its synthetic rows are replaced (other rows are left alone)
  BENCH_REDIS_URL     a Redis database for the cache (steps 3 and 4 are skipped without one);
                      keys get a prefix of their own, nothing is flushed
  BENCH_SECONDS       seconds of one measurement of a page or of its yardstick (2)
  BENCH_ROUNDS        rounds: each page is measured once a round, between two measurements
                      of the yardstick, and its figure is the median of its rounds (3)
  BENCH_LOAD_SECONDS  seconds of load on the two app servers (60)
  BENCH_CONCURRENCY   client threads of that load (4)
  BENCH_SEED          seed for the generated data (1)
  BENCH_KEEP          1 keeps the temporary folder for a look afterwards
"""

import datetime
import http.client
import io
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import requests
from servers import nginx_config, start_nginx, stop

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
RESULTS = ROOT / "bench" / "results" / "latest.md"
HOST = "127.0.0.1"
SETTINGS = (
    "BENCH_RELEASES",
    "BENCH_DATABASE_URL",
    "BENCH_REDIS_URL",
    "BENCH_SECONDS",
    "BENCH_ROUNDS",
    "BENCH_LOAD_SECONDS",
    "BENCH_CONCURRENCY",
    "BENCH_SEED",
)


class BenchError(Exception):
    pass


def setting(name, default):
    value = os.environ.get(name, "").strip()
    return type(default)(value) if value else default


# What each kind of page must reach with the page cache off, as a share of the bare view.
TARGETS_OFF = {"list": 0.30, "page": 0.50, "search": 0.20}
TARGET_ON = 0.80
TARGET_NGINX = 0.50


@dataclass
class Target:
    label: str
    path: str
    kind: str = ""


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


def site_environment(workdir, database_url, redis_url):
    env = dict(os.environ)
    env.update(
        REDIS_URL=redis_url,
        DJANGO_CACHE_KEY_PREFIX=f"bench-{secrets.token_hex(6)}",
        DJANGO_SETTINGS_MODULE="bench.settings",  # routes the yardstick (bench/urls.py)
        DJANGO_DEBUG="0",
        DJANGO_DEVDATA="1",  # generate_releases
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        # Its staff step logs in with a password alone, as a script (no authenticator app).
        DJANGO_REQUIRE_2FA="0",
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        DJANGO_MEDIA_ROOT=str(workdir / "media"),
        # Files are sent by Django (publication checked per file), so that server B's answer
        # for a photo uploaded through A can be asked of B itself; no page measured loads one.
        DJANGO_SERVE_MEDIA="1",
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
    official = (
        public.officials()
        .annotate(n=Count("participations"))
        .order_by("-n")
        .values_list("slug", flat=True)
        .first()
    )
    connection.close()

    def q(**params):
        return "?" + urlencode(params)

    return (
        connection.vendor,
        count,
        [
            Target("List, page 1", "/ja/releases/", "list"),
            Target(f"List, page {deep}", f"/ja/releases/{q(page=deep)}", "list"),
            Target(f"Country filter ({country})", f"/ja/releases/{q(country=country)}", "list"),
            Target("Date filter (June 2024)", f"/ja/releases/{q(year=2024, month=6)}", "list"),
            Target("Release page", f"/ja/releases/{detail}/", "page"),
            Target(f"Country page ({country})", f"/ja/countries/{country.lower()}/", "page"),
            Target("Official page", f"/ja/officials/{official}/", "page"),
            Target("Search (lithium, English)", f"/en/releases/{q(q='lithium')}", "search"),
            Target("Agreements", "/ja/agreements/", "list"),
            Target("RSS feed", "/ja/releases/feed/rss/"),
            Target("Sitemap (releases)", "/sitemap-releases.xml"),
            Target("API, releases", "/api/releases/?lang=en"),
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


def start_server(env, workdir, name, workers=1):
    port = free_port()
    log = (workdir / f"{name}.log").open("w")
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
    server.port, server.log = port, workdir / f"{name}.log"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited:\n{server.log.read_text()}")
        try:
            get(port, "/robots.txt")
            return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise BenchError("gunicorn did not answer within 60 s.")


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def check(port, target, log):
    """Fail loudly unless the page answers 200; a few requests also warm the cache up."""
    for _ in range(3):
        status, body, _seconds = get(port, target.path)
        if status != 200:
            raise BenchError(
                f"{target.label}: GET {target.path} answered {status}, not 200.\n"
                f"{body[:800].decode(errors='replace')}\n--- log ---\n"
                f"{log.read_text()[-3000:] if log else ''}"
            )
    return len(body)


def measure(port, paths, seconds, concurrency=1):
    """Requests from `concurrency` clients for `seconds`, each cycling through `paths`."""
    result = Measurement(Target("", paths[0]))
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(offset):
        n = offset
        while time.perf_counter() < deadline:
            path = paths[n % len(paths)]
            n += 1
            try:
                status, _body, took = get(port, path)
            except OSError as error:
                status, took = repr(error), 0.0
            with lock:
                if status == 200:
                    result.latencies.append(took)
                else:
                    result.failures.append((path, status))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    if result.failures or not result.latencies:
        raise BenchError(
            f"{len(result.failures)} of {len(result.failures) + len(result.latencies)} "
            f"requests failed: {result.failures[:5]}"
        )
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


def pages_against(port, reference, targets, seconds, rounds, log):
    """req/s of each target on one server (one client), as a share of the reference path.

    The machine's speed drifts during a run, and another tenant can slow it for a few seconds:
    each round measures every target once, between two measurements of the reference, and the
    page's ratio in that round is to the mean of those two. A page's figures are the medians of
    its rounds, so one disturbed measurement does not decide the result. Returns
    ({path: Figures}, [every req/s of the reference])."""
    check(port, Target("reference", reference), log)
    for target in targets:
        check(port, target, log)
    bases = [measure(port, [reference], seconds).rate]
    samples = {target.path: [] for target in targets}
    for round_ in range(1, rounds + 1):
        for target in targets:
            rate = measure(port, [target.path], seconds).rate
            bases.append(measure(port, [reference], seconds).rate)
            samples[target.path].append((rate, rate / ((bases[-2] + bases[-1]) / 2)))
            print(
                f"  round {round_}/{rounds}, {target.label}: {rate:.1f} req/s "
                f"({samples[target.path][-1][1]:.0%})",
                flush=True,
            )
    return {path: Figures.of(rates) for path, rates in samples.items()}, bases


@dataclass(frozen=True)
class Figures:
    """A page's median req/s and median ratio over its rounds, and the ratios' range."""

    rate: float
    ratio: float
    low: float
    high: float

    @classmethod
    def of(cls, samples):
        ratios = [ratio for _rate, ratio in samples]
        return cls(
            statistics.median(rate for rate, _ratio in samples),
            statistics.median(ratios),
            min(ratios),
            max(ratios),
        )

    def marked(self, goal):
        """'58% ✓ (≥50%; rounds 54–60%)': the median, whether it meets the goal, the range."""
        rounds = f"rounds {self.low * 100:.0f}–{self.high:.0%}"
        if goal is None:
            return f"{self.ratio:.0%} ({rounds})"
        return f"{self.ratio:.0%} {'✓' if self.ratio >= goal else '✗'} (≥{goal:.0%}; {rounds})"


def spread(rates):
    return f"{min(rates):.0f}–{max(rates):.0f} req/s (median {statistics.median(rates):.0f})"


def staff_and_publication(env, a, b):
    """A staff session opened on A works on B; a release published through A's admin is on B
    at the next request. Returns the lines of the report."""
    password = secrets.token_urlsafe(16)
    # Made afresh: a PostgreSQL database keeps the previous run's (BENCH_DATABASE_URL).
    run(
        [
            "shell",
            "--verbosity=0",
            "-c",
            "import os\n"
            "from django.contrib.auth import get_user_model\n"
            "get_user_model().objects.filter(username='bench-staff').delete()\n"
            "get_user_model().objects.create_superuser("
            "'bench-staff', 'b@example.org', os.environ['BENCH_STAFF_PASSWORD'])",
        ],
        {**env, "BENCH_STAFF_PASSWORD": password},
        "the staff user",
    )
    slug, _ = run(
        [
            "shell",
            "--verbosity=0",
            "-c",
            "from releases.models import Release\n"
            "r = Release.objects.filter(status='published').order_by('-published_at').first()\n"
            "r.status, r.published_at = 'draft', None\nr.save()\nprint(r.slug)",
        ],
        env,
        "unpublish one release",
    )
    staff = requests.Session()
    a_url, b_url = f"http://{HOST}:{a.port}", f"http://{HOST}:{b.port}"

    def token(response):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)[1]

    login = staff.get(f"{a_url}/admin/login/")
    staff.post(
        f"{a_url}/admin/login/?next=/admin/",
        {"username": "bench-staff", "password": password, "csrfmiddlewaretoken": token(login)},
    )
    on_b = staff.get(f"{b_url}/admin/releases/release/?q={slug}")
    if on_b.url != f"{b_url}/admin/releases/release/?q={slug}":
        raise BenchError(
            f"The staff session opened on server A is not valid on server B ({on_b.url})."
        )
    if get(b.port, f"/ja/releases/{slug}/")[0] != 404:
        raise BenchError("The unpublished release is still public on B.")
    pk = re.search(r'href="/admin/releases/release/(\d+)/change/[^"]*"', on_b.text)[1]
    done = staff.post(
        f"{a_url}/admin/releases/release/?q={slug}",
        {"action": "publish_selected", "_selected_action": pk, "csrfmiddlewaretoken": token(on_b)},
    )
    if done.status_code != 200 or get(b.port, f"/ja/releases/{slug}/")[0] != 200:
        raise BenchError("A release published on server A is not public on server B.")
    upload_through_a_served_by_b(staff, a_url, b, pk, slug)
    return [
        "- a staff session opened on server A is valid on server B: yes",
        "- a release published through A's admin is public on B at the next request: yes",
        "- a photo uploaded through A's admin is on B's page and served by B: yes",
    ]


def upload_through_a_served_by_b(staff, a_url, b, pk, slug):
    """Add a photo to the release in A's admin form, as a browser would post it; B's page
    shows it and B serves its file (and its renditions), byte for byte."""
    from bs4 import BeautifulSoup

    change = f"{a_url}/admin/releases/release/{pk}/change/"
    form = BeautifulSoup(staff.get(change).text, "html.parser").find("form", id="release_form")
    data = {}
    for tag in form.find_all(["input", "textarea", "select"]):
        name = tag.get("name")
        if not name or "__prefix__" in name or tag.get("type") in ("submit", "file"):
            continue
        if tag.name == "textarea":
            data[name] = tag.text
        elif tag.name == "select":
            chosen = [o.get("value", "") for o in tag.find_all("option") if o.has_attr("selected")]
            data[name] = chosen if tag.has_attr("multiple") else (chosen or [""])[0]
        elif tag.get("type") in ("checkbox", "radio"):
            if tag.has_attr("checked"):
                data[name] = tag.get("value", "on")
        else:
            data[name] = tag.get("value", "")
    n = int(data["photos-TOTAL_FORMS"])
    data["photos-TOTAL_FORMS"] = str(n + 1)
    caption = f"bench upload {secrets.token_hex(4)}"
    data.update({f"photos-{n}-caption_ja": caption, f"photos-{n}-order": str(n)})
    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (1200, 800), (40, 110, 160)).save(image, "JPEG", quality=85)
    saved = staff.post(
        change,
        data={**data, "_continue": "1"},
        files={f"photos-{n}-image": ("upload.jpg", image.getvalue(), "image/jpeg")},
    )
    if saved.status_code != 200 or "errornote" in saved.text:
        raise BenchError("A photo could not be added through server A's admin.")
    status, page, _ = get(b.port, f"/ja/releases/{slug}/")
    page = page.decode()
    found = re.search(
        rf'<img[^>]*src="(/media/[^"]+)"[^>]*>(?:(?!</figure>).)*{caption}', page, re.S
    )
    if status != 200 or not found:
        raise BenchError("The photo uploaded through server A is not on server B's page.")
    if get(b.port, found[1])[0] != 200:
        raise BenchError(f"Server B does not serve the photo uploaded through A ({found[1]}).")


def report(context, rows, nginx_rows, load_lines):
    lines = [
        f"## Benchmark, {context['when']}",
        "",
        f"{context['releases']:,} synthetic releases ({context['public']:,} public) on "
        f"{context['vendor']}, generated in {context['generation']}; cache: {context['cache']}. "
        f"gunicorn, one sync worker, DEBUG off, one client (Python, same machine), "
        f"{context['rounds']} rounds of {context['seconds']} s per page. Machine: "
        f"{os.cpu_count()} CPUs, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()}, "
        f"load average {context['load']} (before, after: other work on the machine slows every "
        f"figure); commit {context['revision']}.",
        "",
        f"The yardstick: a bare Django view rendering a 20-item list from constants through a "
        f"template, measured before and after each page in each round (the page's ratio in a "
        f"round is to the mean of those two; the table gives the median of the rounds, and "
        f"their range in brackets): {context['bare_off']} in the page-cache-off run, "
        f"{context['bare_on']} in the page-cache-on run.",
        "",
        "| Page | URL | cache off req/s | cache off / bare | cache on req/s | cache on / bare |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for target, off, on in rows:
        lines.append(
            f"| {target.label} | `{target.path}` | {off.rate:.1f} | "
            f"{off.marked(TARGETS_OFF.get(target.kind))} | {on.rate:.1f} | "
            f"{on.marked(TARGET_ON)} |"
        )
    if nginx_rows:
        lines += [
            "",
            f"Through deploy/nginx.conf in front of two gunicorn servers (nginx's page cache); "
            f"nginx serving a static file, before and after each page in each round: "
            f"{context['static']}.",
            "",
            "| Page | via nginx req/s | / nginx static file |",
            "|---|---:|---:|",
        ]
        for target, figures in nginx_rows:
            lines.append(
                f"| {target.label} | {figures.rate:.1f} | {figures.marked(TARGET_NGINX)} |"
            )
    if load_lines:
        lines += ["", "Two app servers behind nginx, sharing the database, Redis and media:", ""]
        lines += load_lines
    lines += ["", f"Reproduce: `{reproduce_command()}`", ""]
    return "\n".join(lines)


def main():
    releases = setting("BENCH_RELEASES", 10000)
    seconds = setting("BENCH_SECONDS", 2.0)
    rounds = setting("BENCH_ROUNDS", 3)
    load_seconds = setting("BENCH_LOAD_SECONDS", 60.0)
    concurrency = setting("BENCH_CONCURRENCY", 4)
    seed = setting("BENCH_SEED", 1)
    database_url = setting("BENCH_DATABASE_URL", "")
    redis_url = setting("BENCH_REDIS_URL", "")

    if rounds < 1 or seconds <= 0:
        print("BENCH_ROUNDS must be 1 or more and BENCH_SECONDS above 0.", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="pressroom-bench-"))
    running = []

    def start(env, name):
        server = start_server(env, workdir, name)
        running.append(server)
        return server

    try:
        if database_url:
            if not database_url.startswith(("postgres://", "postgresql://")):
                raise BenchError("BENCH_DATABASE_URL must be a postgres:// URL.")
            ensure_postgres_database(database_url)
        else:
            database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        env = site_environment(workdir, database_url, redis_url)
        print(f"Site in {workdir}, database {redact(database_url)}", flush=True)

        run(["migrate", "--noinput"], env, "migrate")
        run(["collectstatic", "--noinput"], env, "collectstatic")
        print(f"Generating {releases:,} releases...", flush=True)
        output, took = run(
            ["generate_releases", str(releases), "--seed", str(seed), "--clear", "--force"],
            env,
            "generate_releases",
        )
        print(output, flush=True)
        created = re.search(r"Created .*? in ([\d.]+) s \(([\d,]+) rows/s\)", output)
        generation = f"{created[1]} s ({created[2]} rows/s)" if created else f"{took:.1f} s"

        vendor, public, targets = choose_targets(env)
        load_before = os.getloadavg()[0]
        reference = "/bench/bare/"
        measured = {}
        for label, page_cache in (("off", "0"), ("on", "1")):
            print(f"Page cache {label}: one worker, one client", flush=True)
            server = start({**env, "DJANGO_PAGE_CACHE": page_cache}, f"cache-{label}")
            measured[label] = pages_against(
                server.port, reference, targets, seconds, rounds, server.log
            )
            stop(server)
        rows = [(t, measured["off"][0][t.path], measured["on"][0][t.path]) for t in targets]

        nginx_rows, load_lines, static = [], [], 0.0
        if redis_url:
            a, b = start(env, "app-a"), start(env, "app-b")
            port = free_port()
            config = nginx_config(workdir / "nginx", port, [a.port, b.port], workdir / "static")
            proxy = start_nginx(config, port)
            running.append(proxy)
            print("Through nginx, two app servers", flush=True)
            through, statics = pages_against(
                port, "/static/css/site.css", targets, seconds, rounds, None
            )
            nginx_rows = [(target, through[target.path]) for target in targets]
            static = spread(statics)
            print(f"{load_seconds:g} s of load from {concurrency} clients", flush=True)
            mix = [t.path for t in targets] + [f"/ja/releases/?page={n}" for n in range(2, 60)]
            load = measure(port, mix, load_seconds, concurrency)
            load_lines = [
                f"- {load_seconds:g} s of load from {concurrency} clients over {len(mix)} "
                f"addresses through nginx: {len(load.latencies):,} requests, no error, "
                f"{load.rate:.1f} req/s, p50 {load.percentile(50) * 1000:.0f} ms, "
                f"p99 {load.percentile(99) * 1000:.0f} ms",
                *staff_and_publication(env, a, b),
            ]
        else:
            print("BENCH_REDIS_URL is not set: nginx and two-server steps skipped.", flush=True)

        text = report(
            {
                "when": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "releases": releases,
                "public": public,
                "vendor": {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(vendor, vendor),
                "generation": generation,
                "cache": "Redis" if redis_url else "local memory",
                "seconds": f"{seconds:g}",
                "rounds": rounds,
                "bare_off": spread(measured["off"][1]),
                "bare_on": spread(measured["on"][1]),
                "static": static,
                "revision": git_revision(),
                "load": f"{load_before:.1f}, {os.getloadavg()[0]:.1f}",
            },
            rows,
            nginx_rows,
            load_lines,
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
        for process in running:
            stop(process)
        if os.environ.get("BENCH_KEEP") == "1":
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
