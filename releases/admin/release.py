"""The release: its form, the publishing workflow's buttons, preview, history and bulk actions."""

import reversion
from csp.constants import NONCE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from js_asset import Media as ImportMapMedia

from core.admin import LockedVersionAdmin
from core.bilingual import BilingualAdmin
from core.history import in_each_language
from people.models import Organization

from .. import workflow
from ..forms import ReleaseAdminForm
from ..models import (
    Meeting,
    Photo,
    Release,
    ReleaseRedirect,
)
from ..services import add_new_official, set_meeting_officials, sync_release_countries
from ..translation_status import describe, refresh_translation_status
from .drafts import ChangesWaitingFilter, PendingChangesAdmin
from .event import TopicalEventInline
from .inlines import (
    AttachmentInline,
    ContactInline,
    MeetingInline,
    PhotoInline,
    ReleaseAgreementInline,
    SectionInline,
)
from .preview import ReleasePreviewView
from .translation import TranslationFilter, TranslationQueueView, gap_rows, mark_english_checked

# Keys of the release form that only the workflow may write. The form never has inputs for
# them; a POST that carries them anyway (a crafted request) is refused as a whole.
PUBLICATION_KEYS = {"status", "published_at", "published_at_0", "published_at_1", "published_by"}
PUBLICATION_KEYS |= {"withdrawn_at", "version"}
WITHDRAWAL_KEYS = {"withdrawal_reason", "withdrawal_reason_ja", "withdrawal_reason_en"}


@admin.register(Release)
class ReleaseAdmin(PendingChangesAdmin, LockedVersionAdmin, BilingualAdmin):
    form = ReleaseAdminForm
    list_display = [
        "title",
        "publication_state",
        "published_at",
        "country_codes",
        "translation_state",
        "changes_waiting",
    ]
    list_filter = [
        "status",
        ChangesWaitingFilter,
        TranslationFilter,
        "published_at",
        ("countries", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title_ja", "title_en", "lead_ja", "lead_en", "slug"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["issuer", "countries"]
    list_select_related = ["issuer"]
    readonly_fields = ["publication_state_detail", "translation_detail", "old_addresses"]
    inlines = [
        SectionInline,
        MeetingInline,
        ReleaseAgreementInline,
        PhotoInline,
        AttachmentInline,
        ContactInline,
        TopicalEventInline,
    ]
    actions = ["publish_selected", "unpublish_selected", "review_changes"]
    change_form_template = "admin/releases/release/change_form.html"
    change_list_template = "admin/releases/release/change_list.html"

    def get_fieldsets(self, request, obj=None):
        # The form reads top-down as an editor works: the release, then (in the template) its
        # body, meetings, agreements, photos and contacts, and publishing last.
        can_publish = workflow.can_publish(request.user)
        publication = ["publication_state_detail", "slug"]
        if obj is not None:
            publication.append("old_addresses")
        if can_publish:
            publication.append("schedule_at")
        fieldsets = [
            (
                _("The release"),
                {"fields": ["title", "subtitle", "lead", "issuer", "department", "countries"]},
            ),
            (
                _("Publishing"),
                {
                    "classes": ["publishing"],
                    "fields": publication,
                    "description": _(
                        "Publish, schedule, unpublish and withdraw with the buttons below the "
                        "form (publishers only)."
                    ),
                },
            ),
        ]
        if obj is not None:
            fieldsets.insert(
                1,
                (
                    _("Translation"),
                    {
                        "classes": ["translation-status"],
                        "fields": ["translation_detail", "english_checked"],
                    },
                ),
            )
        if can_publish:
            withdrawn = obj is not None and obj.status == Release.Status.WITHDRAWN
            fieldsets.append(
                (
                    _("Withdrawal"),
                    {
                        "classes": ["publishing"] if withdrawn else ["publishing", "collapse"],
                        "fields": ["withdrawal_reason"],
                        "description": _(
                            "Write the reason before pressing “Withdraw”: the public page shows it."
                        ),
                    },
                )
            )
        fieldsets.append((None, {"fields": ["lock_version"], "classes": ["hidden"]}))
        return self.pair_fieldsets(fieldsets)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        issuer = Organization.objects.filter(slug=settings.PRESSROOM_ISSUER_SLUG).first()
        if issuer is not None:
            initial.setdefault("issuer", issuer.pk)
        last = self._last_release_saved_by(request.user)
        if last is not None:
            initial.setdefault("department_ja", last.department_ja)
            initial.setdefault("department_en", last.department_en)
        return initial

    def _last_release_saved_by(self, user):
        """The release this editor saved last (its department is most likely theirs)."""
        saved = LogEntry.objects.filter(
            user_id=user.pk,
            content_type=ContentType.objects.get_for_model(Release),
            action_flag__in=[ADDITION, CHANGE],
        ).order_by("-action_time")
        ids = [int(pk) for pk in saved.values_list("object_id", flat=True)[:10] if pk.isdigit()]
        by_id = Release.objects.exclude(department_ja="").in_bulk(ids)
        return next((by_id[pk] for pk in ids if pk in by_id), None)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != Release.Status.DRAFT:
            # Its address is out in the world: links, feeds, search engines.
            readonly.append("slug")
        return readonly

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is None:
            return inlines
        for inline in inlines:
            # Fresh instances per request: the heading says how many rows the group has, and a
            # long group starts folded.
            count = inline.model._default_manager.filter(release=obj).count()
            inline.verbose_name_plural = f"{capfirst(inline.verbose_name_plural)} ({count})"
            if count > inline.fold_over:
                inline.classes = [*(inline.classes or []), "collapse"]
        return inlines

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        attrs = {"user": request.user, "workflow_action": self._workflow_action(request)}
        if request.method == "POST":
            attrs["tampered"] = self._tampered_keys(request, obj)
        return type(form.__name__, (form,), attrs)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("countries")

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    # Columns and read-only fields

    @admin.display(description=_("countries"))
    def country_codes(self, release):
        return ", ".join(c.code for c in release.countries.all())

    @admin.display(description=_("translation"), ordering="english_missing")
    def translation_state(self, release):
        return describe(release.english_missing, release.english_outdated)

    @admin.display(description=_("What to translate"))
    def translation_detail(self, release):
        if release is None or release.pk is None:
            return ""
        return render_to_string(
            "admin/releases/release/translation_detail.html",
            {
                "rows": gap_rows(release),
                "summary": describe(release.english_missing, release.english_outdated),
            },
        )

    @admin.display(description=_("Old addresses"))
    def old_addresses(self, release):
        """What leads here, where this release's address leads, and a way to replace it."""
        if release is None or release.pk is None:
            return ""
        leading_here = release.redirects.order_by("old_slug")
        replaced_by = ReleaseRedirect.objects.filter(old_slug=release.slug).first()
        return render_to_string(
            "admin/releases/release/old_addresses.html",
            {
                "release": release,
                "leading_here": leading_here,
                "replaced_by": replaced_by,
                "add_url": reverse("admin:releases_releaseredirect_add"),
                "list_url": reverse("admin:releases_releaseredirect_changelist"),
            },
        )

    @admin.display(description=_("State"), ordering="status")
    def publication_state(self, release):
        return workflow.STATE_LABELS[workflow.state(release)]

    @admin.display(description=_("State"))
    def publication_state_detail(self, release):
        if release is None or release.pk is None:
            return workflow.STATE_LABELS["draft"]
        label = workflow.STATE_LABELS[workflow.state(release)]
        lines = [label]
        if release.published_at:
            when = formats.date_format(timezone.localtime(release.published_at), "DATETIME_FORMAT")
            lines.append(_("Publication time: %(when)s") % {"when": when})
        if release.published_by:
            who = release.published_by.get_full_name() or release.published_by.get_username()
            lines.append(_("Published by: %(who)s") % {"who": who})
        if release.withdrawn_at:
            when = formats.date_format(timezone.localtime(release.withdrawn_at), "DATETIME_FORMAT")
            lines.append(_("Withdrawn at: %(when)s") % {"when": when})
            if release.withdrawal_reason:
                lines.append(_("Reason: %(reason)s") % {"reason": release.withdrawal_reason})
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))

    # Publication rules

    def _workflow_action(self, request):
        if request.method != "POST":
            return None
        for action in workflow.ALLOWED_FROM:
            if f"_{action}" in request.POST:
                return action
        return None

    def _tampered_keys(self, request, obj):
        keys = PUBLICATION_KEYS
        if not workflow.can_publish(request.user):
            keys = keys | WITHDRAWAL_KEYS
        tampered = set()
        for key in keys & set(request.POST):
            value = request.POST.get(key, "").strip()
            if key == "status" and value == (obj.status if obj else Release.Status.DRAFT):
                continue
            if key in WITHDRAWAL_KEYS:
                current = getattr(obj, key, "") if obj else ""
                if value == (current or "").strip():
                    continue
            if value:
                tampered.add(key)
        return tampered

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = form.workflow_action
        if action and getattr(request, "drafting", False):
            # A live release's edit is rolled back into its pending change (admin/drafts.py);
            # the step is taken on the live release after that.
            data = form.cleaned_data
            reason_ja = data.get("withdrawal_reason_ja", obj.withdrawal_reason_ja) or ""
            reason_en = data.get("withdrawal_reason_en", obj.withdrawal_reason_en) or ""
            step = (action, data.get("schedule_at"), reason_ja, reason_en)
            request.publication_steps.append(step)
        elif action == workflow.PUBLISH:
            workflow.publish(obj, request.user)
        elif action == workflow.SCHEDULE:
            workflow.schedule(obj, request.user, form.cleaned_data["schedule_at"])
        elif action == workflow.UNPUBLISH:
            workflow.unpublish(obj, request.user)
        elif action == workflow.ARCHIVE:
            workflow.publish_archived(obj, request.user, form.cleaned_data["schedule_at"])
        elif action == workflow.WITHDRAW:
            workflow.withdraw(
                obj, request.user, obj.withdrawal_reason_ja, obj.withdrawal_reason_en or ""
            )

    def history_comment(self, request, form, formsets, add):
        # A publishing step is what the history says happened, in words.
        if form.workflow_action:
            return self._done_comment(form.workflow_action, form.instance)
        return super().history_comment(request, form, formsets, add)

    def _done_comment(self, action, release):
        return in_each_language(
            lambda: workflow.DONE_MESSAGES[action] % {"at": self._when(release)}
        )

    def _when(self, release):
        if not release.published_at:
            return ""
        return formats.date_format(timezone.localtime(release.published_at), "DATETIME_FORMAT")

    def response_add(self, request, obj, post_url_continue=None):
        return self._workflow_response(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self._workflow_response(request, obj) or super().response_change(request, obj)

    def _workflow_response(self, request, obj):
        action = self._workflow_action(request)
        if not action or getattr(request, "drafting", False):
            return None
        self.message_user(
            request, workflow.DONE_MESSAGES[action] % {"at": self._when(obj)}, messages.SUCCESS
        )
        return HttpResponseRedirect(reverse("admin:releases_release_change", args=[obj.pk]))

    # Forms and buttons

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["media"] = ImportMapMedia.from_media(context["media"], nonce=request.csp_nonce)
        current = workflow.state(obj) if obj is not None else "draft"
        show = (
            workflow.can_publish(request.user)
            and not context.get("revert")
            and not context.get("recover")
        )
        context["workflow_buttons"] = [
            (
                f"_{action}",
                workflow.BUTTON_LABELS[action],
                "default" if action == workflow.PUBLISH else "",
            )
            for action in (workflow.available_actions(obj) if show else [])
        ]
        context["publication_state"] = workflow.STATE_LABELS[current]
        context["may_publish"] = workflow.can_publish(request.user)
        # The rich-text editor loads as ES modules through an import map, an inline script:
        # allow it by this response's nonce only.
        render = csp_update({"script-src": [NONCE]})(super().render_change_form)
        return render(request, context, add, change, form_url, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        sync_release_countries(form.instance)
        if form.cleaned_data.get("english_checked"):
            # After the commit: the gaps are recounted then, with this save's texts.
            release = form.instance
            transaction.on_commit(lambda: self._english_checked(release))

    def _english_checked(self, release):
        release.refresh_from_db(fields=["translation_gaps"])
        mark_english_checked(release)
        refresh_translation_status([release.pk])

    def save_formset(self, request, form, formset, change):
        if formset.model is Photo:
            self._attach_photos_to_meetings(formset, getattr(form, "saved_meeting_forms", []))
        super().save_formset(request, form, formset, change)
        if formset.model is Meeting:
            # Meetings are saved before photos (the order of `inlines`): photos find them here.
            form.saved_meeting_forms = formset.forms
            for meeting_form in formset.forms:
                meeting = meeting_form.instance
                if not meeting.pk or not meeting_form.has_changed():
                    continue
                if "officials" in meeting_form.cleaned_data:
                    set_meeting_officials(meeting, meeting_form.cleaned_data["officials"])
                new_official = meeting_form.new_official()
                if new_official:
                    add_new_official(meeting, **new_official)

    def _attach_photos_to_meetings(self, formset, meeting_forms):
        for photo_form in formset.forms:
            if "meeting_position" not in getattr(photo_form, "cleaned_data", {}):
                continue
            position = photo_form.cleaned_data["meeting_position"]
            meeting = None
            if position is not None and position < len(meeting_forms):
                meeting = meeting_forms[position].instance
            photo_form.instance.meeting = meeting if meeting and meeting.pk else None

    # Actions on the list

    @admin.action(
        description=_("Publish the selected releases now"),
        permissions=["publish"],
    )
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, workflow.PUBLISH, workflow.publish)

    @admin.action(
        description=_("Unpublish the selected releases"),
        permissions=["publish"],
    )
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, workflow.UNPUBLISH, workflow.unpublish)

    def _bulk(self, request, queryset, action, function):
        done, refused = 0, []
        for release in queryset:
            try:
                with reversion.create_revision():
                    reversion.set_user(request.user)
                    function(release, request.user)
                    reversion.set_comment(self._done_comment(action, release))
                done += 1
            except ValidationError as error:
                refused.append(f"{release}: {' '.join(error.messages)}")
        if done:
            self.message_user(
                request,
                ngettext("%(n)d release: %(done)s", "%(n)d releases: %(done)s", done)
                % {"n": done, "done": workflow.DONE_MESSAGES[action] % {"at": ""}},
            )
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    # Translation

    def translation_queue_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return TranslationQueueView(self)(request)

    # Preview

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/preview/",
                # Not admin_view(): the preview answers strangers with a 404, not a login page.
                ReleasePreviewView.as_view(),
                name="releases_release_preview",
            ),
            path(
                "translation/",
                self.admin_site.admin_view(self.translation_queue_view),
                name="releases_release_translation",
            ),
        ]
        return urls + super().get_urls()
