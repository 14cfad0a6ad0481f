import reversion
from django.contrib import admin
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from core.admin import LockedInline, LockedVersionAdmin

from .models import Country, Official, Organization, Post

reversion.register(Post)
reversion.register(Official, follow=["posts"])


@admin.register(Country)
class CountryAdmin(LockedVersionAdmin, TabbedTranslationAdmin):
    list_display = ["code", "name", "region"]
    search_fields = ["code", "name_ja", "name_en"]
    ordering = ["code"]
    fieldsets = [(None, {"fields": ["code", "name", "region_code"]})]


@admin.register(Organization)
class OrganizationAdmin(LockedVersionAdmin, TabbedTranslationAdmin):
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


class PostInline(LockedInline, TranslationTabularInline):
    model = Post
    extra = 1
    autocomplete_fields = ["organization"]
    fields = ["title", "organization", "start_date", "end_date"]


@admin.register(Official)
class OfficialAdmin(LockedVersionAdmin, TabbedTranslationAdmin):
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

    def get_queryset(self, request):
        posts = Post.objects.select_related("organization")
        return super().get_queryset(request).prefetch_related(Prefetch("posts", queryset=posts))

    @admin.display(description=_("current post"))
    def current_post(self, official):
        # Posts are ordered with the open-ended (current) one first; uses the prefetch.
        posts = list(official.posts.all())
        return str(posts[0]) if posts else "—"
