"""The messages: the confirmation request, the alerts (one release, or a daily digest), and
the major updates of releases."""

import datetime
import secrets
from email.header import Header
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from releases.filters import ReleaseFilter
from releases.models import Release

# Links made before carried the address itself, under the salt "alerts.manage"; a new salt
# makes them fail like a forged link.
MANAGE_SIGNER = signing.TimestampSigner(salt="alerts.manage.key")


def manage_token(subscription):
    """The token of a link to every subscription of the address of `subscription`, with no
    account: its random key, time-stamped and signed. It works for ALERTS_MANAGE_DAYS."""
    return MANAGE_SIGNER.sign(subscription.manage_key)


def read_manage_token(token):
    """(manage key, fresh) from a manage token; fresh is False once it expired. None for a
    token we did not make (forged, or an old link that carried the address)."""
    try:
        max_age = datetime.timedelta(days=settings.ALERTS_MANAGE_DAYS)
        return MANAGE_SIGNER.unsign(token, max_age=max_age), True
    except signing.SignatureExpired:
        return MANAGE_SIGNER.unsign(token), False
    except signing.BadSignature:
        return None


def manage_url(subscription):
    return absolute(reverse("alerts:manage", args=[manage_token(subscription)]))


def absolute(path):
    return f"{settings.SITE_URL}{path}"


class SiteMessageMixin:
    """What mail readers parse, in our terms: a `Date` in Tokyo time with its zone (Django's
    default says -0000, "zone unknown"), a Message-ID under the site's domain (not the host
    name of the machine that sends), and a non-ASCII subject folded after `Subject: ` (Django
    5.2 folds it before its first word, which parsers read as a leading space)."""

    def message(self):
        message = super().message()
        if not str(self.subject).isascii():
            subject = Header(str(self.subject), "utf-8", header_name="Subject")
            message.replace_header("Subject", subject.encode())
        message.replace_header("Date", format_datetime(timezone.localtime()))
        domain = urlsplit(settings.SITE_URL).hostname or "localhost"
        message.replace_header("Message-ID", make_msgid(domain=domain))
        return message


class SiteEmailMessage(SiteMessageMixin, EmailMessage):
    pass


class SiteEmailMultiAlternatives(SiteMessageMixin, EmailMultiAlternatives):
    pass


def list_path(query):
    path = reverse("releases:list")
    return f"{path}?{query}" if query else path


def describe(query):
    """The filters of `query` as the list shows them: [{label, value, remove}]."""
    filterset = ReleaseFilter(QueryDict(query), queryset=Release.objects.none())
    return filterset.active_filters()


def one_line(text):
    return " ".join(str(text).split())


def confirmation_message(subscription):
    """Only our own words and the link: nothing the person who filled in the form typed, so the
    form cannot carry a message to a stranger's inbox."""
    with override(subscription.language):
        url = absolute(reverse("alerts:confirm", args=[subscription.token]))
        body = render_to_string(
            "alerts/email/confirm.txt",
            {"url": url, "hours": settings.ALERTS_CONFIRM_HOURS},
        )
        subject = _("Confirm your e-mail alert for JOGMEC news releases")
    return SiteEmailMessage(subject, body, to=[subscription.email])


# Stand-ins for the two links of each subscriber: an alert is rendered once per list, language
# and releases, and each subscriber's links are put in its copy.
UNSUBSCRIBE_URL = f"https://unsubscribe.invalid/{secrets.token_hex(16)}"
MANAGE_URL = f"https://manage.invalid/{secrets.token_hex(16)}"


def render_alert(query, language, releases):
    """(subject, text, html) of an alert about `releases` (one, or a day's) for the list
    `query`, in `language`, with UNSUBSCRIBE_URL and MANAGE_URL for the subscriber's links."""
    with override(language):
        context = {
            "releases": [
                {
                    "title": one_line(release.title),
                    "published_at": release.published_at,
                    "lead": release.lead,
                    "countries": [country.name for country in release.countries.all()],
                    "url": absolute(release.get_absolute_url()),
                }
                for release in releases
            ],
            "filters": describe(query),
            "list_url": absolute(list_path(query)),
            "unsubscribe_url": UNSUBSCRIBE_URL,
            "manage_url": MANAGE_URL,
        }
        if len(releases) == 1:
            subject = _("New release: %(title)s") % {"title": context["releases"][0]["title"]}
        else:
            subject = ngettext("%(count)d new release", "%(count)d new releases", len(releases)) % {
                "count": len(releases)
            }
        text = render_to_string("alerts/email/alert.txt", context)
        html = render_to_string("alerts/email/alert.html", context)
    return subject, text, html


def alert_message(subscription, releases, rendered=None):
    """An alert about `releases` for `subscription`: plain text and HTML in its language, with
    one-click unsubscribe (RFC 8058) and a link to manage every subscription of the address.
    `rendered` (a dict) keeps the renderings for the next subscribers."""
    if rendered is None:
        rendered = {}
    key = (subscription.query, subscription.language, tuple(release.pk for release in releases))
    if key not in rendered:
        rendered[key] = render_alert(subscription.query, subscription.language, releases)
    return _subscriber_message(subscription, *rendered[key])


def render_update(query, language, release, update):
    """(subject, text, html) of the message about the major `update` of `release` for the list
    `query`, in `language` (an English note left empty falls back to the Japanese one), with
    UNSUBSCRIBE_URL and MANAGE_URL for the subscriber's links."""
    with override(language):
        title = one_line(release.title)
        fallback = language != "ja" and not update.note_en
        context = {
            "title": title,
            "note": update.note_ja if language == "ja" or fallback else update.note_en,
            "note_in_japanese": fallback,
            "updated_at": update.published_at,
            "url": absolute(release.get_absolute_url()),
            "filters": describe(query),
            "list_url": absolute(list_path(query)),
            "unsubscribe_url": UNSUBSCRIBE_URL,
            "manage_url": MANAGE_URL,
        }
        subject = _("Updated: %(title)s") % {"title": title}
        text = render_to_string("alerts/email/update.txt", context)
        html = render_to_string("alerts/email/update.html", context)
    return subject, text, html


def update_message(subscription, release, update, rendered=None):
    """The major `update` of `release` for `subscription`, with the links and headers of an
    alert. `rendered` (a dict) keeps the renderings for the next subscribers."""
    if rendered is None:
        rendered = {}
    key = (subscription.query, subscription.language)
    if key not in rendered:
        rendered[key] = render_update(subscription.query, subscription.language, release, update)
    return _subscriber_message(subscription, *rendered[key])


def _subscriber_message(subscription, subject, text, html):
    """Plain text and HTML with the subscriber's links in place of the stand-ins, one-click
    unsubscribe (RFC 8058) and a link to manage every subscription of the address."""
    with override(subscription.language):
        unsubscribe = absolute(reverse("alerts:unsubscribe", args=[subscription.token]))
        manage = manage_url(subscription)
    text = text.replace(UNSUBSCRIBE_URL, unsubscribe).replace(MANAGE_URL, manage)
    html = html.replace(UNSUBSCRIBE_URL, escape(unsubscribe)).replace(MANAGE_URL, escape(manage))
    message = SiteEmailMultiAlternatives(
        subject,
        text,
        to=[subscription.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def already_subscribed_message(subscription):
    """To an address that asks again for a list it follows: our words and the manage link."""
    return _manage_message(subscription, "alerts/email/already.txt")


def manage_link_message(subscription):
    """A fresh manage link, asked for from an expired one."""
    return _manage_message(subscription, "alerts/email/manage.txt")


def _manage_message(subscription, template):
    with override(subscription.language):
        context = {"url": manage_url(subscription), "days": settings.ALERTS_MANAGE_DAYS}
        body = render_to_string(template, context)
        subject = _("Your e-mail alerts for JOGMEC news releases")
    return SiteEmailMessage(subject, body, to=[subscription.email])
