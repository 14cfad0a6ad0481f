from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.admin import LockedVersionAdmin
from core.bilingual import BilingualAdmin

from ..models import TopicalEvent


@admin.register(TopicalEvent)
class TopicalEventAdmin(LockedVersionAdmin, BilingualAdmin):
    list_display = ["name", "start_date", "end_date", "release_count"]
    list_filter = ["start_date"]
    search_fields = ["name_ja", "name_en", "description_ja", "description_en", "slug"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["countries", "releases", "meetings", "agreements"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": ["name", "description", ("start_date", "end_date"), "countries"]}),
        (_("What belongs to it"), {"fields": ["releases", "meetings", "agreements"]}),
        (_("Address"), {"fields": ["slug"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_releases=Count("releases"))

    @admin.display(description=_("releases"), ordering="num_releases")
    def release_count(self, event):
        return event.num_releases


class TopicalEventInline(admin.TabularInline):
    """The release's topical events, attached or removed from the release's own form."""

    model = TopicalEvent.releases.through
    extra = 0
    fold_over = 3
    autocomplete_fields = ["topicalevent"]
    verbose_name = _("topical event")
    verbose_name_plural = _("topical events")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "topicalevent":
            field.label = _("topical event")
        return field
