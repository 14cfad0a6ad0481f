"""Translation status in the admin: the release list's column and filter, the release page's
account of what to translate, and the page of what waits for translation."""

from collections import defaultdict

from django.apps import apps
from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from core.translations import MISSING, OUTDATED, checked_marks

from ..models import Release
from ..translation_status import Gap, describe

STATE_WORDS = {
    MISSING: _("English missing"),
    OUTDATED: _("English older than the Japanese"),
}


class TranslationFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [
            ("waiting", _("Waiting for translation")),
            (MISSING, _("English missing")),
            (OUTDATED, _("English out of date")),
            ("translated", _("Translated")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "waiting":
            return queryset.filter(Q(english_missing__gt=0) | Q(english_outdated__gt=0))
        if value == MISSING:
            return queryset.filter(english_missing__gt=0)
        if value == OUTDATED:
            return queryset.filter(english_outdated__gt=0)
        if value == "translated":
            return queryset.filter(english_missing=0, english_outdated=0)
        return queryset


def _when(iso):
    moment = parse_datetime(iso) if iso else None
    return timezone.localtime(moment) if moment else None


def gap_rows(release):
    """What the release page and the waiting page show of each gap."""
    return [
        {
            "label": gap.label,
            "state": gap.state,
            "state_label": STATE_WORDS[gap.state],
            "japanese_changed": _when(gap.japanese_changed),
            "english_changed": _when(gap.english_changed),
        }
        for gap in map(Gap.from_data, release.translation_gaps)
    ]


def mark_english_checked(release):
    """Every English text of `release` listed as out of date counts as current from now.
    The marks are derived data: written with bulk_update(), leaving versions (and so
    colleagues' open forms) alone; two queries per kind of row."""
    outdated = defaultdict(set)
    for gap in map(Gap.from_data, release.translation_gaps):
        if gap.state == OUTDATED:
            outdated[gap.model].add(gap.pk)
    for label, pks in outdated.items():
        model = apps.get_model(label)
        rows = list(model._default_manager.filter(pk__in=pks))
        for row in rows:
            row.translation_marks = checked_marks(row)
        model._default_manager.bulk_update(rows, ["translation_marks"])


class TranslationQueueView:
    """The page of releases whose English waits: missing first, then out of date; drafts and
    published releases alike (a withdrawn one waits for nobody)."""

    per_page = 50

    def __init__(self, model_admin):
        self.model_admin = model_admin

    def __call__(self, request):
        state = request.GET.get("state", "")
        releases = Release.objects.exclude(status=Release.Status.WITHDRAWN)
        if state == MISSING:
            releases = releases.filter(english_missing__gt=0)
        elif state == OUTDATED:
            releases = releases.filter(english_outdated__gt=0)
        else:
            state = ""
            releases = releases.filter(Q(english_missing__gt=0) | Q(english_outdated__gt=0))
        releases = releases.order_by("-updated_at", "-id").only(
            "pk",
            "title_ja",
            "title_en",
            "status",
            "published_at",
            "updated_at",
            "english_missing",
            "english_outdated",
            "translation_gaps",
        )
        page = Paginator(releases, self.per_page).get_page(request.GET.get("page"))
        for release in page.object_list:
            release.gap_rows = gap_rows(release)
            release.status_text = describe(release.english_missing, release.english_outdated)
        opts = Release._meta
        context = {
            **self.model_admin.admin_site.each_context(request),
            "title": _("Waiting for translation"),
            "opts": opts,
            "page_obj": page,
            "state": state,
            "states": [
                ("", _("All")),
                (MISSING, _("English missing")),
                (OUTDATED, _("English out of date")),
            ],
        }
        return TemplateResponse(request, "admin/releases/release/translation_queue.html", context)
