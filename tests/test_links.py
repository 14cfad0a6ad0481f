"""No link leads nowhere: over the demo site, every internal link of every public page (both
languages), of the sitemap and of the API answers, followed breadth-first, is not a 404 or 5xx."""

import json
import re
from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db

START = ["/ja/", "/en/", "/api/", "/sitemap.xml"]
HOST = "testserver"
# A filtered list (a query string) is checked, and its links are followed only for the next
# page: filters combine without end, and each combination links the same pages.
FOLLOWED_QUERY = re.compile(r"^(page=\d+)?$")


def internal(url, base):
    """The path and query of `url` if it is on our host and a page to check, else None."""
    url = urldefrag(urljoin(base, url.strip())).url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname != HOST:
        return None
    if parts.path.startswith(("/admin/", "/i18n/")):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def links_of(response, url):
    base = f"http://{HOST}{url}"
    kind = response.get("Content-Type", "")
    if "html" in kind:
        soup = BeautifulSoup(response.content, "html.parser")
        for tag in soup.find_all(href=True):
            yield internal(tag["href"], base)
        for tag in soup.find_all(src=True):
            yield internal(tag["src"], base)
        for tag in soup.find_all(srcset=True):
            for candidate in tag["srcset"].split(","):
                yield internal(candidate.split()[0], base)
    elif "json" in kind:
        yield from (internal(u, base) for u in strings_in(json.loads(response.content)))
    elif "xml" in kind:
        for found in re.findall(rb"<(?:loc|link|id)>([^<]+)</", response.content):
            yield internal(found.decode(), base)
        for found in re.findall(rb'href="([^"]+)"', response.content):
            yield internal(found.decode(), base)


def strings_in(data):
    if isinstance(data, dict):
        for value in data.values():
            yield from strings_in(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings_in(value)
    elif isinstance(data, str) and data.startswith("http"):
        yield data


def answer(client, url):
    if url.startswith("/static/"):
        return 200 if finders.find(urlsplit(url).path.removeprefix("/static/")) else 404
    response = client.get(url, follow=True)
    if response.streaming:
        # Read to the end: a CSV streams from a server-side cursor (PostgreSQL), which must be
        # closed inside this test's transaction, not whenever the response is collected.
        b"".join(response.streaming_content)
    return response


def test_no_internal_link_on_the_demo_site_leads_nowhere(client, settings):
    settings.ALLOWED_HOSTS = [HOST]
    call_command("load_demo", stdout=None)
    seen, queue, broken = set(START), deque((url, "(start)") for url in START), []
    while queue:
        url, found_on = queue.popleft()
        response = answer(client, url)
        status = response if isinstance(response, int) else response.status_code
        if status == 404 or status >= 500:
            broken.append(f"{url} ({status}), linked from {found_on}")
        if isinstance(response, int) or status != 200:
            continue
        if not FOLLOWED_QUERY.match(urlsplit(url).query):
            continue
        final = response.request["PATH_INFO"]
        for link in links_of(response, final):
            if link and link not in seen:
                seen.add(link)
                queue.append((link, url))
    assert not broken, "\n".join(broken)
    # The crawl reached every kind of page: both languages, a release, a country, the API.
    assert {"/ja/countries/jp/", "/en/countries/jp/", "/api/countries/JP/"} <= seen
    assert any(url.startswith("/media/") for url in seen)
