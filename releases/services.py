"""Writes that span several models."""

from django.db import transaction

from .models import MeetingParticipant


@transaction.atomic
def set_meeting_officials(meeting, officials):
    """Make `officials` the meeting's participants; keep existing rows (and their titles)."""
    wanted = {official.pk: official for official in officials}
    meeting.participations.exclude(official_id__in=wanted).delete()
    present = set(meeting.participations.values_list("official_id", flat=True))
    next_order = len(present)
    for pk, official in wanted.items():
        if pk not in present:
            next_order += 1
            MeetingParticipant(meeting=meeting, official=official, order=next_order).save()


def sync_release_countries(release):
    """Add the countries of the release's meetings and agreements to the release's countries."""
    codes = set(release.meetings.values_list("country_id", flat=True))
    codes |= set(release.agreements.exclude(country=None).values_list("country_id", flat=True))
    release.countries.add(*codes)
