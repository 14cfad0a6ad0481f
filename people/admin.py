import datetime

import reversion
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.admin import LockedInline, LockedVersionAdmin
from core.bilingual import BilingualAdmin, BilingualTabularInline

from .models import Country, Official, Organization, Post

reversion.register(Post)
reversion.register(Official, follow=["posts"])


@admin.register(Country)
class CountryAdmin(LockedVersionAdmin, BilingualAdmin):
    list_display = ["code", "name", "region"]
    search_fields = ["code", "name_ja", "name_en"]
    ordering = ["code"]
    fieldsets = [(None, {"fields": ["code", "name", "region_code"]})]


@admin.register(Organization)
class OrganizationAdmin(LockedVersionAdmin, BilingualAdmin):
    list_display = ["name", "short_name", "kind", "country"]
    list_filter = ["kind", ("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name_ja", "name_en", "short_name_ja", "short_name_en", "other_names", "slug"]
    autocomplete_fields = ["country", "parent"]
    list_select_related = ["country"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": ["name", "short_name", "kind", "country", "parent"]}),
        (_("Search and address"), {"fields": ["other_names", "slug"]}),
    ]


class PostInline(LockedInline, BilingualTabularInline):
    model = Post
    extra = 1
    autocomplete_fields = ["organization"]
    fields = ["title", "organization", "start_date", "end_date"]


@admin.register(Official)
class OfficialAdmin(LockedVersionAdmin, BilingualAdmin):
    list_display = ["name", "current_post", "country"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name_ja", "name_en", "other_names", "slug"]
    autocomplete_fields = ["country"]
    list_select_related = ["country"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": ["name", "country"]}),
        (_("Search and address"), {"fields": ["other_names", "slug"]}),
    ]
    inlines = [PostInline]

    def get_urls(self):
        urls = [
            path(
                "posts-on/",
                self.admin_site.admin_view(self.posts_on_view),
                name="people_official_posts_on",
            )
        ]
        return urls + super().get_urls()

    def posts_on_view(self, request):
        """JSON for the release form: the title each official held on a date, as a meeting row
        will show it (`?date=2025-12-19&official=3&official=5`)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            day = datetime.date.fromisoformat(request.GET.get("date", ""))
            ids = [int(pk) for pk in request.GET.getlist("official")[:50]]
        except ValueError:
            return JsonResponse({"error": "date=YYYY-MM-DD and official=<id> expected"}, status=400)
        officials = Official.objects.filter(pk__in=ids).order_by("pk")
        rows = []
        for official in officials:
            post = official.post_on(day)
            rows.append(
                {
                    "id": official.pk,
                    "name": str(official),
                    "title_ja": post.title_ja if post else "",
                    "title_en": post.title_en if post else "",
                    "title": post.title if post else "",
                }
            )
        return JsonResponse({"date": day.isoformat(), "officials": rows})

    def get_queryset(self, request):
        posts = Post.objects.select_related("organization")
        return super().get_queryset(request).prefetch_related(Prefetch("posts", queryset=posts))

    @admin.display(description=_("current post"))
    def current_post(self, official):
        # Posts are ordered with the open-ended (current) one first; uses the prefetch.
        posts = list(official.posts.all())
        return str(posts[0]) if posts else "—"
