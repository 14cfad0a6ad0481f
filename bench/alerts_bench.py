"""How long after a release is published are its e-mail alerts in the mail server's hands?

`make bench-alerts` runs this script. It builds a throwaway site (its own SQLite database, or
BENCH_DATABASE_URL), writes BENCH_RELEASES synthetic releases and BENCH_SUBSCRIPTIONS confirmed
subscriptions following a mix of lists (countries, words, officials, agreement kinds, every
release; 10% daily digests, which wait for their hour), starts a local SMTP server (aiosmtpd,
127.0.0.1, a free port) and the task worker (`manage.py db_worker`, DEBUG off), then publishes a
release through the publishing workflow and times the messages' arrival at the SMTP server.
Writes bench/results/alerts-latest.md.

Settings, all optional (environment variables):
  BENCH_RELEASES       releases to generate (100000)
  BENCH_SUBSCRIPTIONS  confirmed subscriptions (10000)
  BENCH_DATABASE_URL   a PostgreSQL database instead of the throwaway SQLite file
  BENCH_SEED           seed for the generated data (1)
  BENCH_TIMEOUT        seconds to wait for the alerts (600)
"""

import datetime
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import (  # noqa: E402 -- bench/bench.py, beside this script
    PYTHON,
    ROOT,
    BenchError,
    ensure_postgres_database,
    git_revision,
    redact,
    run,
    setting,
    site_environment,
)
from tests.smtp import start_smtp  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "alerts-latest.md"
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


def expected_recipients(release):
    from collections import defaultdict

    from alerts.models import Subscription
    from alerts.services import matching
    from releases.models import Release

    by_query = defaultdict(int)
    for query in Subscription.objects.filter(frequency="immediate").values_list("query", flat=True):
        by_query[query] += 1
    this = Release.objects.published().filter(pk=release.pk)
    return sum(n for query, n in by_query.items() if matching(this, query).exists())


def main():
    releases = setting("BENCH_RELEASES", 100000)
    subscriptions = setting("BENCH_SUBSCRIPTIONS", 10000)
    seed = setting("BENCH_SEED", 1)
    timeout = setting("BENCH_TIMEOUT", 600.0)
    database_url = setting("BENCH_DATABASE_URL", "")

    workdir = Path(tempfile.mkdtemp(prefix="pressroom-alerts-bench-"))
    controller, inbox = start_smtp()
    worker = None
    try:
        if database_url:
            ensure_postgres_database(database_url)
        else:
            database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        env = site_environment(workdir, database_url)
        env.update(DJANGO_EMAIL_HOST="127.0.0.1", DJANGO_EMAIL_PORT=str(controller.port))
        print(f"Site in {workdir}, database {redact(database_url)}", flush=True)
        run(["migrate", "--noinput"], env, "migrate")
        print(f"Generating {releases:,} releases...", flush=True)
        output, _ = run(
            ["generate_releases", str(releases), "--seed", str(seed), "--clear", "--force"],
            env,
            "generate_releases",
        )
        print(output, flush=True)

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

        worker = subprocess.Popen(  # noqa: S603 -- our own manage.py, fixed arguments
            [str(PYTHON), "manage.py", "db_worker", "--no-reload", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        time.sleep(3)  # let it start and finish the digest check
        inbox.clear()
        load_before = os.getloadavg()[0]
        published = time.monotonic()
        workflow.publish(release, user)
        expected = expected_recipients(release)
        print(f"Published {release.slug}; {expected:,} subscriptions follow it.", flush=True)
        while len(inbox.raw) < expected:
            if time.monotonic() - published > timeout:
                raise BenchError(f"Only {len(inbox.raw)} of {expected} alerts after {timeout} s.")
            time.sleep(0.2)
        time.sleep(2)  # and no more than expected
        if len(inbox.raw) != expected:
            raise BenchError(f"{len(inbox.raw)} messages for {expected} subscriptions.")
        first = inbox.arrivals[0] - published
        last = inbox.arrivals[-1] - published
        text = (
            f"{releases:,} synthetic releases ({public:,} public) and {subscriptions:,} confirmed "
            f"subscriptions on {connection.vendor}; one worker (`db_worker`, DEBUG off) and an "
            f"SMTP server (aiosmtpd) on 127.0.0.1. Machine: {os.cpu_count()} CPUs, load average "
            f"{load_before:.1f}, {os.getloadavg()[0]:.1f} (before, after); commit {git_revision()}.\n\n"
            f"| Alerts for one release | First handed to SMTP | All handed to SMTP | Messages/s |\n"
            f"|---:|---:|---:|---:|\n"
            f"| {expected:,} | {first:.1f} s | {last:.1f} s | {expected / max(last - first, 0.001):.0f} |\n"
        )
        print(text)
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(text)
    except BenchError as error:
        print(f"alerts benchmark failed: {error}", file=sys.stderr)
        sys.exit(1)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(30)
        controller.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
