"""The staff's admin for releases, split by model. Importing the package registers them all."""

import reversion
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import (
    Agreement,
    Attachment,
    Contact,
    Meeting,
    MeetingParticipant,
    Photo,
    Release,
    ReleaseAgreement,
    Section,
    TopicalEvent,
)

admin.site.site_header = _("JOGMEC news releases")
admin.site.site_title = _("News releases")
admin.site.index_title = _("Staff")

# History: a release is kept with everything its page shows, translations included.
reversion.register(Section)
reversion.register(Contact)
reversion.register(Photo)
reversion.register(Attachment)
reversion.register(ReleaseAgreement)
reversion.register(MeetingParticipant)
reversion.register(Meeting, follow=["participations"])
reversion.register(
    Release,
    follow=["sections", "meetings", "photos", "attachments", "contacts", "agreement_links"],
)
# Not following release_links: restoring an agreement must not unlink releases added later.
reversion.register(Agreement)
# With the ids of its releases, meetings and agreements: a restore brings back what it grouped.
reversion.register(TopicalEvent)

from . import agreement, event, meeting, redirect, release, shared  # noqa: E402, F401  (registers the admins)
