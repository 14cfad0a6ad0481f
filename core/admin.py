"""Admin classes every app's admin may build on."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from reversion.admin import VersionAdmin
from reversion.models import Version

from .history import compare


class LockedVersionAdmin(VersionAdmin):
    """History (django-reversion) with optimistic locking (VersionLockForm) and a comparison view.

    Put before the translation admin class: `class X(LockedVersionAdmin, TabbedTranslationAdmin)`.
    """

    object_history_template = "admin/history_with_compare.html"
    history_latest_first = True

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        urls = [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="{}_{}_compare".format(*info),
            ),
        ]
        return urls + super().get_urls()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        before = getattr(request, "_version_before_request", None)
        return type(form.__name__, (form,), {"version_before_request": before})

    def get_fieldsets(self, request, obj=None):
        # The hidden version travels in a fieldset of its own, which the admin does not show.
        return [
            *super().get_fieldsets(request, obj),
            (None, {"fields": ["lock_version"], "classes": ["hidden"]}),
        ]

    def _remember_version(self, request, object_id):
        """History views revert the row before the form is built: remember the row first."""
        row = self.model._default_manager.select_for_update().filter(pk=object_id).first()
        request._row_before_request = row
        request._version_before_request = row.version if row else None

    def revision_view(self, request, object_id, version_id, extra_context=None):
        with transaction.atomic():
            self._remember_version(request, unquote(object_id))
            return super().revision_view(request, object_id, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        versions = self._reversion_order_version_queryset(
            request,
            Version.objects.get_for_object_reference(self.model, unquote(object_id)).select_related(
                "revision__user"
            ),
        )
        context = {
            "versions": versions,
            "compare_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_compare", args=[object_id]
            ),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, context)

    def compare_view(self, request, object_id):
        obj = get_object_or_404(self.model, pk=unquote(object_id))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        try:
            old = versions.get(pk=int(request.GET.get("from", "")))
            new = versions.get(pk=int(request.GET.get("to", "")))
        except (ValueError, Version.DoesNotExist):
            messages.warning(
                request, "比較する2つの版を選んでください。 · Choose two versions to compare."
            )
            return HttpResponseRedirect(
                reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_history", args=[obj.pk]
                )
            )
        if old.pk > new.pk:
            old, new = new, old
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": "版の比較 · Compare versions",
            "old": old,
            "new": new,
            "diffs": compare(old, new),
        }
        return TemplateResponse(request, "admin/history_compare.html", context)
