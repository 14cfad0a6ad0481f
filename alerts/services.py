"""Subscribing, confirming and unsubscribing; sending each release to each subscription once."""

import datetime
import itertools
import logging
import smtplib
from collections import defaultdict

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone

from releases.filters import ReleaseFilter
from releases.models import Release

from . import limits
from .mail import alert_message, already_subscribed_message, confirmation_message
from .models import Delivery, Subscription, new_token, normalize_address

logger = logging.getLogger(__name__)

BATCH = 100
# A digest looks this far back, so a worker stopped for a few days loses nothing.
DIGEST_WINDOW = datetime.timedelta(days=7)


def read_filters(data):
    """The list filters in `data` (a QueryDict): (query string as the list normalises it, the
    filters as the list describes them)."""
    filterset = ReleaseFilter(data, queryset=Release.objects.none())
    return filterset.canonical_query(), filterset.active_filters()


def request_subscription(*, email, query, language, frequency, client):
    """Ask `email` to confirm an alert for the list `query`. False when this client sent too
    many requests; True otherwise, also when nothing was sent (an address past its limit, or
    following too many lists), so the page tells a stranger nothing about the address."""
    if not limits.client_allowed(client):
        return False
    email = normalize_address(email)
    subscription = Subscription.objects.filter(email=email, query=query).first()
    if subscription is None:
        count = Subscription.objects.for_address(email).count()
        if count >= settings.ALERTS_MAX_PER_ADDRESS:
            return True
    if not limits.address_allowed(email):
        return True
    if subscription is not None and subscription.is_confirmed:
        already_subscribed_message(subscription).send()
        return True
    if subscription is None:
        subscription = Subscription(email=email, query=query)
    subscription.language = language
    subscription.frequency = frequency
    subscription.token = new_token()
    subscription.requested_at = timezone.now()
    subscription.save()
    confirmation_message(subscription).send()
    # The daily run (digests, deleting expired requests) re-enqueues itself; the first request
    # starts it.
    from .tasks import schedule_digests

    schedule_digests()
    return True


def confirm(subscription):
    """Confirm a pending request; an expired one is deleted. True if it is (now) confirmed."""
    if subscription.is_confirmed:
        return True
    if Subscription.objects.expired().filter(pk=subscription.pk).exists():
        subscription.delete()
        return False
    subscription.confirmed_at = timezone.now()
    subscription.save(update_fields=["confirmed_at"])
    return True


def forget_address(email):
    """Delete every subscription of `email`, and with them what was sent to it."""
    Subscription.objects.for_address(email).delete()


def matching(releases, query):
    """The releases among `releases` that the list `query` would show. A stored filter that no
    longer validates (an official gone from the public site) matches nothing rather than all."""
    filterset = ReleaseFilter(QueryDict(query), queryset=releases)
    if not filterset.form.is_valid():
        return releases.none()
    return filterset.qs


def send_release(release_id):
    """Send the public release `release_id` to the immediate subscriptions that follow a list
    showing it, confirmed before it became public. Returns how many messages went out."""
    release = Release.objects.published().with_related().filter(pk=release_id).first()
    if release is None:  # unpublished, withdrawn or rescheduled since: nothing to send now
        return 0
    due = (
        Subscription.objects.confirmed()
        .filter(frequency=Subscription.Frequency.IMMEDIATE, confirmed_at__lte=release.published_at)
        .exclude(deliveries__release=release)
    )
    by_query = defaultdict(list)
    for subscription in due.iterator(chunk_size=2000):
        by_query[subscription.query].append(subscription)
    this = Release.objects.published().filter(pk=release.pk)
    return _send(
        (subscription, [release])
        for query, subscriptions in by_query.items()
        if matching(this, query).exists()
        for subscription in subscriptions
    )


def send_digests():
    """One message per daily subscription with the releases of its list that became public
    since it was confirmed and were not sent to it yet. Also deletes expired requests."""
    Subscription.objects.expired().delete()
    recent = Release.objects.published().filter(published_at__gte=timezone.now() - DIGEST_WINDOW)
    by_query = defaultdict(list)
    daily = Subscription.objects.confirmed().filter(frequency=Subscription.Frequency.DAILY)
    for subscription in daily.iterator(chunk_size=2000):
        by_query[subscription.query].append(subscription)
    batches = []
    for query, subscriptions in by_query.items():
        releases = list(matching(recent.with_related(), query).order_by("published_at", "pk"))
        if not releases:
            continue
        sent = set(
            Delivery.objects.filter(
                subscription__in=subscriptions, release__in=releases
            ).values_list("subscription_id", "release_id")
        )
        for subscription in subscriptions:
            due = [
                release
                for release in releases
                if release.published_at > subscription.confirmed_at
                and (subscription.pk, release.pk) not in sent
            ]
            if due:
                batches.append((subscription, due))
    return _send(batches)


def _send(batches):
    """Hand each (subscription, releases) to the mail server over one connection.

    Each message is sent inside a savepoint that records its deliveries: if the server does not
    take it, the record goes; if another worker recorded it first, the constraint stops this
    one. A transaction commits every BATCH messages (one commit per message would make the disk
    the bottleneck); if the worker process dies in between, at most those messages can go out
    twice. A server error ends the run after committing what was sent, and is raised for a
    retry.
    """
    sent = 0
    descriptions = {}
    batches = iter(batches)
    with get_connection() as connection:
        while chunk := list(itertools.islice(batches, BATCH)):
            failure = None
            with transaction.atomic():
                for subscription, releases in chunk:
                    message = alert_message(subscription, releases, descriptions)
                    try:
                        with transaction.atomic():
                            Delivery.objects.bulk_create(
                                Delivery(subscription=subscription, release=release)
                                for release in releases
                            )
                            connection.send_messages([message])
                    except IntegrityError:
                        continue  # sent by another worker
                    except smtplib.SMTPRecipientsRefused:
                        logger.warning("Alert refused for subscription %s", subscription.pk)
                        continue
                    except (smtplib.SMTPException, OSError) as error:
                        failure = error
                        break
                    sent += 1
            if failure is not None:
                raise failure
    return sent
