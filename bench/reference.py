"""The benchmark's yardstick: a bare Django view rendering a 20-item list from constants
through a template. Routed only by bench/urls.py (the
benchmark's settings, bench/settings.py)."""

import datetime

from django.http import HttpResponse
from django.template import engines

ITEMS = [
    {
        "title": f"Release number {n} about lithium and rare metals",
        "url": f"/ja/releases/release-{n}/",
        "date": datetime.date(2025, 1, 1) + datetime.timedelta(days=n),
        "countries": ["Kazakhstan", "Uzbekistan"],
    }
    for n in range(20)
]

TEMPLATE = engines["django"].from_string(
    """<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>Releases</title></head>
<body><main><h1>Releases</h1><ol>
{% for item in items %}<li><a href="{{ item.url }}">{{ item.title }}</a>
<time datetime="{{ item.date|date:'Y-m-d' }}">{{ item.date|date }}</time>
{% for country in item.countries %}<span>{{ country }}</span>{% endfor %}</li>
{% endfor %}</ol></main></body></html>"""
)


def bare_list(request):
    response = HttpResponse(TEMPLATE.render({"items": ITEMS}, request))
    # Rendered on every request: it measures a view, not the page cache.
    response["Cache-Control"] = "private"
    return response
