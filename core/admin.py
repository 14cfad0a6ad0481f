"""Admin classes every app's admin may build on."""

import logging
from contextlib import nullcontext

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, quote, unquote
from django.contrib.auth import get_permission_codename
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.utils.translation import gettext_lazy as _lazy
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version
from reversion.utils import mute_signals

from . import second_factor
from .history import change_comment, compare, in_each_language, restore
from .locking import VersionLockForm, VersionLockFormSet
from .middleware import RETRY_AFTER

logger = logging.getLogger(__name__)

# A lock wait that ran out, a connection dropped: the same save may well succeed a moment later.
TRANSIENT_DATABASE_ERRORS = (OperationalError, InterfaceError)

NOT_SAVED = gettext_lazy(
    "Nothing was saved: the database did not answer in time. Everything you typed is still "
    "below; press Save again."
)
FILES_NOT_KEPT = gettext_lazy("Choose your files again: a browser cannot keep them.")

# The keys of a POST that are bookkeeping, not something a person typed.
BOOKKEEPING = ("csrfmiddlewaretoken", "lock_version")
FORMSET_BOOKKEEPING = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")


class _RollBack(Exception):
    def __init__(self, response):
        self.response = response


class NotSavedForm:
    """Put before an admin form class when a save failed on the database: the form comes back
    bound to what was typed, refused with a message that says nothing was saved."""

    files_not_kept = False

    def clean(self):
        self.add_error(None, str(NOT_SAVED))
        if self.files_not_kept:
            self.add_error(None, str(FILES_NOT_KEPT))
        return super().clean()


class KeepsTypedWork:
    """A staff save that meets a transient database error (`database is locked`, a dropped
    connection) never throws the form away. The admin's transaction has rolled back, so the save
    is tried once more (not one that carries files); if that fails, the form comes back bound to
    everything typed (fields and inline rows) and refused with NOT_SAVED. Only if even that page
    cannot be built (the database is down) is the answer a 503, and that page shows what was
    typed, to copy.

    The outage page (core.middleware.DatabaseOutageMiddleware) stays for everything else."""

    def add_view(self, request, form_url="", extra_context=None):
        return self._keeping_typed_work(
            super().add_view, request, form_url=form_url, extra_context=extra_context
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._keeping_typed_work(
            super().change_view, request, object_id, form_url=form_url, extra_context=extra_context
        )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if getattr(request, "database_error_on_save", False):
            attrs = {"files_not_kept": bool(request.FILES)}
            return type(form.__name__, (NotSavedForm, form), attrs)
        return form

    def _keeping_typed_work(self, view, request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        # Not with uploads: storage may have moved a large upload's temporary file already.
        attempts = 1 if request.FILES else 2
        for attempt in range(1, attempts + 1):
            try:
                return view(request, *args, **kwargs)
            except TRANSIENT_DATABASE_ERRORS as error:
                logger.warning("A staff save met %r (attempt %d of %d).", error, attempt, attempts)
            # What the failed attempt queued ("… was added successfully") did not happen.
            for _message in messages.get_messages(request):
                pass
        request.database_error_on_save = True
        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            return response
        except TRANSIENT_DATABASE_ERRORS as error:
            logger.error("The unsaved form could not be shown again either (%r).", error)
        return not_saved_response(request)


def typed_values(post):
    """(name, value) for each non-empty value a person typed or chose in a POSTed admin form."""
    for name, values in post.lists():
        if name in BOOKKEEPING or name.startswith("_") or name.endswith(FORMSET_BOOKKEEPING):
            continue
        if name.endswith("-id") or name.endswith("-lock_version"):
            continue
        for value in values:
            if value.strip():
                yield name, value


def not_saved_response(request):
    """A 503 that needs no database and keeps what was typed on the page, to copy."""
    html = render_to_string("admin/not_saved.html", {"typed": list(typed_values(request.POST))})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)
    return response


class HistoryMessage(list):
    """Django's change message (a list, kept in the admin log), carrying the history's comment."""

    def __init__(self, message, comment):
        super().__init__(message)
        self.comment = comment


class LockedInline:
    """For every inline of a LockedVersionAdmin: each row carries its version (VersionLockForm,
    VersionLockFormSet). Put first: `class X(LockedInline, BilingualStackedInline)`."""

    form = VersionLockForm
    formset = VersionLockFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(formset.form.__name__, (formset.form,), {"editor": request.user})
        return formset

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


class LockedVersionAdmin(KeepsTypedWork, VersionAdmin):
    """History (django-reversion) with optimistic locking (VersionLockForm) and a comparison view;
    a save that meets a passing database error keeps what was typed (KeepsTypedWork).

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

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"editor": request.user})

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
        revision = version.revision
        user = revision.user
        return in_each_language(
            lambda: (
                _("Reverted to version %(id)s, saved on %(when)s by %(who)s.")
                % {
                    "id": version.pk,
                    "when": formats.date_format(
                        timezone.localtime(revision.date_created), "DATETIME_FORMAT"
                    ),
                    "who": (user.get_full_name() or user.get_username()) if user else "—",
                }
            )
        )

    # The history's comment on a save: in each language (core.history.in_each_language), set
    # after django-reversion's own, which is the admin log's message in the saver's language.

    def history_comment(self, request, form, formsets, add):
        return change_comment(form, formsets, add)

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        return HistoryMessage(message, self.history_comment(request, form, formsets, add))

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if reversion.is_active() and isinstance(message, HistoryMessage):
            reversion.set_comment(message.comment)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if reversion.is_active() and isinstance(message, HistoryMessage):
            reversion.set_comment(message.comment)
        return entry

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
            messages.warning(request, _("Choose two versions to compare."))
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
            "title": _("Compare versions"),
            "old": old,
            "new": new,
            "diffs": compare(old, new),
        }
        return TemplateResponse(request, "admin/history_compare.html", context)


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    actions = ["reset_second_factor"]

    @admin.action(description=_lazy("Reset second factor"), permissions=["change"])
    def reset_second_factor(self, request, queryset):
        second_factor.reset(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d person sets up a new second factor at their next login.",
                "%(count)d people set up a new second factor at their next login.",
                len(queryset),
            )
            % {"count": len(queryset)},
            messages.SUCCESS,
        )
