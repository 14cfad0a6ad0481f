import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from core.views import set_translation_mode
from releases.feeds import FeedPageView, ReleaseAtomFeed, ReleaseFeed
from releases.media import photo_file
from releases.sitemaps import SITEMAPS

urlpatterns = [
    path(
        "admin/translation-mode/",
        admin.site.admin_view(set_translation_mode),
        name="translation_mode",
    ),
    path("admin/second-factor/", include("core.urls")),
    path("admin/", admin.site.urls),
    # The admin's language switch (set_language): the admin has no language prefix.
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain; charset=utf-8"),
        name="robots",
    ),
    path("api/", include("api.urls")),
]

feeds = [
    path("", FeedPageView.as_view(), name="page"),
    path("rss/", ReleaseFeed.as_view(), name="rss"),
    path("atom/", ReleaseAtomFeed.as_view(), name="atom"),
]

urlpatterns += i18n_patterns(
    path("releases/feed/", include((feeds, "feeds"))),
    path("alerts/", include("alerts.urls")),
    path("", include("releases.urls")),
)

# Photo files, each after a check that the public (or this staff member) may see it.
urlpatterns += [
    re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$", photo_file, name="media")
]
