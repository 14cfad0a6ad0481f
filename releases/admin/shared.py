"""Changes to shared records: officials, organisations, countries and agreements appear in many
releases and are live data (a change is public at once, docs/editors.md). Staff see every change
to them saved since it was last reviewed, with who made it; publishers mark them reviewed."""

from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from reversion.models import Version

from core.history import comment_text, unreviewed_changes
from core.models import Review
from people.models import Country, Official, Organization

from ..models import Agreement

SHARED_MODELS = (Official, Organization, Country, Agreement)


@admin.register(Review)
class SharedChangesAdmin(admin.ModelAdmin):
    """The model's list is the page of changes to review; a review is made by its button only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def may_review(self, request):
        return request.user.has_perm("core.add_review")

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:core_review_changelist"))

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self._mark_reviewed(request)
        records, total = unreviewed_changes(SHARED_MODELS)
        for record in records:
            record.change_url = self._change_url(record)
            record.type_id = ContentType.objects.get_for_model(record.model).pk
            record.label = capfirst(record.model._meta.verbose_name)
            for version in record.versions:
                version.comment_text = comment_text(version.revision)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Changes to shared records"),
            "opts": self.opts,
            "records": records,
            "more": total - len(records),
            "may_review": self.may_review(request),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/core/review/shared_changes.html", context)

    def _change_url(self, record):
        try:
            return reverse(
                f"admin:{record.model._meta.app_label}_{record.model._meta.model_name}_change",
                args=[record.object_id],
            )
        except NoReverseMatch:
            return ""

    def _mark_reviewed(self, request):
        if not self.may_review(request):
            raise PermissionDenied
        shared = ContentType.objects.get_for_models(*SHARED_MODELS).values()
        try:
            type_id = int(request.POST.get("content_type", ""))
            up_to = int(request.POST.get("up_to", ""))
        except ValueError:
            return HttpResponseBadRequest()
        object_id = request.POST.get("object_id", "")
        # Up to the version the publisher saw: one saved since then still waits.
        version = Version.objects.filter(
            pk=up_to, content_type_id=type_id, object_id=object_id
        ).first()
        if version is None or type_id not in {t.pk for t in shared}:
            return HttpResponseBadRequest()
        Review.objects.create(
            content_type_id=type_id,
            object_id=object_id,
            up_to_version=up_to,
            reviewed_by=request.user,
        )
        self.message_user(
            request,
            _("Marked reviewed: “%(record)s”.") % {"record": version.object_repr},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:core_review_changelist"))
