"""How long after a release is published are its e-mail alerts in the mail server's hands?

`make bench-alerts` runs this script. It takes a site of BENCH_RELEASES synthetic releases,
writes BENCH_SUBSCRIPTIONS confirmed subscriptions following a mix of lists (countries, words,
officials, agreement kinds, every release; 10% daily digests, which wait for their hour), starts
a local SMTP server (aiosmtpd, 127.0.0.1, a free port, in its own process) and BENCH_WORKERS
task workers (`manage.py db_worker`, DEBUG off), then publishes a release through the publishing
workflow and times the messages' arrival at the SMTP server, and the CPU time the workers and
the server used meanwhile. Writes bench/results/alerts-latest.md.

Generating 100,000 releases takes half an hour, so the generated site is kept and each run works
on a copy of it: with SQLite, the file `make bench-scale` keeps in bench/results/scale/ (the same
site, built by the same code, reused while the migrations, generator and search code are
unchanged); with PostgreSQL, the database BENCH_DATABASE_URL names is the kept one (a marker in
bench/results/alerts/ says what it holds) and each run copies it to `<name>_run`.

Settings, all optional (environment variables):
  BENCH_RELEASES       releases to generate (100000)
  BENCH_SUBSCRIPTIONS  confirmed subscriptions (10000)
  BENCH_WORKERS        task workers (2 with PostgreSQL, 1 with SQLite, as docs/operations.md advises)
  BENCH_DATABASE_URL   a PostgreSQL database to keep the generated site in, instead of SQLite
  BENCH_FRESH          1 generates the site again
  BENCH_SEED           seed for the generated data (1)
  BENCH_TIMEOUT        seconds to wait for the alerts (600)
"""

import datetime
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import (  # noqa: E402 -- bench/bench.py, beside this script
    PYTHON,
    ROOT,
    BenchError,
    git_revision,
    redact,
    run,
    setting,
    site_environment,
)

# The SMTP server (aiosmtpd, from the tests) in a process of its own, as a mail server is: it
# prints its port, then the moment (time.monotonic(), the same clock in every process) each
# message arrives, until its input is closed.
SMTP_SERVER = """
import sys, time
sys.path.insert(0, sys.argv[1])
from tests.smtp import FreePortController

class Arrivals:
    async def handle_DATA(self, server, session, envelope):
        print(time.monotonic(), flush=True)
        return "250 Message accepted"

controller = FreePortController(Arrivals(), hostname="127.0.0.1", port=0)
controller.start()
print(controller.port, flush=True)
sys.stdin.read()
controller.stop()
"""
RESULTS = ROOT / "bench" / "results" / "alerts-latest.md"
STORE = ROOT / "bench" / "results" / "alerts"
WORDS = ["lithium", "copper", "rare", "MOU", "nickel", "uranium", "hydrogen", "survey"]


def make_subscriptions(count, seed):
    from django.utils import timezone

    from alerts.models import Subscription
    from releases.models import Release

    rng = random.Random(seed)
    public = Release.objects.published()
    countries = list(public.countries().values_list("code", flat=True))
    officials = list(public.officials().values_list("slug", flat=True)[:200])
    Subscription.objects.all().delete()
    confirmed = timezone.now() - datetime.timedelta(days=1)
    rows = []
    for n in range(count):
        kind = rng.random()
        if kind < 0.45:
            query = "&".join(
                f"country={c}" for c in sorted(rng.sample(countries, rng.randint(1, 2)))
            )
        elif kind < 0.60:
            query = ""
        elif kind < 0.75:
            query = f"q={rng.choice(WORDS)}"
        elif kind < 0.85 and officials:
            query = f"official={rng.choice(officials)}"
        else:
            query = f"agreement={rng.choice(['mou', 'moc', 'other'])}"
        rows.append(
            Subscription(
                email=f"reader{n}@example.org",
                query=query,
                language=rng.choice(["ja", "en"]),
                frequency="daily" if rng.random() < 0.1 else "immediate",
                requested_at=confirmed,
                confirmed_at=confirmed,
            )
        )
    Subscription.objects.bulk_create(rows, batch_size=2000)


def expected_recipients(release, public=True):
    """How many immediate subscriptions follow a list that shows `release`, asked of each list's
    FilterSet (as the public list filters), not of the alerts' matcher."""
    from collections import defaultdict

    from alerts.models import Subscription
    from alerts.services import matching
    from releases.models import Release

    by_query = defaultdict(int)
    for query in Subscription.objects.filter(frequency="immediate").values_list("query", flat=True):
        by_query[query] += 1
    this = (Release.objects.published() if public else Release.objects).filter(pk=release.pk)
    return sum(n for query, n in by_query.items() if matching(this, query).exists())


class MailServer:
    def __init__(self):
        self.process = subprocess.Popen(  # noqa: S603 -- our own code, fixed arguments
            [str(PYTHON), "-c", SMTP_SERVER, str(ROOT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.port = int(self.process.stdout.readline())
        self.arrivals = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.arrivals.append(float(line))

    def stop(self):
        self.process.stdin.close()
        self.process.wait(30)


def cpu_seconds(pid):
    """User and system CPU time a process has used (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def kept_site(releases, seed, fresh, database_url, workdir):
    """(the database URL of this run's copy of the kept generated site, how it was generated);
    the site is generated first if none is kept for these settings and this code."""
    import scale

    if not database_url:
        kept, note = scale.build("sqlite", releases, seed, fresh)
        copy = workdir / "bench.sqlite3"
        shutil.copyfile(kept.removeprefix("sqlite:///"), copy)
        return f"sqlite:///{copy}", note
    server = urlsplit(database_url)
    name = server.path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise BenchError(f"Unexpected database name {name!r} in BENCH_DATABASE_URL.")
    STORE.mkdir(parents=True, exist_ok=True)
    done = STORE / f"{name}-{releases}-{seed}-{scale.fingerprint()}.done"
    if fresh or not done.exists():
        for stale in STORE.glob(f"{name}-*.done"):
            stale.unlink()
        scale.postgres(server, f'DROP DATABASE IF EXISTS "{name}"')
        scale.postgres(server, f'CREATE DATABASE "{name}"')
        env = scale.site_env(database_url)
        started = time.perf_counter()
        scale.manage(env, "migrate", "--noinput", "-v0")
        scale.manage(env, "generate_releases", str(releases), "--seed", str(seed), "--force")
        done.write_text(f"generated in {time.perf_counter() - started:.0f} s")
    copy = f"{name}_run"
    scale.postgres(server, f'DROP DATABASE IF EXISTS "{copy}"')
    scale.postgres(server, f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    return urlunsplit(server._replace(path=f"/{copy}")), done.read_text()


def main():
    releases = setting("BENCH_RELEASES", 100000)
    subscriptions = setting("BENCH_SUBSCRIPTIONS", 10000)
    seed = setting("BENCH_SEED", 1)
    fresh = setting("BENCH_FRESH", 0) == 1
    timeout = setting("BENCH_TIMEOUT", 600.0)
    database_url = setting("BENCH_DATABASE_URL", "")
    workers = setting("BENCH_WORKERS", 2 if database_url else 1)

    workdir = Path(tempfile.mkdtemp(prefix="pressroom-alerts-bench-"))
    mail_server = MailServer()
    processes = []
    try:
        print(f"A site with {releases:,} releases...", flush=True)
        database_url, generated = kept_site(releases, seed, fresh, database_url, workdir)
        env = site_environment(workdir, database_url, "")
        env.update(DJANGO_EMAIL_HOST="127.0.0.1", DJANGO_EMAIL_PORT=str(mail_server.port))
        print(f"Site in {workdir}, database {redact(database_url)} ({generated})", flush=True)
        run(["migrate", "--noinput"], env, "migrate")

        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.db import connection

        from releases import workflow
        from releases.models import Release

        print(f"Creating {subscriptions:,} subscriptions...", flush=True)
        make_subscriptions(subscriptions, seed)
        with connection.cursor() as cursor:  # the planner statistics a live database has
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        user = get_user_model().objects.create_superuser(
            f"bench-{time.time_ns()}", "bench@example.org", None
        )
        # A public release with countries, taken back to draft: the one to publish.
        release = (
            Release.objects.published()
            .filter(countries__code__in=["KZ", "UZ", "AU", "CL"])
            .order_by("-published_at")
            .first()
        )
        workflow.unpublish(release, user)
        public = Release.objects.published().count()

        for n in range(workers):
            processes.append(
                subprocess.Popen(  # noqa: S603 -- our own manage.py, fixed arguments
                    [
                        str(PYTHON),
                        "manage.py",
                        "db_worker",
                        "--no-reload",
                        "--interval",
                        "0.2",
                        "--worker-id",
                        f"bench-{n}",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=(workdir / f"worker-{n}.log").open("w"),
                )
            )
        # Counted before the clock starts, so that the count takes no CPU from the workers;
        # checked again once the release is public.
        expected = expected_recipients(release, public=False)
        time.sleep(3)  # let them start and finish the digest check
        arrivals = mail_server.arrivals
        arrivals.clear()
        load_before = os.getloadavg()[0]
        cpu_before = sum(cpu_seconds(process.pid) for process in processes)
        smtp_before = cpu_seconds(mail_server.process.pid)
        published = time.monotonic()
        workflow.publish(release, user)
        print(f"Published {release.slug}; {expected:,} subscriptions follow it.", flush=True)
        while len(arrivals) < expected:
            if time.monotonic() - published > timeout:
                raise BenchError(f"Only {len(arrivals)} of {expected} alerts after {timeout} s.")
            if any(process.poll() is not None for process in processes):
                raise BenchError(f"A worker stopped; see {workdir}/worker-*.log.")
            time.sleep(0.2)
        load_during = os.getloadavg()[0]
        cpu = sum(cpu_seconds(process.pid) for process in processes) - cpu_before
        smtp_cpu = cpu_seconds(mail_server.process.pid) - smtp_before
        time.sleep(2)  # and no more than expected
        if expected_recipients(release) != expected or len(arrivals) != expected:
            raise BenchError(f"{len(arrivals)} messages for {expected} subscriptions.")
        first = arrivals[0] - published
        last = arrivals[-1] - published
        text = (
            f"{releases:,} synthetic releases ({public:,} public; {generated}) and "
            f"{subscriptions:,} confirmed subscriptions on {connection.vendor}; {workers} "
            f"worker{'s' if workers > 1 else ''} (`db_worker`, DEBUG off) and an SMTP server "
            f"(aiosmtpd) on 127.0.0.1, all on one machine: {os.cpu_count()} CPUs, load average "
            f"{load_before:.1f} before publishing, {load_during:.1f} when the last alert arrived; "
            f"commit {git_revision()}, {datetime.date.today().isoformat()}.\n\n"
            f"| Alerts for one release | First handed to SMTP | All handed to SMTP | Messages/s "
            f"| CPU: workers | CPU: SMTP server |\n"
            f"|---:|---:|---:|---:|---:|---:|\n"
            f"| {expected:,} | {first:.1f} s | {last:.1f} s "
            f"| {expected / max(last - first, 0.001):.0f} | {cpu:.1f} s | {smtp_cpu:.1f} s |\n"
        )
        print(text)
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(text)
    except BenchError as error:
        print(f"alerts benchmark failed: {error}", file=sys.stderr)
        sys.exit(1)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)
        mail_server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
