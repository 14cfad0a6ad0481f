"""The meetings of public releases as an iCalendar feed (RFC 5545, through `icalendar`).

`/<lang>/meetings.ics?country=KZ` takes the release list's filters: the meetings reported by
the releases that list shows, and, with `country`, `official` or `event`, only the meetings
held in those countries, attended by that official or part of that topical event. Each meeting is an all-day event whose UID never
changes, so a subscribed calendar updates its events instead of adding them again.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .filters import ReleaseFilter
from .models import Meeting, Release

MAX_EVENTS = 500


def meetings_for(filterset):
    filterset.form.is_valid()  # invalid filters are left out, as on the list
    data = filterset.form.cleaned_data
    meetings = Meeting.objects.filter(release__in=filterset.qs.order_by().values("pk"))
    if data.get("country"):
        meetings = meetings.filter(country__in=data["country"])
    if data.get("official"):
        meetings = meetings.filter(participants=data["official"])
    if data.get("event"):
        meetings = meetings.filter(topical_events=data["event"])
    return (
        meetings.with_participants().select_related("release").order_by("-date", "-pk")[:MAX_EVENTS]
    )


def meeting_event(meeting, request, host):
    release = meeting.release
    url = request.build_absolute_uri(f"{release.get_absolute_url()}#{meeting.anchor}")
    kind = meeting.get_kind_display()
    officials = [
        f"{p.official.name} ({p.title})" if p.title else p.official.name
        for p in meeting.participations.all()
    ]
    description = [
        f"{kind}, {meeting.country.name}",
        *officials,
        "",
        release.title,
        url,
    ]
    event = Event()
    event.add("uid", f"{meeting.anchor}@{host}")
    event.add("dtstamp", release.updated_at)
    event.add("last-modified", release.updated_at)
    event.add("dtstart", meeting.date)
    event.add("dtend", (meeting.end_date or meeting.date) + datetime.timedelta(days=1))
    event.add("summary", meeting.title or f"{kind}: {meeting.country.name}")
    event.add("location", ", ".join(part for part in (meeting.place, meeting.country.name) if part))
    event.add("description", "\n".join(description))
    event.add("categories", [meeting.country.name])
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # an all-day event for the record, not busy time
    return event


def meeting_calendar(request):
    filterset = ReleaseFilter(request.GET, queryset=Release.objects.published(), request=request)
    # The UID's domain is the site's public name, whichever address the calendar was read from.
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    calendar = Calendar()
    calendar.add("prodid", "-//JOGMEC//News releases//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("JOGMEC meetings"))
    for meeting in meetings_for(filterset):
        calendar.add_component(meeting_event(meeting, request, host))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    return response
