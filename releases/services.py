"""Writes that span several models."""

from django.db import transaction

from core.slugs import slug_words, unique_slug
from people.models import Official, Post

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


@transaction.atomic
def add_new_official(meeting, *, name_ja, name_en="", post_ja="", post_en="", organization=None):
    """An official typed into a meeting row: the person (of the meeting's country), their post
    (held on the meeting's date, no dates known), and their place at the meeting."""
    base = slug_words(name_en) or slug_words(name_ja) or "official"
    official = Official(
        slug=unique_slug(Official, base),
        name_ja=name_ja,
        name_en=name_en,
        country_id=meeting.country_id,
    )
    official.save()
    if post_ja or post_en:
        Post.objects.create(
            official=official,
            title_ja=post_ja or post_en,
            title_en=post_en,
            organization=organization,
        )
    order = meeting.participations.count() + 1
    MeetingParticipant(meeting=meeting, official=official, order=order).save()
    return official
