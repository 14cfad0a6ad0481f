"""Filters of the meetings, which only the open-data API and its CSV download offer."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from drf_spectacular.drainage import set_override

from people.models import Official
from releases.filters import (
    EARLIEST,
    LATEST,
    MAX_WORDS_LENGTH,
    CountryFilter,
    ExplainedFilterSet,
    ReleaseFilter,
    SlugFilter,
    YearFilter,
    add_date_range,
)
from releases.models import Meeting, MeetingParticipant, Release


class MeetingFilter(ExplainedFilterSet):
    """`country` (any of), `year`, `from`/`to` (ISO dates, inclusive), `kind`, `official`."""

    country = CountryFilter(label=_("Country"), method="filter_country")
    year = YearFilter(
        label=_("Year"),
        field_name="date",
        lookup_expr="year",
        min_value=EARLIEST.year,
        max_value=LATEST.year,
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Meeting.Kind.choices)
    official = SlugFilter(
        label=_("Official"),
        method="filter_official",
        queryset=lambda request: Release.objects.published().officials(),
        to_field_name="slug",
    )

    chosen_from_public = {"official": Official}

    class Meta:
        model = Meeting
        fields = []

    def filter_country(self, queryset, name, value):
        return queryset.filter(country__in=value)

    def filter_official(self, queryset, name, value):
        present = MeetingParticipant.objects.filter(meeting_id=OuterRef("pk"), official=value)
        return queryset.filter(Exists(present))


add_date_range(MeetingFilter, field_name="date")


class OpenDataReleaseFilter(ReleaseFilter):
    """The site's release filters, where every value the API's description allows is an
    answer: `month` without `year` is that month of every year, and an end date before the
    start date matches nothing (the site's list asks the visitor to correct both)."""

    class Meta(ReleaseFilter.Meta):
        form = forms.Form

    def filter_month(self, queryset, name, value):
        if self.form.cleaned_data.get("year"):
            return super().filter_month(queryset, name, value)
        return queryset.filter(published_at__month=value)


add_date_range(OpenDataReleaseFilter, method="filter_dates")


# How the site's own filters look in the OpenAPI schema (drf-spectacular cannot guess them).
set_override(
    CountryFilter,
    "field",
    {
        "type": "array",
        "items": {"type": "string", "pattern": "^[A-Za-z]{2}$"},
        "description": "ISO 3166-1 alpha-2 code; repeat the parameter for any of several.",
    },
)
set_override(
    YearFilter,
    "field",
    {"type": "integer", "minimum": EARLIEST.year, "maximum": LATEST.year},
)
set_override(
    SlugFilter,
    "field",
    {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "description": "An official's slug."},
)
set_override(
    OpenDataReleaseFilter.base_filters["month"],
    "field",
    {
        "type": "integer",
        "enum": list(range(1, 13)),
        "description": "1 to 12: that month of `year`, or of every year without one.",
    },
)
set_override(
    OpenDataReleaseFilter.base_filters["q"],
    "field",
    {
        "type": "string",
        "maxLength": MAX_WORDS_LENGTH,
        # Control characters are refused (core.middleware); a tab or a line break is kept.
        "pattern": r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$",
        "description": "Words, found in the title, lead, body, meetings, officials and "
        "organisations; most relevant first.",
    },
)
for filterset in (OpenDataReleaseFilter, MeetingFilter):
    for name in ("from", "to"):
        set_override(
            filterset.base_filters[name],
            "field",
            {
                "type": "string",
                "format": "date",
                "pattern": r"^(19[0-9]{2}|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$",
                "description": "YYYY-MM-DD (1900-01-01 to 2100-12-31), inclusive.",
            },
        )
set_override(
    OpenDataReleaseFilter.base_filters["event"],
    "field",
    {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "description": "A topical event's slug."},
)
