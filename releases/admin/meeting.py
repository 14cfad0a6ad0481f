from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import LockedInline, LockedVersionAdmin
from core.bilingual import BilingualAdmin, BilingualTabularInline

from ..models import (
    Meeting,
    MeetingParticipant,
)
from ..services import sync_release_countries


class MeetingParticipantInline(LockedInline, BilingualTabularInline):
    model = MeetingParticipant
    extra = 1
    autocomplete_fields = ["official"]
    fields = ["official", "title", "order"]


@admin.register(Meeting)
class MeetingAdmin(LockedVersionAdmin, BilingualAdmin):
    list_display = ["__str__", "date", "kind", "country", "release"]
    list_filter = ["kind", "date", ("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title_ja", "title_en", "summary_ja", "summary_en", "place_ja", "place_en"]
    date_hierarchy = "date"
    autocomplete_fields = ["release", "country"]
    list_select_related = ["country", "release"]
    fieldsets = [
        (
            None,
            {"fields": ["release", ("date", "end_date"), ("kind", "country"), "title", "place"]},
        ),
        (_("Summary"), {"fields": ["summary", "order"]}),
    ]
    inlines = [MeetingParticipantInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        sync_release_countries(form.instance.release)
