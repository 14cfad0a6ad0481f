"""The public pages `make bench` measures, and their targets with no cache at all; shared by
bench/bench.py and bench/render_floor.py."""

from dataclasses import dataclass
from urllib.parse import urlencode

# With no cache at all, as a share of the bare view: the Wagtail peer's best (issue 24).
TARGETS_NONE = {
    "list-first": 0.19,
    "list": 0.16,
    "release": 0.36,
    "page": 0.20,
    "search": 0.20,
}


@dataclass
class Target:
    label: str
    path: str
    kind: str = ""


def public_pages():
    """(database vendor, public releases, [Target]) of the site Django is set up with, after
    analysing its database: the release is a recent one with several meetings, the official
    the one at the most meetings. LookupError when no release is public."""
    from django.db import connection
    from django.db.models import Count

    from releases.models import Release

    # A production database has planner statistics; a freshly bulk-loaded one has none yet.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    public = Release.objects.published()
    count = public.count()
    if not count:
        raise LookupError("No public release was generated.")
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
            Target("List, page 1", "/ja/releases/", "list-first"),
            Target(f"List, page {deep}", f"/ja/releases/{q(page=deep)}", "list"),
            Target(f"Country filter ({country})", f"/ja/releases/{q(country=country)}", "list"),
            Target("Date filter (June 2024)", f"/ja/releases/{q(year=2024, month=6)}", "list"),
            Target("Release page", f"/ja/releases/{detail}/", "release"),
            Target(f"Country page ({country})", f"/ja/countries/{country.lower()}/", "page"),
            Target("Official page", f"/ja/officials/{official}/", "page"),
            Target("Search (lithium, English)", f"/en/releases/{q(q='lithium')}", "search"),
            Target("Agreements", "/ja/agreements/", "list"),
            Target("RSS feed", "/ja/releases/feed/rss/"),
            Target("Sitemap (releases)", "/sitemap-releases.xml"),
            Target("API, releases", "/api/releases/?lang=en"),
        ],
    )
