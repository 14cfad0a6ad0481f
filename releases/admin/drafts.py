"""Edits to a live release wait for a publisher (releases.drafts), in the release's admin.

The release form of a live release works as any form, inside a transaction rolled back
afterwards: the pending changes are applied, the admin shows or saves the form as usual, and
what it saved is kept as the pending change. The tables, which every public surface reads,
never see the edit. A publisher reviews the changes on their own page (a comparison with the
live release) and publishes them with a change note, at once or at a planned moment.
"""

from contextlib import nullcontext

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.utils import mute_signals

from core.admin import _RollBack

from .. import drafts, workflow
from ..forms import PublishChangesForm
from ..models import PendingChange, Release

NOTHING_WAITS = gettext_lazy("No changes wait: the form is the same as the published version.")
SAVED_AS_PENDING = gettext_lazy(
    "Your changes are saved. The public still sees the published version until a publisher "
    "publishes them."
)


class ChangesWaitingFilter(admin.SimpleListFilter):
    title = gettext_lazy("changes waiting")
    parameter_name = "changes_waiting"

    def lookups(self, request, model_admin):
        return [("yes", _("Changes waiting")), ("no", _("No changes waiting"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(changes_waiting=True)
        if self.value() == "no":
            return queryset.filter(changes_waiting=False)
        return queryset


class PendingChangesAdmin:
    """For ReleaseAdmin: see the module's docstring."""

    def get_queryset(self, request):
        waiting = PendingChange.objects.filter(release=OuterRef("pk"))
        return super().get_queryset(request).annotate(changes_waiting=Exists(waiting))

    @admin.display(description=gettext_lazy("changes waiting"), boolean=True)
    def changes_waiting(self, release):
        return release.changes_waiting

    # The form of a live release

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        release = self._live_release(request, object_id)
        if release is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        change = drafts.pending_change(release)
        extra_context = {**(extra_context or {}), "pending_change": change}
        return self._as_draft(
            request,
            release,
            lambda: super(PendingChangesAdmin, self).changeform_view(
                request, object_id, form_url, extra_context
            ),
            change,
        )

    def _restore_view(self, request, version, template_name, extra_context):
        # A restore of a live release is an edit like any other: it waits for a publisher.
        release = self._live_release(request, version.object_id)
        if release is None:
            return super()._restore_view(request, version, template_name, extra_context)
        if request.method != "POST":
            # The restore page shows the version restored, rolled back: not the pending one.
            request.drafting = True
            return super()._restore_view(request, version, template_name, extra_context)
        return self._as_draft(
            request,
            release,
            lambda: super(PendingChangesAdmin, self)._restore_view(
                request, version, template_name, extra_context
            ),
            None,
        )

    def _live_release(self, request, object_id):
        if object_id is None or getattr(request, "drafting", False):
            return None
        if "_saveasnew" in request.POST:  # a new release: a draft
            return None
        object_id = unquote(str(object_id))
        if not (object_id.isascii() and object_id.isdigit()):
            return None
        release = Release.objects.filter(pk=object_id).first()
        return release if drafts.is_live(release) else None

    def _as_draft(self, request, release, view, change):
        """Run `view` over the pending content (`change`) in a transaction rolled back after it,
        and keep what it saved as the release's pending change."""
        request.drafting = True
        request.publication_steps = []
        kept = None
        muted = (
            mute_signals(pre_save, post_save, pre_delete, post_delete, m2m_changed)
            if request.method != "POST"
            else nullcontext()
        )
        try:
            # Not a version in the history: the admin's own revision (around this view, for
            # change_view) would save the rows of this rolled-back save after the rollback.
            with transaction.atomic(), muted, reversion.create_revision(manage_manually=True):
                base_version = Release.objects.values_list("version", flat=True).get(pk=release.pk)
                live = drafts.serialize(release) if request.method == "POST" else None
                if change is not None:
                    drafts.apply(change)
                response = view()
                if request.method == "POST" and response.status_code == 302:
                    kept = drafts.keep(release, request.user, base_version)
                    if drafts.same_content(kept.content, live):
                        kept = drafts.NOTHING_WAITS
                if hasattr(response, "render"):
                    response.render()
                raise _RollBack(response)
        except _RollBack as rollback:
            response = rollback.response
        finally:
            # A save that failed on the database is tried again (core.admin.KeepsTypedWork):
            # that try is a draft's save too, never a save to the live tables.
            request.drafting = False
        if kept is drafts.NOTHING_WAITS:
            # Saved back to what the public sees (or a publishing step alone): nothing waits.
            drafts.discard(release, request.user)
            if not request.publication_steps:
                self.message_user(request, NOTHING_WAITS, messages.INFO)
        elif kept is not None:
            kept.save()
            self.message_user(request, SAVED_AS_PENDING, messages.SUCCESS)
        if kept is not None:
            for step in request.publication_steps:
                self._take_step(request, release, *step)
        return response

    def _take_step(self, request, release, action, at, reason_ja, reason_en):
        try:
            with reversion.create_revision():
                reversion.set_user(request.user)
                if action == workflow.PUBLISH:
                    workflow.publish(release, request.user)
                elif action == workflow.SCHEDULE:
                    workflow.schedule(release, request.user, at)
                elif action == workflow.UNPUBLISH:
                    workflow.unpublish(release, request.user)
                elif action == workflow.ARCHIVE:
                    workflow.publish_archived(release, request.user, at)
                elif action == workflow.WITHDRAW:
                    workflow.withdraw(release, request.user, reason_ja, reason_en)
                reversion.add_to_revision(release)
                reversion.set_comment(self._done_comment(action, release))
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            done = workflow.DONE_MESSAGES[action] % {"at": self._when(release)}
            self.message_user(request, done, messages.INFO)

    def response_change(self, request, obj):
        if not getattr(request, "drafting", False):
            return super().response_change(request, obj)
        # What was kept, and the publishing step taken after the rollback, say so then.
        if "_continue" in request.POST or request.publication_steps:
            return HttpResponseRedirect(request.path)
        return self.response_post_save_change(request, obj)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # The admin's own “… was changed successfully” would say the public sees it.
        drafting = getattr(request, "drafting", False)
        if drafting and level == messages.SUCCESS and message is not SAVED_AS_PENDING:
            return
        super().message_user(request, message, level, *args, **kwargs)

    # The changes' own page: comparison, publish, schedule, discard

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/changes/",
                self.admin_site.admin_view(self.changes_view),
                name="releases_release_changes",
            ),
        ]
        return urls + super().get_urls()

    def changes_view(self, request, object_id):
        object_id = unquote(object_id)
        if not (object_id.isascii() and object_id.isdigit()):
            raise Http404
        release = get_object_or_404(Release, pk=object_id)
        if not self.has_change_permission(request, release):
            raise PermissionDenied
        change_url = reverse("admin:releases_release_change", args=[quote(release.pk)])
        change = drafts.pending_change(release)
        if change is None:
            self.message_user(request, _("This release has no changes waiting."), messages.INFO)
            return HttpResponseRedirect(change_url)
        may_publish = workflow.can_publish(request.user)
        form = PublishChangesForm(request.POST or None)
        if request.method == "POST":
            if "_discard" in request.POST:
                drafts.discard(release, request.user)
                self.message_user(request, _("The changes were discarded."), messages.SUCCESS)
                return HttpResponseRedirect(change_url)
            if not may_publish:
                raise PermissionDenied
            if form.is_valid():
                done = self._publish_changes(request, release, form)
                if done:
                    return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": release,
            "title": _("Changes waiting for a publisher"),
            "change": change,
            "diffs": drafts.comparison(change),
            "form": form,
            "may_publish": may_publish,
            "preview_url": reverse("admin:releases_release_preview", args=[release.pk]),
        }
        return TemplateResponse(request, "admin/releases/release/changes.html", context)

    def _publish_changes(self, request, release, form):
        data = form.cleaned_data
        note = {"note_ja": data["note_ja"], "note_en": data["note_en"], "major": data["major"]}
        try:
            if "_schedule" in request.POST:
                drafts.schedule(release, request.user, data["publish_at"], **note)
                self.message_user(request, _("The changes will be published then."))
            else:
                with reversion.create_revision():
                    drafts.publish(release, request.user, **note)
                self.message_user(request, _("The changes are published."), messages.SUCCESS)
        except ValidationError as error:
            form.add_error("publish_at" if error.code == "past" else None, error)
            return False
        return True

    @admin.action(description=gettext_lazy("Review and publish the waiting changes…"))
    def review_changes(self, request, queryset):
        waiting = queryset.filter(changes_waiting=True)
        first = waiting.first()
        if first is None:
            self.message_user(request, _("None of these releases has changes waiting."))
            return None
        if waiting.count() > 1:
            self.message_user(
                request,
                _(
                    "Changes are published one release at a time, each with its note: this is the first."
                ),
                messages.WARNING,
            )
        return HttpResponseRedirect(reverse("admin:releases_release_changes", args=[first.pk]))
