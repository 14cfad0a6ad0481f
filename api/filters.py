"""Filters of the meetings, which only the open-data API and its CSV download offer."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from drf_spectacular.drainage import set_override

from releases.filters import (
    EARLIEST,
    LATEST,
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

    class Meta:
        model = Meeting
        fields = []

    def filter_country(self, queryset, name, value):
        return queryset.filter(country__in=value)

    def filter_official(self, queryset, name, value):
        present = MeetingParticipant.objects.filter(meeting_id=OuterRef("pk"), official=value)
        return queryset.filter(Exists(present))


add_date_range(MeetingFilter, field_name="date")


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
    SlugFilter,
    "field",
    {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "description": "An official's slug."},
)
set_override(
    ReleaseFilter.base_filters["month"],
    "field",
    {"type": "integer", "enum": list(range(1, 13)), "description": "1 to 12, with `year`."},
)
set_override(
    ReleaseFilter.base_filters["event"],
    "field",
    {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "description": "A topical event's slug."},
)
