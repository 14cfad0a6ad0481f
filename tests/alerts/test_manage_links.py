"""Links in alerts carry no address; links to manage one's subscriptions expire, and each
message brings a fresh one. Through a real SMTP server on 127.0.0.1 and the task worker."""

import base64
import binascii
import datetime
import json
import re

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.utils import timezone

from alerts import services
from alerts.models import Subscription
from releases import workflow
from releases.models import Release
from tests.factories import ReleaseFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

ADDRESS = "reader@example.org"
SITE = "https://press.example.org"
LINK = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture
def publisher(django_user_model):
    return django_user_model.objects.create_superuser("chief", "chief@example.org", "pw")


def draft(title="MOU with Kazakhstan"):
    return ReleaseFactory(status=Release.Status.DRAFT, published_at=None, title_en=title)


def links(message):
    """Every link of a message: in its text, its HTML and its headers."""
    found = LINK.findall(message.get("List-Unsubscribe", ""))
    for part in message.walk():
        if part.get_content_maintype() == "text":
            found += LINK.findall(part.get_content().replace("&amp;", "&"))
    return found


def manage_links(message):
    return {url.removeprefix(SITE) for url in links(message) if "/alerts/manage/" in url}


def carries(link, address):
    """Whether `link` holds `address` in clear, URL-quoted, or in base64 (either alphabet, padded
    or not, alone or inside a longer encoded value such as a signed JSON payload)."""
    forms = {address, address.replace("@", "%40"), json.dumps(address)}
    if any(form.lower() in link.lower() for form in forms):
        return True
    # A slash is a path separator, or standard base64: both ways, from every position.
    runs = re.findall(r"[A-Za-z0-9+_-]{8,}", link) + re.findall(r"[A-Za-z0-9+/_-]{8,}", link)
    for run in runs:
        run = run.replace("+", "-").replace("/", "_")
        for start in range(len(run)):
            piece = run[start:]
            try:
                decoded = base64.urlsafe_b64decode(piece + "=" * (-len(piece) % 4))
            except (binascii.Error, ValueError):
                continue
            if address.encode() in decoded.lower():
                return True
    return False


def test_the_check_finds_the_address_in_the_links_made_before():
    old = f"{SITE}/en/alerts/manage/{signing.dumps(ADDRESS, salt='alerts.manage')}/"
    assert carries(old, ADDRESS)
    plain = base64.b64encode(f"to={ADDRESS}".encode()).decode()
    assert carries(f"{SITE}/en/alerts/manage/{plain}/", ADDRESS)
    assert not carries(f"{SITE}/en/alerts/unsubscribe/abc123/", ADDRESS)


def test_no_link_in_any_message_carries_the_address(
    client, mailbox, publisher, run_worker, settings
):
    subscribe = {"email": ADDRESS, "frequency": "immediate", "filters": "?country=KZ"}
    client.post("/en/alerts/", subscribe)
    (confirmation,) = mailbox.messages
    (confirm,) = links(confirmation)
    client.post(confirm.removeprefix(SITE))
    client.post("/en/alerts/", subscribe)  # asked again: the manage link comes by mail
    SubscriptionFactory(email=ADDRESS, query="", frequency="daily", language="ja")
    release = draft()
    release.countries.add(Release.countries.rel.model.objects.get_or_create(code="KZ")[0])
    workflow.publish(release, publisher)
    run_worker()
    services.send_digests()
    services.send_manage_link(Subscription.objects.first(), "192.0.2.9")
    messages = mailbox.to(ADDRESS)
    assert len(messages) == 5  # confirmation, manage link, alert, digest, fresh manage link
    for message in messages:
        assert links(message)
        for link in links(message):
            assert not carries(link, ADDRESS), (message["Subject"], link)
    for message in messages[1:]:
        (manage,) = manage_links(message)
        page = Client().get(manage)
        assert page.status_code == 200 and ADDRESS in page.text


def alert_manage_link(mailbox, publisher, run_worker, title):
    mailbox.clear()
    workflow.publish(draft(title), publisher)
    run_worker()
    (message,) = mailbox.to(ADDRESS)
    (manage,) = manage_links(message)
    return manage


def test_manage_link_expires_and_the_page_offers_a_fresh_one(
    client, mailbox, publisher, run_worker
):
    subscription = SubscriptionFactory(email=ADDRESS)
    manage = alert_manage_link(mailbox, publisher, run_worker, "First")
    mailbox.clear()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        page = client.get(manage)
        assert page.status_code == 410
        assert "This link has expired" in page.text and "Send me a new link" in page.text
        assert ADDRESS not in page.text
        # The old link no longer deletes anything.
        assert client.post(manage).status_code == 410
        assert Subscription.objects.filter(pk=subscription.pk).exists()
        sent = client.post(manage, {"action": "send-link"})
        assert sent.status_code == 200 and "A new link is on its way" in sent.text
        (message,) = mailbox.to(ADDRESS)
        (fresh,) = manage_links(message)
        assert "30 days" in message.get_content()
        page = client.get(fresh)
        assert page.status_code == 200 and ADDRESS in page.text


def test_each_alert_brings_a_manage_link_that_outlives_the_earlier_ones(
    client, mailbox, publisher, run_worker
):
    SubscriptionFactory(email=ADDRESS)
    start = timezone.now()
    first = alert_manage_link(mailbox, publisher, run_worker, "First")
    with time_machine.travel(start + datetime.timedelta(days=20)):
        second = alert_manage_link(mailbox, publisher, run_worker, "Second")
    assert second != first
    with time_machine.travel(start + datetime.timedelta(days=35)):
        assert client.get(first).status_code == 410
        page = client.get(second)
        assert page.status_code == 200 and ADDRESS in page.text


def test_the_expired_page_speaks_the_language_of_its_address(
    client, mailbox, publisher, run_worker
):
    SubscriptionFactory(email=ADDRESS)
    manage = alert_manage_link(mailbox, publisher, run_worker, "First")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        page = client.get(manage.replace("/en/", "/ja/", 1))
    assert page.status_code == 410
    assert 'lang="ja"' in page.text and "このリンクの有効期限が切れています" in page.text
    assert "This link has expired" not in page.text


def test_fresh_links_are_limited_like_the_subscribe_form(
    client, mailbox, publisher, run_worker, settings
):
    settings.ALERTS_REQUESTS_PER_CLIENT = 2
    settings.ALERTS_REQUESTS_PER_ADDRESS = 1
    SubscriptionFactory(email=ADDRESS)
    manage = alert_manage_link(mailbox, publisher, run_worker, "First")
    mailbox.clear()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        assert client.post(manage, {"action": "send-link"}).status_code == 200
        assert client.post(manage, {"action": "send-link"}).status_code == 200
        assert client.post(manage, {"action": "send-link"}).status_code == 429
    assert len(mailbox.to(ADDRESS)) == 1  # one message a day to one address


def test_an_old_manage_link_that_carried_the_address_is_a_clear_404(client):
    subscription = SubscriptionFactory(email=ADDRESS)
    old = f"/en/alerts/manage/{signing.dumps(ADDRESS, salt='alerts.manage')}/"
    for response in (client.get(old), client.post(old), client.post(old, {"action": "send-link"})):
        assert response.status_code == 404
        assert "This link no longer works" in response.text
    assert Subscription.objects.filter(pk=subscription.pk).exists()


def test_a_manage_link_whose_key_was_altered_is_refused(client, mailbox, publisher, run_worker):
    SubscriptionFactory(email=ADDRESS)
    other = SubscriptionFactory(email="other@example.org")
    manage = alert_manage_link(mailbox, publisher, run_worker, "First")
    key, rest = manage.removeprefix("/en/alerts/manage/").split(":", 1)
    forged = f"/en/alerts/manage/{other.manage_key}:{rest}"
    assert client.get(forged).status_code == 404


def test_only_a_new_confirmation_brings_a_manage_link_to_the_page(client, mailbox):
    pending = SubscriptionFactory(email=ADDRESS, confirmed_at=None, requested_at=timezone.now())
    done = client.post(f"/en/alerts/confirm/{pending.token}/")
    (manage,) = re.findall(r'href="(/en/alerts/manage/[^"]+)"', done.text)
    assert client.get(manage).status_code == 200
    # The same token is the unsubscribe token of every alert: it makes no more manage links.
    again = client.post(f"/en/alerts/confirm/{pending.token}/")
    assert again.status_code == 200 and "/alerts/manage/" not in again.text
    for page in (
        client.get(f"/en/alerts/confirm/{pending.token}/"),
        client.get(f"/en/alerts/unsubscribe/{pending.token}/"),
    ):
        assert page.status_code == 200 and "/alerts/manage/" not in page.text


def test_after_unsubscribing_the_link_to_the_other_subscriptions_works(client):
    first = SubscriptionFactory(email=ADDRESS, query="country=KZ")
    SubscriptionFactory(email=ADDRESS, query="country=UZ")
    done = client.post(f"/en/alerts/unsubscribe/{first.token}/")
    (manage,) = re.findall(r'href="(/en/alerts/manage/[^"]+)"', done.text)
    page = client.get(manage)
    assert page.status_code == 200 and "Uzbekistan" in page.text and "Kazakhstan" not in page.text
