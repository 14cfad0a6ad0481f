"""Subscribing, confirming and unsubscribing; sending each release to each subscription once."""

import datetime
import itertools
import logging
import smtplib
from collections import defaultdict

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from releases.filters import ReleaseFilter
from releases.grams import search_terms
from releases.models import Release, ReleaseUpdate

from . import limits
from .mail import (
    alert_message,
    already_subscribed_message,
    confirmation_message,
    manage_link_message,
    update_message,
)
from .models import Delivery, Subscription, UpdateDelivery, new_token, normalize_address

logger = logging.getLogger(__name__)

BATCH = 100
# A digest looks this far back, so a worker stopped for a few days loses nothing.
DIGEST_WINDOW = datetime.timedelta(days=7)


def read_filters(data):
    """The list filters in `data` (a QueryDict): (query string as the list normalises it, the
    filters as the list describes them)."""
    filterset = ReleaseFilter(data, queryset=Release.objects.none())
    return filterset.canonical_query(), filterset.active_filters()


def request_subscription(*, email, query, language, frequency, client, updates=False):
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
    subscription.updates = updates
    subscription.token = new_token()
    subscription.requested_at = timezone.now()
    subscription.save()
    confirmation_message(subscription).send()
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


def send_manage_link(subscription, client):
    """Mail a fresh link to manage the subscriptions of the address of `subscription`, under the
    limits of the subscribe form. False when this client asked too often; True otherwise, also
    when the address had its share of messages today and nothing was sent."""
    if not limits.client_allowed(client):
        return False
    if limits.address_allowed(subscription.email):
        manage_link_message(subscription).send()
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


def might_show(release):
    """A test of a list's query string that is true for every list showing `release` (and
    perhaps a few others): its words, countries, official and agreement kind, checked in memory
    against the release. Building a list's FilterSet costs milliseconds and queries, so only the
    lists that pass are asked whether they show it (tests compare the two on many filters)."""
    countries = {country.code for country in release.countries.all()}
    this = Release.objects.filter(pk=release.pk)
    officials = set(this.officials().values_list("slug", flat=True))
    kinds = set(this.agreement_links().values_list("agreement__kind", flat=True))
    text = release.search_text

    def test(query):
        data = QueryDict(query)
        if not all(term in text for term in search_terms(data.get("q", "").strip())):
            return False
        codes = {code.strip().upper() for code in data.getlist("country") if code.strip()}
        if codes and not codes & countries:
            return False
        if data.get("official") and data["official"] not in officials:
            return False
        return not data.get("agreement") or data["agreement"] in kinds

    return test


def shown_in(release, queries):
    """The query strings among `queries` whose list shows the public `release`."""
    test = might_show(release)
    this = Release.objects.published().filter(pk=release.pk)
    return {query for query in queries if test(query) and matching(this, query).exists()}


def release_recipients(release_id):
    """The ids of the immediate subscriptions due the release `release_id`: confirmed before it
    became public, following a list that shows it, not sent it yet. None if it is not public
    (unpublished, withdrawn or rescheduled since)."""
    release = Release.objects.published().with_related().filter(pk=release_id).first()
    if release is None:
        return None
    due = _due(release).order_by("pk").values_list("pk", "query")
    rows = list(due)
    shown = shown_in(release, {query for _pk, query in rows})
    return [pk for pk, query in rows if query in shown]


def _due(release):
    return (
        Subscription.objects.confirmed()
        .filter(frequency=Subscription.Frequency.IMMEDIATE, confirmed_at__lte=release.published_at)
        .exclude(deliveries__release=release)
    )


def send_release(release_id, subscription_ids):
    """Send the public release `release_id` to those of `subscription_ids` (from
    `release_recipients`) that are still due it. Returns how many messages went out."""
    release = Release.objects.published().with_related().filter(pk=release_id).first()
    if release is None:
        return 0
    due = _due(release).filter(pk__in=subscription_ids).order_by("pk")
    return _send((subscription, [release]) for subscription in due)


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


def send_update(update_id):
    """Send the major update `update_id` to the confirmed subscriptions that asked for updates
    and whose list shows its release (as it is now). Nothing if the release is no longer
    public. Returns how many messages went out."""
    update = ReleaseUpdate.objects.filter(pk=update_id, major=True).first()
    if update is None:
        return 0
    release = Release.objects.published().with_related().filter(pk=update.release_id).first()
    if release is None:
        return 0
    subscriptions = list(
        Subscription.objects.confirmed()
        .filter(updates=True, confirmed_at__lte=update.published_at)
        .order_by("pk")
    )
    shown = shown_in(release, {subscription.query for subscription in subscriptions})
    done = set(
        UpdateDelivery.objects.filter(update=update).values_list("subscription_id", flat=True)
    )
    waiting = [s for s in subscriptions if s.query in shown and s.pk not in done]
    if not waiting:
        return 0
    sent = 0
    rendered = {}
    with get_connection() as connection:
        for subscription in waiting:
            message = update_message(subscription, release, update, rendered)
            # One transaction a message (updates are few): if the server does not take it, its
            # record goes and the task's retry sends it; what went out is not sent again.
            with transaction.atomic():
                _, created = UpdateDelivery.objects.get_or_create(
                    update=update, subscription=subscription
                )
                if created:
                    sent += connection.send_messages([message])
    return sent


def _send(batches):
    """Hand each (subscription, releases) to the mail server over one connection.

    Messages go out in a transaction that records their deliveries: if the server does not take
    one, its record goes; if another worker recorded one first, the constraint stops this one.
    A transaction commits every BATCH messages (one commit per message would make the disk
    the bottleneck); if the worker process dies in between, at most those messages can go out
    twice. A server error ends the run after committing what was sent, and is raised for a
    retry.
    """
    sent = 0
    rendered = {}
    batches = iter(batches)
    with get_connection() as connection:
        while chunk := list(itertools.islice(batches, BATCH)):
            # Rendered before the transaction: a second worker may write meanwhile (SQLite
            # lets one transaction write at a time).
            messages = [
                (subscription, releases, alert_message(subscription, releases, rendered))
                for subscription, releases in chunk
            ]
            with transaction.atomic():
                done, failure = _send_batch(connection, messages)
            sent += done
            if failure is not None:
                raise failure
    return sent


def _deliveries(subscription, releases):
    return [Delivery(subscription=subscription, release=release) for release in releases]


def _send_batch(connection, messages):
    """Send `messages` [(subscription, releases, message)] inside the caller's transaction:
    (how many went out, the server's error that stopped the batch or None)."""
    try:
        # Usually no other worker sent any of them: one insert records them all (a statement
        # per message is the slower part on a busy database server), and the records of
        # messages the server does not take are deleted.
        with transaction.atomic():
            Delivery.objects.bulk_create(
                delivery
                for subscription, releases, _message in messages
                for delivery in _deliveries(subscription, releases)
            )
    except IntegrityError:
        recorded = False  # some were: each message in its savepoint, as the records allow
    else:
        recorded = True
    sent, unsent, failure = 0, [], None
    for n, (subscription, releases, message) in enumerate(messages):
        try:
            if recorded:
                connection.send_messages([message])
            else:
                with transaction.atomic():
                    Delivery.objects.bulk_create(_deliveries(subscription, releases))
                    connection.send_messages([message])
        except IntegrityError:
            continue  # sent by another worker
        except smtplib.SMTPRecipientsRefused:
            logger.warning("Alert refused for subscription %s", subscription.pk)
            unsent.append((subscription, releases))
            continue
        except (smtplib.SMTPException, OSError) as error:
            failure = error
            unsent += [(subscription, releases) for subscription, releases, _ in messages[n:]]
            break
        sent += 1
    if recorded and unsent:
        not_taken = Q()
        for subscription, releases in unsent:
            not_taken |= Q(subscription=subscription, release__in=releases)
        Delivery.objects.filter(not_taken).delete()
    return sent, failure
