from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from core.admin import LockedInline, LockedVersionAdmin
from core.bilingual import BilingualAdmin, BilingualTabularInline

from .. import drafts
from ..models import (
    Meeting,
    MeetingParticipant,
    Release,
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

    # A live release's meetings change on its own form, where edits wait for a publisher
    # (releases.drafts): here they are read-only, and only drafts take new meetings.

    def has_change_permission(self, request, obj=None):
        if obj is not None and drafts.is_live(obj.release):
            return False
        return super().has_change_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        # Not through has_delete_permission: deleting a release deletes its meetings too.
        meeting = self.get_object(request, object_id)
        if meeting is not None and drafts.is_live(meeting.release):
            raise PermissionDenied
        return super().delete_view(request, object_id, extra_context)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset.filter(release__status=Release.Status.DRAFT))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "release":
            kwargs["queryset"] = Release.objects.filter(status=Release.Status.DRAFT)
            kwargs["help_text"] = _(
                "A draft. The meetings of a published release are changed on its own form."
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
