"""Translation status in the admin: the release list's column and filter, the release page's
account of what to translate, and the page of what waits for translation."""

from collections import defaultdict

from django.apps import apps
from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from core.translations import MISSING, OUTDATED, checked_marks

from ..models import MeetingParticipant, Release
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


# The inline of the release form (its formset prefix) where each part of a release is written.
RELEASE_PARTS = {
    "releases.section": "sections",
    "releases.meeting": "meetings",
    "releases.photo": "photos",
    "releases.contact": "contacts",
}


def gap_urls(release, gaps):
    """For each gap, the admin page where its English is written, at the English input: the
    release form (its own texts and its rows), a meeting's page (the titles its participants
    held), or the shared record's own page (agreements, officials, organisations)."""
    change = "admin:{}_{}_change".format
    participants = [gap.pk for gap in gaps if gap.model == "releases.meetingparticipant"]
    meeting_of = {}
    if participants:
        meeting_of = dict(
            MeetingParticipant.objects.filter(pk__in=participants).values_list("pk", "meeting_id")
        )
    urls = []
    for gap in gaps:
        field = f"{gap.field}_en"
        if gap.model == "releases.release":
            url = reverse(change("releases", "release"), args=[release.pk]) + f"#id_{field}"
        elif gap.model in RELEASE_PARTS and gap.part:
            row = gap.part[-1][1] - 1
            prefix = RELEASE_PARTS[gap.model]
            url = reverse(change("releases", "release"), args=[release.pk])
            url += f"#id_{prefix}-{row}-{field}"
        elif gap.model == "releases.meetingparticipant" and gap.pk in meeting_of:
            url = reverse(change("releases", "meeting"), args=[meeting_of[gap.pk]])
            url += f"#id_participations-{gap.part[-1][1] - 1}-{field}"
        else:
            app_label, model_name = gap.model.split(".")
            try:
                url = reverse(change(app_label, model_name), args=[gap.pk]) + f"#id_{field}"
            except NoReverseMatch:
                url = ""
        urls.append(url)
    return urls


def gap_rows(release):
    """What the release page and the waiting page show of each gap."""
    gaps = [Gap.from_data(data) for data in release.translation_gaps]
    return [
        {
            "label": gap.label,
            "state": gap.state,
            "state_label": STATE_WORDS[gap.state],
            "japanese_changed": _when(gap.japanese_changed),
            "english_changed": _when(gap.english_changed),
            "url": url,
        }
        for gap, url in zip(gaps, gap_urls(release, gaps), strict=True)
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
