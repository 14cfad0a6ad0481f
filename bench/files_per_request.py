"""Which of our files one request reads: `make files-per-request`.

Follows `/en/releases/` and the demo release's page through Django's test client, in a
throwaway in-memory SQLite database holding the demo release (`load_demo`) and a few more, and
lists for each the files of this project it touched:

- Python: every module one of whose functions ran (`sys.setprofile`), with those functions,
  plus the URLconfs that routed the path; the tests, the benchmark and the virtualenv are not
  counted;
- templates: every template rendered (Django's `template_rendered` signal), includes and the
  templates extended among them, when the file is ours (Django's and libraries' are not).

Each page is requested once beforehand (imports and template compilation are not a request's
work), then again with the cache emptied, as the first request after a change: what a newcomer
follows from the URL to the template. Prints the lists and their counts against the target
(about ten files a page), with ✓ or ✗ as `make bench` marks its targets.
`FILES_PER_REQUEST_LIMIT` changes the target.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_OURS = [ROOT / ".venv", ROOT / "tests", ROOT / "bench"]
LIMIT = int(os.environ.get("FILES_PER_REQUEST_LIMIT", "10"))


def ours(filename):
    path = Path(filename)
    return path.is_relative_to(ROOT) and not any(path.is_relative_to(p) for p in NOT_OURS)


def setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DJANGO_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="files-per-request-")
    os.environ.pop("DATABASE_URL", None)  # an in-memory SQLite test database
    os.environ.pop("REDIS_URL", None)  # this process's memory: emptied before each request

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()  # template_rendered is sent only under the test instrumentation
    connection.creation.create_test_db(verbosity=0, autoclobber=True)


def site():
    """The demo release and a few other public releases; the demo release's English address."""
    import datetime

    from django.utils import timezone, translation

    from devdata.demo import load_demo
    from people.models import Country
    from releases.models import Release

    demo = load_demo().release
    for n, code in enumerate(["KZ", "UZ", "MN", "KZ", "PE"]):
        release = Release.objects.create(
            slug=f"release-{n}",
            title_ja=f"お知らせ {n}",
            title_en=f"Release {n}",
            status=Release.Status.PUBLISHED,
            published_at=timezone.now() - datetime.timedelta(days=n + 1),
            issuer=demo.issuer,
        )
        release.countries.add(Country.objects.get(code=code))
    with translation.override("en"):
        return demo.get_absolute_url()


def touched(client, path):
    """(Python files, template files) of ours that a GET of `path` ran, and its status."""
    from django.core.cache import cache
    from django.test.signals import template_rendered
    from django.urls import resolve

    python, templates = {}, set()

    def profile(frame, event, arg):
        if event == "call" and ours(frame.f_code.co_filename):
            python.setdefault(frame.f_code.co_filename, set()).add(frame.f_code.co_qualname)

    def rendered(sender, template, **kwargs):
        name = getattr(getattr(template, "origin", None), "name", None)
        if name and ours(name):
            templates.add(name)

    client.get(path)  # imports, template compilation: not the request's own work
    cache.clear()
    template_rendered.connect(rendered)
    sys.setprofile(profile)
    try:
        response = client.get(path)
    finally:
        sys.setprofile(None)
        template_rendered.disconnect(rendered)
    # The URLconfs that route the path are read too, though nothing in them runs per request.
    from django.conf import settings

    python.setdefault(sys.modules[settings.ROOT_URLCONF].__file__, {"urlpatterns"})
    for pattern in resolve(path).tried[-1]:
        module = getattr(pattern, "urlconf_module", None)
        if module is not None and hasattr(module, "__file__"):
            python.setdefault(module.__file__, {"urlpatterns"})
    python = {str(Path(name).relative_to(ROOT)): sorted(run) for name, run in python.items()}
    templates = sorted(str(Path(name).relative_to(ROOT)) for name in templates)
    return dict(sorted(python.items())), templates, response.status_code


def main():
    setup()
    from django.test import Client

    release_path = site()
    client = Client()
    for label, path in [("The list", "/en/releases/"), ("A release page", release_path)]:
        python, templates, status = touched(client, path)
        total = len(python) + len(templates)
        mark = "✓" if total <= LIMIT else "✗"
        print(f"\n{label}: GET {path} ({status})")
        print(f"  {total} files of ours {mark} (target ≤ {LIMIT}): ", end="")
        print(f"{len(python)} Python, {len(templates)} templates")
        for name, functions in python.items():
            print(f"    {name}: {', '.join(functions)}")
        for name in templates:
            print(f"    {name}")


if __name__ == "__main__":
    main()
