"""The release: its form, the publishing workflow's buttons, preview, history and bulk actions."""

import reversion
from csp.constants import NONCE
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from js_asset import Media as ImportMapMedia
from modeltranslation.admin import (
    TabbedTranslationAdmin,
)

from core.admin import LockedVersionAdmin

from .. import workflow
from ..forms import ReleaseAdminForm
from ..models import (
    Meeting,
    Release,
)
from ..services import set_meeting_officials, sync_release_countries
from .inlines import (
    ContactInline,
    MeetingInline,
    PhotoInline,
    ReleaseAgreementInline,
    SectionInline,
)
from .preview import ReleasePreviewView

# Keys of the release form that only the workflow may write. The form never has inputs for
# them; a POST that carries them anyway (a crafted request) is refused as a whole.
PUBLICATION_KEYS = {"status", "published_at", "published_at_0", "published_at_1", "published_by"}
PUBLICATION_KEYS |= {"withdrawn_at", "version"}
WITHDRAWAL_KEYS = {"withdrawal_reason", "withdrawal_reason_ja", "withdrawal_reason_en"}


@admin.register(Release)
class ReleaseAdmin(LockedVersionAdmin, TabbedTranslationAdmin):
    form = ReleaseAdminForm
    list_display = ["title", "publication_state", "published_at", "country_codes", "issuer"]
    list_filter = ["status", "published_at", ("countries", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title_ja", "title_en", "lead_ja", "lead_en", "slug"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["issuer", "countries"]
    list_select_related = ["issuer"]
    prepopulated_fields = {"slug": ["title_en"]}
    readonly_fields = ["publication_state_detail"]
    inlines = [SectionInline, MeetingInline, ReleaseAgreementInline, PhotoInline, ContactInline]
    actions = ["publish_selected", "unpublish_selected"]

    def get_fieldsets(self, request, obj=None):
        can_publish = workflow.can_publish(request.user)
        publication = ["publication_state_detail", "slug"]
        if can_publish:
            publication.append("schedule_at")
        fieldsets = [
            (
                "公開 · Publication",
                {
                    "fields": publication,
                    "description": "公開・予約・非公開・取り下げはフォーム下のボタンで行います（公開担当者のみ）。"
                    " · Publish, schedule, unpublish and withdraw with the buttons below the form "
                    "(publishers only).",
                },
            ),
            (_("Text"), {"fields": ["title", "subtitle", "lead"]}),
            (_("Issuer and subject"), {"fields": ["issuer", "department", "countries"]}),
        ]
        if can_publish:
            withdrawn = obj is not None and obj.status == Release.Status.WITHDRAWN
            fieldsets.append(
                (
                    "取り下げ · Withdrawal",
                    {
                        "classes": [] if withdrawn else ["collapse"],
                        "fields": ["withdrawal_reason"],
                        "description": "「取り下げ」の前に理由を書いてください。公開ページに表示されます。"
                        " · Write the reason before pressing “Withdraw”: the public page shows it.",
                    },
                )
            )
        fieldsets.append((None, {"fields": ["lock_version"], "classes": ["hidden"]}))
        return self._patch_fieldsets(fieldsets)

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

    @admin.display(description="状態 · State", ordering="status")
    def publication_state(self, release):
        return workflow.STATE_LABELS[workflow.state(release)]

    @admin.display(description="状態 · State")
    def publication_state_detail(self, release):
        if release is None or release.pk is None:
            return workflow.STATE_LABELS["draft"]
        label = workflow.STATE_LABELS[workflow.state(release)]
        lines = [label]
        if release.published_at:
            when = formats.date_format(timezone.localtime(release.published_at), "DATETIME_FORMAT")
            lines.append(f"公開日時 · Publication time: {when}")
        if release.published_by:
            who = release.published_by.get_full_name() or release.published_by.get_username()
            lines.append(f"公開した人 · Published by: {who}")
        if release.withdrawn_at:
            when = formats.date_format(timezone.localtime(release.withdrawn_at), "DATETIME_FORMAT")
            lines.append(f"取り下げ日時 · Withdrawn at: {when}")
            if release.withdrawal_reason:
                lines.append(f"理由 · Reason: {release.withdrawal_reason}")
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
        if action == workflow.PUBLISH:
            workflow.publish(obj, request.user)
        elif action == workflow.SCHEDULE:
            workflow.schedule(obj, request.user, form.cleaned_data["schedule_at"])
        elif action == workflow.UNPUBLISH:
            workflow.unpublish(obj, request.user)
        elif action == workflow.WITHDRAW:
            workflow.withdraw(
                obj, request.user, obj.withdrawal_reason_ja, obj.withdrawal_reason_en or ""
            )

    def construct_change_message(self, request, form, formsets, add=False):
        # Kept in the admin log and as the history comment: what happened, in words.
        message = super().construct_change_message(request, form, formsets, add)
        if form.workflow_action:
            return workflow.DONE_MESSAGES[form.workflow_action] % {"at": self._when(form.instance)}
        return message

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
        if not action:
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
        response = super().render_change_form(request, context, add, change, form_url, obj)
        # The rich-text editor loads as ES modules through an import map, an inline script:
        # allow it by this response's nonce only.
        response._csp_update = {"script-src": [NONCE]}
        return response

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        sync_release_countries(form.instance)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Meeting:
            for meeting_form in formset.forms:
                meeting = meeting_form.instance
                if (
                    meeting.pk
                    and meeting_form.has_changed()
                    and "officials" in meeting_form.cleaned_data
                ):
                    set_meeting_officials(meeting, meeting_form.cleaned_data["officials"])

    # Actions on the list

    @admin.action(
        description="選択したリリースを今すぐ公開 · Publish the selected releases now",
        permissions=["publish"],
    )
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, workflow.PUBLISH, workflow.publish)

    @admin.action(
        description="選択したリリースを非公開（下書き）に戻す · Unpublish the selected releases",
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
                    reversion.set_comment(
                        workflow.DONE_MESSAGES[action] % {"at": self._when(release)}
                    )
                done += 1
            except ValidationError as error:
                refused.append(f"{release}: {' '.join(error.messages)}")
        if done:
            self.message_user(
                request,
                f"{done} 件 · {done} release(s): {workflow.DONE_MESSAGES[action] % {'at': ''}}",
            )
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    # Preview

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/preview/",
                # Not admin_view(): the preview answers strangers with a 404, not a login page.
                ReleasePreviewView.as_view(),
                name="releases_release_preview",
            ),
        ]
        return urls + super().get_urls()
