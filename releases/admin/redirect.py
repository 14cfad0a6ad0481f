"""Old addresses of releases, and where they now lead (ReleaseRedirect)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import LockedVersionAdmin

from .. import workflow
from ..models import ReleaseRedirect


@admin.register(ReleaseRedirect)
class ReleaseRedirectAdmin(LockedVersionAdmin):
    list_display = ["old_address", "release", "kind", "answer", "created_at", "created_by"]
    list_filter = ["kind"]
    search_fields = ["old_slug", "release__slug", "release__title_ja", "release__title_en"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["release"]
    list_select_related = ["release", "created_by"]
    fields = ["old_slug", "release"]

    def get_changeform_initial_data(self, request):
        # "Replace by another release…" on a release's page fills in its address.
        return {"old_slug": request.GET.get("old_slug", "")[:120]}

    @admin.display(description=_("old address"), ordering="old_slug")
    def old_address(self, redirect):
        return f"/releases/{redirect.old_slug}/"

    @admin.display(description=_("answers now"))
    def answer(self, redirect):
        state = workflow.state(redirect.release)
        if state == "published":
            return _("301 to the release")
        if state == "withdrawn":
            return _("301 to the withdrawn release, or where it leads")
        return _("Nothing until the release is public (404)")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
