"""How much of a page's time with no cache at all is its template alone: `make render-floor`.

With no cache at all (the first table of `make bench`), a page's time is its view (the queries,
the ORM building them, the filter form) and its template. This script builds a throwaway
SQLite site of BENCH_RELEASES generated releases (10,000, as `make bench`), DEBUG off, Django's
DummyCache, and measures in-process through Django's test client, in BENCH_ROUNDS rounds of
BENCH_SECONDS per figure:

- the yardstick, the bare view of `make bench` (bench/reference.py), before and after each page;
- each page of `make bench`'s first table that has a target, requested whole;
- its template alone: the page's template rendered again with the context and the request of
  that response (as TemplateResponse renders it, context processors included), its rows
  already read. That is what the page would cost if its view cost nothing.

Each is printed as a share of the yardstick (the yardstick's time over the page's: a share of
requests per second, as `make bench` reports), the median of the rounds, beside the page's
target. A template whose share alone is below the target cannot meet it with any view. The
table goes to bench/results/render-floor.md.

In-process shares are lower than `make bench`'s, which add the server's own cost per request to
both the page and the yardstick; the table also gives the shares with the server's cost added
(BENCH_SERVER_MS, 0.8 ms: `make bench`'s yardstick through gunicorn less the in-process one,
measured on this machine).
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "render-floor.md"
REFERENCE = "/bench/bare/"

# Run as a script, this folder is first on the path, where `bench` is bench/bench.py; the
# benchmark's settings need `bench` to be this folder, seen from the project's root.
sys.path[0] = str(ROOT)

from bench.pages import TARGETS_NONE, public_pages  # noqa: E402
from bench.servers import setting  # noqa: E402


def environment(workdir):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",  # routes the yardstick (bench/urls.py)
        "DJANGO_DEBUG": "0",
        "DJANGO_CACHE": "dummy",
        "DJANGO_PAGE_CACHE": "0",
        "DJANGO_DEVDATA": "1",  # generate_releases
        "DJANGO_SECRET_KEY": "render-floor-" + os.urandom(32).hex(),
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DATABASE_URL": f"sqlite:///{workdir / 'site.sqlite3'}",
    }


def build(env, releases, seed):
    for command in (
        ["migrate", "--noinput"],
        ["collectstatic", "--noinput"],
        ["generate_releases", str(releases), "--seed", str(seed), "--clear", "--force"],
    ):
        subprocess.run(  # noqa: S603 -- our manage.py with fixed arguments
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def per_call(call, seconds):
    """Seconds per call of `call()`, called for about `seconds`."""
    calls, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        call()
        calls += 1
    return elapsed / calls


def template_alone(response):
    """A function rendering `response`'s template again as it was rendered, and its language."""
    from django.utils import translation

    template = response.resolve_template(response.template_name)
    context = response.resolve_context(response.context_data)
    request = response.wsgi_request
    language = request.path.split("/")[1]

    def render():
        with translation.override(language):
            return template.render(context, request)

    return render


def main():
    releases = setting("BENCH_RELEASES", 10000)
    seconds = setting("BENCH_SECONDS", 1.0)
    rounds = setting("BENCH_ROUNDS", 3)
    seed = setting("BENCH_SEED", 1)
    server_ms = setting("BENCH_SERVER_MS", 0.8)

    workdir = Path(tempfile.mkdtemp(prefix="pressroom-render-floor-"))
    env = environment(workdir)
    print(f"Generating {releases:,} releases in {workdir}...", flush=True)
    build(env, releases, seed)
    os.environ.update(env)

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()  # responses keep their context for the renders again
    _, count, targets = public_pages()
    targets = [target for target in targets if target.kind]
    client = Client()

    def get(path):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}.")
        return response

    get(REFERENCE)
    figures = {target.path: {"bare": [], "whole": [], "alone": []} for target in targets}
    queries = {}
    for round_ in range(rounds):
        print(f"Round {round_ + 1} of {rounds}...", flush=True)
        for target in targets:
            render = template_alone(get(target.path))
            render()  # the rows are read here when the template reads them
            with CaptureQueriesContext(connection) as captured:
                render()
            queries[target.path] = len(captured)
            found = figures[target.path]
            bare = per_call(lambda: get(REFERENCE), seconds)
            found["whole"].append(per_call(lambda target=target: get(target.path), seconds))
            found["alone"].append(per_call(render, seconds))
            found["bare"].append((bare + per_call(lambda: get(REFERENCE), seconds)) / 2)

    lines = [
        f"{count:,} public releases, SQLite, in-process, DEBUG off, DummyCache; "
        f"{rounds} rounds of {seconds:g} s per figure; medians (ms) and shares of the yardstick "
        f"(with the server's {server_ms:g} ms added to both in the last two columns).",
        "",
        "| Page | URL | yardstick | whole page | share | template alone | share | queries in "
        "the template | share, whole, with the server | share, template alone, with the "
        "server | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for target in targets:
        bare, whole, alone = (
            statistics.median(figures[target.path][name]) * 1000
            for name in ("bare", "whole", "alone")
        )
        goal = TARGETS_NONE[target.kind]
        served = (bare + server_ms) / (alone + server_ms)
        mark = "✓" if served >= goal else "✗"
        lines.append(
            f"| {target.label} | `{target.path}` | {bare:.2f} | {whole:.1f} | {bare / whole:.0%} "
            f"| {alone:.1f} | {bare / alone:.0%} | {queries[target.path]} "
            f"| {(bare + server_ms) / (whole + server_ms):.0%} | {served:.0%} {mark} | {goal:.0%} |"
        )
    report = "\n".join(lines) + "\n"
    print("\n" + report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report)
    print(f"Written to {RESULTS.relative_to(ROOT)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
