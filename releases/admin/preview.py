"""The preview: a release on the public template, for the staff who may change it."""

from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from core.translations import MISSING

from .. import drafts, workflow
from ..models import PendingChange, Release
from ..translation_status import release_gaps
from ..views import ReleaseDetailView
from .translation import gap_urls

LANGUAGES = ("ja", "en")


class ReleasePreviewView(ReleaseDetailView):
    """Any release as its public page shows it, before it is public: never cached, never
    indexed; `?lang=en` shows it in English, and the page's language switch stays here.

    Everyone who may not preview gets the same 404, for any address: a login page (as the admin
    gives) would tell them the address exists."""

    template_name = "admin/releases/release/preview.html"
    pk_url_kwarg = "object_id"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not (user.is_active and user.is_staff and user.has_perm("releases.change_release")):
            raise Http404
        language = request.GET.get("lang")
        language = language if language in LANGUAGES else LANGUAGES[0]
        with translation.override(language):
            request.LANGUAGE_CODE = language
            change = self._pending_change(request, kwargs["object_id"])
            if change is not None:
                # The changes waiting for a publisher, as the page would show them once published.
                with drafts.rolled_back():
                    drafts.apply(change)
                    response = super().dispatch(request, *args, **kwargs)
                    response.render()
            else:
                response = super().dispatch(request, *args, **kwargs)
                response.render()
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    def _pending_change(self, request, object_id):
        if "changes" not in request.GET or not (object_id.isascii() and object_id.isdigit()):
            return None
        return PendingChange.objects.filter(release_id=object_id).first()

    def get_queryset(self):
        return Release.objects.with_details()

    def get_object(self, queryset=None):
        object_id = self.kwargs["object_id"]
        if not (object_id.isascii() and object_id.isdigit()):
            raise Http404
        release = super().get_object(queryset)
        self.state = workflow.state(release)
        # A draft shows as it would if published now (date, previous and next links).
        release.published_at = release.published_at or timezone.now()
        return release

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context.get("untranslated"):
            # For the staff: each text shown in Japanese links to where its English is written.
            gaps = [gap for gap in release_gaps(self.object) if gap.state == MISSING]
            urls = gap_urls(self.object, gaps)
            context["untranslated"] = [
                LinkedLabel(gap.label, url) for gap, url in zip(gaps, urls, strict=True)
            ]
        path = self.request.path
        context.update(
            preview_state=workflow.STATE_LABELS[self.state],
            preview_change_url=reverse("admin:releases_release_change", args=[self.object.pk]),
            twin_urls={language: f"{path}?lang={language}" for language in LANGUAGES},
        )
        return context


@dataclass
class LinkedLabel:
    label: str
    url: str

    def __str__(self):
        return self.label
