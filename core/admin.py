"""Admin classes every app's admin may build on."""

from contextlib import nullcontext

import reversion
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets, quote, unquote
from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version
from reversion.utils import mute_signals

from .history import compare, restore
from .locking import VersionLockForm, VersionLockFormSet


class _RollBack(Exception):
    def __init__(self, response):
        self.response = response


class LockedInline:
    """For every inline of a LockedVersionAdmin: each row carries its version (VersionLockForm,
    VersionLockFormSet). Put first: `class X(LockedInline, BilingualStackedInline)`."""

    form = VersionLockForm
    formset = VersionLockFormSet

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if "lock_version" in fields else [*fields, "lock_version"]

    def get_fieldsets(self, request, obj=None):
        # An inline with declared fieldsets never asks get_fields: its rows would come without
        # their version, and every save would look like an overwrite of a colleague's change.
        fieldsets = list(super().get_fieldsets(request, obj))
        if "lock_version" in flatten_fieldsets(fieldsets):
            return fieldsets
        return [*fieldsets, (None, {"fields": ["lock_version"], "classes": ["hidden"]})]


class LockedVersionAdmin(VersionAdmin):
    """History (django-reversion) with optimistic locking (VersionLockForm) and a comparison view.

    Put before the translation admin class: `class X(LockedVersionAdmin, BilingualAdmin)`.
    Its inlines are LockedInline.
    """

    form = VersionLockForm
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

    def get_fieldsets(self, request, obj=None):
        # The hidden version travels in a fieldset of its own, which the admin does not show.
        return [
            *super().get_fieldsets(request, obj),
            (None, {"fields": ["lock_version"], "classes": ["hidden"]}),
        ]

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id, object_id=unquote(object_id))
        context = {"title": _("Revert %(name)s") % {"name": version.object_repr}, "revert": True}
        template = self.revision_form_template or self._templates("revision_form.html")
        return self._restore_view(request, version, template, {**context, **(extra_context or {})})

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = get_object_or_404(Version, pk=version_id)
        context = {"title": _("Recover %(name)s") % {"name": version.object_repr}, "recover": True}
        template = self.recover_form_template or self._templates("recover_form.html")
        return self._restore_view(request, version, template, {**context, **(extra_context or {})})

    def _templates(self, name):
        """Where django-reversion looks for its form templates, most specific first."""
        opts = self.opts
        return [
            f"reversion/{opts.app_label}/{opts.model_name}/{name}",
            f"reversion/{opts.app_label}/{name}",
            f"reversion/{name}",
        ]

    def _restore_view(self, request, version, template_name, extra_context):
        """The restore (revision_view) and recover (recover_view) pages: django-reversion's
        public views, with the revert done by core.history.restore, which keeps what a restore
        must not change, and recorded as this user's edit of every row it wrote."""
        # reversion looks the version up by its id alone (recover) or with an object id that
        # any model may share (restore): refuse a version of another model here.
        if version.content_type_id != ContentType.objects.get_for_model(self.model).pk:
            raise Http404
        self._check_restore_permission(request, version.revision)
        # Showing the form reverts and rolls back: nothing else may react to those writes.
        muted = (
            mute_signals(pre_save, post_save, pre_delete, post_delete, m2m_changed)
            if request.method == "GET"
            else nullcontext()
        )
        try:
            with transaction.atomic(using=version.db), muted:
                rows = restore(version.revision)
                with self.create_revision(request):
                    if request.method == "POST":
                        for row in rows:
                            reversion.add_to_revision(row)
                    response = self.changeform_view(
                        request, quote(version.object_id), request.path, extra_context
                    )
                    if request.method == "POST" and response.status_code == 302:
                        reversion.set_comment(self._restored_comment(version))
                    elif response.status_code == 200:
                        response.template_name = template_name
                        response.render()
                        raise _RollBack(response)
                    else:
                        raise RevertError(_("This version could not be restored."))
        except (RevertError, models.ProtectedError) as error:
            messages.error(request, str(error))
            return redirect(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist"
            )
        except _RollBack as rollback:
            return rollback.response
        return response

    def _check_restore_permission(self, request, revision):
        """A restore writes every row of the revision: the user must be allowed to change each
        of their models (editors may not change countries, for one)."""
        for content_type_id in set(revision.version_set.values_list("content_type", flat=True)):
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            if model is None:
                continue
            opts = model._meta
            codename = get_permission_codename("change", opts)
            if not request.user.has_perm(f"{opts.app_label}.{codename}"):
                raise PermissionDenied

    def _restored_comment(self, version):
        # Kept in the history, read later by staff of either language: both, as the workflow's.
        revision = version.revision
        user = revision.user
        parts = []
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                parts.append(
                    _("Reverted to version %(id)s, saved on %(when)s by %(who)s.")
                    % {
                        "id": version.pk,
                        "when": formats.date_format(
                            timezone.localtime(revision.date_created), "DATETIME_FORMAT"
                        ),
                        "who": (user.get_full_name() or user.get_username()) if user else "—",
                    }
                )
        return " · ".join(parts)

    def history_view(self, request, object_id, extra_context=None):
        versions = Version.objects.get_for_object_reference(self.model, unquote(object_id))
        versions = versions.select_related("revision__user").order_by(
            *(self.get_version_ordering(request) or ())
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
