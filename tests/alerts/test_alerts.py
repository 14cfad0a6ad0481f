"""E-mail alerts end to end, through a real SMTP server on 127.0.0.1 and the task worker."""

import datetime
import re

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from alerts.models import Delivery, Subscription
from releases import workflow
from releases.models import Release
from releases.search import refresh_search_text
from tests.factories import ReleaseFactory, SubscriptionFactory, country

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https://press\.example\.org/\S+")


@pytest.fixture
def publisher(django_user_model):
    return django_user_model.objects.create_superuser("chief", "chief@example.org", "pw")


@pytest.fixture
def draft():
    release = ReleaseFactory(
        status=Release.Status.DRAFT,
        published_at=None,
        title_ja="カザフスタンとの覚書",
        title_en="MOU with Kazakhstan",
        lead_ja="覚書を締結しました。",
        lead_en="We signed an MOU.",
    )
    release.countries.add(country("KZ"))
    refresh_search_text([release])
    return release


def body(message, subtype="plain"):
    return message.get_body(preferencelist=(subtype,)).get_content()


def links(message):
    return LINK.findall(body(message))


def subscribe(client, email="reader@example.org", filters="?country=KZ", lang="en", **extra):
    return client.post(
        f"/{lang}/alerts/",
        {"email": email, "frequency": "immediate", "filters": filters, **extra},
        REMOTE_ADDR=extra.pop("ip", "192.0.2.1"),
    )


def confirm_from(message, client):
    (url,) = links(message)
    return client.post(url.removeprefix("https://press.example.org"))


def test_subscribing_sends_only_a_confirmation_link_without_the_visitors_text(client, mailbox):
    response = subscribe(client, filters="?country=KZ&q=Buy+cheap+pills+at+spam.example")
    assert response.status_code == 200
    assert "Check your inbox" in response.text
    (message,) = mailbox.messages
    assert message["To"] == "reader@example.org"
    assert "cheap" not in message.as_string() and "spam.example" not in message.as_string()
    assert len(links(message)) == 1
    subscription = Subscription.objects.get()
    assert subscription.query == "q=Buy+cheap+pills+at+spam.example&country=KZ"
    assert not subscription.is_confirmed


def test_nothing_is_sent_before_confirmation(client, mailbox, publisher, draft, run_worker):
    subscribe(client)
    mailbox.clear()
    workflow.publish(draft, publisher)
    run_worker()
    assert mailbox.messages == []


def test_confirmation_link_asks_before_confirming(client, mailbox):
    subscribe(client)
    (url,) = links(mailbox.messages[0])
    page = client.get(url.removeprefix("https://press.example.org"))
    assert page.status_code == 200 and "Confirm" in page.text
    assert not Subscription.objects.get().is_confirmed  # a link scanner's GET changes nothing
    assert confirm_from(mailbox.messages[0], client).status_code == 200
    assert Subscription.objects.get().is_confirmed


def test_unconfirmed_request_expires(client, mailbox, run_worker):
    subscribe(client)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=49)):
        assert confirm_from(mailbox.messages[0], client).status_code == 404
    assert not Subscription.objects.exists()


def test_daily_run_deletes_expired_requests(client, mailbox):
    from alerts import services

    subscribe(client)
    subscribe(client, email="late@example.org")
    Subscription.objects.filter(email="reader@example.org").update(
        requested_at=timezone.now() - datetime.timedelta(hours=49)
    )
    services.send_digests()
    assert list(Subscription.objects.values_list("email", flat=True)) == ["late@example.org"]


def test_alert_after_confirmation_has_the_release_and_unsubscribe_headers(
    client, mailbox, publisher, draft, run_worker
):
    subscribe(client)
    confirm_from(mailbox.messages[0], client)
    mailbox.clear()
    workflow.publish(draft, publisher)
    run_worker()
    (message,) = mailbox.messages
    assert message["Subject"] == "New release: MOU with Kazakhstan"
    unsubscribe = message["List-Unsubscribe"].strip()  # folded: it is long
    assert re.fullmatch(r"<https://press\.example\.org/en/alerts/unsubscribe/[\w-]+/>", unsubscribe)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = body(message), body(message, "html")
    for part in (text, html):
        assert "MOU with Kazakhstan" in part
        assert "We signed an MOU." in part
        assert "Kazakhstan" in part
        assert f"https://press.example.org/en/releases/{draft.slug}/" in part
        assert "/en/alerts/manage/" in part
        assert timezone.localdate().strftime("%Y") in part


def test_alert_is_in_the_language_of_the_page_subscribed_from(
    client, mailbox, publisher, draft, run_worker
):
    subscribe(client, lang="ja")
    assert "確認" in mailbox.messages[0]["Subject"]
    confirm_from(mailbox.messages[0], client)
    mailbox.clear()
    workflow.publish(draft, publisher)
    run_worker()
    (message,) = mailbox.messages
    assert "カザフスタンとの覚書" in message["Subject"]
    assert "覚書を締結しました。" in body(message)
    assert "/ja/releases/" in body(message)
    assert "カザフスタン" in body(message, "html")


def test_one_click_unsubscribe_deletes_the_data(mailbox, draft, run_worker, publisher):
    subscription = SubscriptionFactory(email="reader@example.org", query="country=KZ")
    workflow.publish(draft, publisher)
    run_worker()
    assert Delivery.objects.filter(subscription=subscription).exists()
    url = (
        mailbox.messages[0]["List-Unsubscribe"]
        .strip()
        .strip("<>")
        .removeprefix("https://press.example.org")
    )
    mail_client = Client(enforce_csrf_checks=True)  # a mail provider's POST has no CSRF token
    response = mail_client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not Subscription.objects.filter(email="reader@example.org").exists()
    assert not Delivery.objects.exists()


def test_unsubscribe_link_opened_shows_a_button_and_keeps_the_subscription(client):
    subscription = SubscriptionFactory()
    response = client.get(f"/en/alerts/unsubscribe/{subscription.token}/")
    assert response.status_code == 200
    assert "<button" in response.text
    assert Subscription.objects.filter(pk=subscription.pk).exists()


def test_manage_link_lists_every_subscription_and_deletes_the_address(
    client, mailbox, draft, publisher, run_worker
):
    SubscriptionFactory(email="reader@example.org", query="country=KZ")
    SubscriptionFactory(email="reader@example.org", query="country=UZ")
    other = SubscriptionFactory(email="other@example.org", query="country=KZ")
    workflow.publish(draft, publisher)
    run_worker()
    (message,) = mailbox.to("reader@example.org")
    manage = next(url for url in links(message) if "/alerts/manage/" in url)
    path = manage.removeprefix("https://press.example.org")
    page = client.get(path)
    assert page.status_code == 200
    assert "Kazakhstan" in page.text and "Uzbekistan" in page.text
    assert "other@example.org" not in page.text
    client.post(path)
    assert not Subscription.objects.filter(email="reader@example.org").exists()
    assert list(Subscription.objects.all()) == [other]
    assert not Delivery.objects.exclude(subscription=other).exists()


def test_forged_manage_link_is_refused(client):
    SubscriptionFactory(email="reader@example.org")
    assert client.get("/en/alerts/manage/cmVhZGVyQGV4YW1wbGUub3Jn:forged/").status_code == 404


def test_a_release_is_sent_once_when_its_task_runs_twice(mailbox, draft, publisher, run_worker):
    from alerts.tasks import send_release_alerts

    SubscriptionFactory.create_batch(3, query="country=KZ")
    workflow.publish(draft, publisher)
    send_release_alerts.enqueue(draft.pk)  # a retry, or a second publication event
    run_worker("worker-a")
    send_release_alerts.enqueue(draft.pk)
    run_worker("worker-b")
    assert len(mailbox.messages) == 3
    assert Delivery.objects.count() == 3


def test_republishing_sends_nothing_again(mailbox, draft, publisher, run_worker):
    SubscriptionFactory(query="country=KZ")
    workflow.publish(draft, publisher)
    run_worker()
    workflow.unpublish(draft, publisher)
    workflow.publish(draft, publisher)
    run_worker()
    assert len(mailbox.messages) == 1


def test_the_database_refuses_a_second_delivery(draft):
    subscription = SubscriptionFactory()
    Delivery.objects.create(release=draft, subscription=subscription)
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(release=draft, subscription=subscription)


def test_a_message_the_server_did_not_take_is_sent_by_the_retry(
    mailbox, draft, publisher, run_worker, settings
):
    SubscriptionFactory(query="country=KZ")
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 9  # discard: nothing listens, the connection is refused
    workflow.publish(draft, publisher)
    run_worker()
    assert not Delivery.objects.exists()
    settings.EMAIL_PORT = port
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6)):
        run_worker()
    assert len(mailbox.messages) == 1
    assert Delivery.objects.count() == 1


def test_scheduled_release_sends_nothing_before_its_time_and_sends_at_it(
    mailbox, draft, publisher, run_worker
):
    SubscriptionFactory(query="country=KZ")
    at = timezone.now() + datetime.timedelta(hours=2)
    workflow.schedule(draft, publisher, at)
    run_worker()
    with time_machine.travel(at - datetime.timedelta(minutes=1)):
        run_worker()
    assert mailbox.messages == []
    with time_machine.travel(at + datetime.timedelta(seconds=1)):
        run_worker()
    assert len(mailbox.messages) == 1


def test_release_withdrawn_before_its_alerts_went_out_sends_none(
    mailbox, draft, publisher, run_worker
):
    SubscriptionFactory(query="country=KZ")
    workflow.publish(draft, publisher)
    workflow.withdraw(draft, publisher, "誤り")
    run_worker()
    assert mailbox.messages == []


def test_rescheduled_release_sends_once_at_its_new_time(mailbox, draft, publisher, run_worker):
    SubscriptionFactory(query="country=KZ")
    first = timezone.now() + datetime.timedelta(hours=1)
    later = timezone.now() + datetime.timedelta(hours=3)
    workflow.schedule(draft, publisher, first)
    workflow.schedule(draft, publisher, later)
    with time_machine.travel(first + datetime.timedelta(minutes=1)):
        run_worker()
    assert mailbox.messages == []
    with time_machine.travel(later + datetime.timedelta(minutes=1)):
        run_worker()
    assert len(mailbox.messages) == 1


def test_only_subscriptions_whose_list_shows_the_release_get_it(
    mailbox, draft, publisher, run_worker
):
    SubscriptionFactory(email="kz@example.org", query="country=KZ")
    SubscriptionFactory(email="all@example.org", query="")
    SubscriptionFactory(email="uz@example.org", query="country=UZ")
    SubscriptionFactory(email="words@example.org", query="q=Kazakhstan")
    SubscriptionFactory(email="other-words@example.org", query="q=lithium")
    workflow.publish(draft, publisher)
    run_worker()
    assert sorted(m["To"] for m in mailbox.messages) == [
        "all@example.org",
        "kz@example.org",
        "words@example.org",
    ]


def test_daily_digest_gathers_the_days_releases_in_one_message(mailbox, publisher, run_worker):
    from alerts.tasks import send_daily_digests

    SubscriptionFactory(frequency=Subscription.Frequency.DAILY, query="country=KZ")
    for title in ("First", "Second"):
        release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None, title_en=title)
        release.countries.add(country("KZ"))
        workflow.publish(release, publisher)
    run_worker()
    assert mailbox.messages == []  # daily: nothing at once
    send_daily_digests.enqueue()
    run_worker()
    (message,) = mailbox.messages
    assert message["Subject"] == "2 new releases"
    assert "First" in body(message) and "Second" in body(message)
    send_daily_digests.enqueue()
    run_worker()
    assert len(mailbox.messages) == 1


def test_daily_digest_enqueues_itself_for_the_next_day(settings, run_worker, mailbox):
    from django_tasks_db.models import DBTaskResult

    from alerts.tasks import send_daily_digests

    settings.ALERTS_DIGEST_HOUR = 8
    DBTaskResult.objects.all().delete()
    send_daily_digests.enqueue()
    run_worker()
    (waiting,) = DBTaskResult.objects.filter(status="READY")
    at = timezone.localtime(waiting.run_after)
    assert (at.hour, at.minute) == (8, 0)
    assert timezone.now() < at <= timezone.now() + datetime.timedelta(days=1)


def test_limit_per_address_stops_flooding_an_inbox(client, mailbox, settings):
    settings.ALERTS_REQUESTS_PER_ADDRESS = 3
    for n in range(5):
        response = subscribe(client, filters=f"?year={2020 + n}", ip=f"192.0.2.{n}")
        assert response.status_code == 200  # the page says the same: nothing about the address
    assert len(mailbox.to("reader@example.org")) == 3


def test_limit_per_client(client, mailbox, settings):
    settings.ALERTS_REQUESTS_PER_CLIENT = 2
    assert subscribe(client, email="a@example.org").status_code == 200
    assert subscribe(client, email="b@example.org").status_code == 200
    assert subscribe(client, email="c@example.org").status_code == 429
    assert len(mailbox.messages) == 2


@pytest.mark.parametrize(
    "address",
    ["not-an-address", "a@b", "victim@example.org\nBcc: x@example.org", "a" * 250 + "@example.org"],
)
def test_invalid_addresses_are_refused(client, mailbox, address):
    response = subscribe(client, email=address)
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.text
    assert mailbox.messages == [] and not Subscription.objects.exists()


def test_asking_again_for_a_followed_list_sends_the_manage_link_only(client, mailbox):
    SubscriptionFactory(email="reader@example.org", query="country=KZ")
    subscribe(client, filters="?country=kz&page=3")
    (message,) = mailbox.messages
    assert "/en/alerts/manage/" in body(message)
    assert Subscription.objects.count() == 1


def test_a_subscription_request_starts_the_daily_run_once(client, mailbox):
    from django_tasks_db.models import DBTaskResult

    from alerts.tasks import send_daily_digests

    daily = DBTaskResult.objects.filter(task_path=send_daily_digests.module_path)
    assert not daily.exists()
    subscribe(client)
    subscribe(client, email="second@example.org")
    assert daily.filter(status="READY").count() == 1


def test_subscribers_of_one_list_each_get_their_own_links(mailbox, draft, publisher, run_worker):
    first = SubscriptionFactory(email="first@example.org", query="country=KZ", language="ja")
    second = SubscriptionFactory(email="second@example.org", query="country=KZ", language="ja")
    workflow.publish(draft, publisher)
    run_worker()
    for subscription in (first, second):
        (message,) = mailbox.to(subscription.email)
        unsubscribe = f"https://press.example.org/ja/alerts/unsubscribe/{subscription.token}/"
        assert message["List-Unsubscribe"].strip() == f"<{unsubscribe}>"
        for part in (body(message), body(message, "html")):
            assert unsubscribe in part
            (manage,) = re.findall(r"https://press\.example\.org/ja/alerts/manage/[^/\s]+/", part)
            response = Client().get(manage.removeprefix("https://press.example.org"))
            assert subscription.email in response.text
            assert "カザフスタンとの覚書" in part


def test_a_release_followed_by_many_is_shared_out_in_tasks_each_sent_once(
    mailbox, draft, publisher, run_worker, monkeypatch
):
    from django_tasks_db.models import DBTaskResult

    from alerts import tasks

    monkeypatch.setattr(tasks, "CHUNK", 2)
    SubscriptionFactory.create_batch(5, query="country=KZ")
    SubscriptionFactory(query="country=UZ")
    workflow.publish(draft, publisher)
    run_worker()
    assert sorted(m["To"] for m in mailbox.messages) == sorted(
        Subscription.objects.filter(query="country=KZ").values_list("email", flat=True)
    )
    chunks = DBTaskResult.objects.filter(task_path=tasks.send_release_chunk.module_path)
    assert sorted(result.return_value for result in chunks) == [1, 2, 2]


def test_a_refused_address_and_a_server_gone_mid_batch_lose_and_double_nothing(
    mailbox, draft, publisher, run_worker, monkeypatch
):
    import smtplib

    from django.core.mail.backends.smtp import EmailBackend

    for name in ("a", "refused", "c", "down", "e"):
        SubscriptionFactory(email=f"{name}@example.org", query="country=KZ")
    send = EmailBackend._send
    outages = []

    def flaky(backend, message):
        if message.to == ["refused@example.org"]:
            raise smtplib.SMTPRecipientsRefused({"refused@example.org": (550, b"No such user")})
        if message.to == ["down@example.org"] and not outages:
            outages.append(message)
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return send(backend, message)

    monkeypatch.setattr(EmailBackend, "_send", flaky)
    workflow.publish(draft, publisher)
    run_worker()
    assert sorted(m["To"] for m in mailbox.messages) == ["a@example.org", "c@example.org"]
    assert sorted(Delivery.objects.values_list("subscription__email", flat=True)) == [
        "a@example.org",
        "c@example.org",
    ]
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6)):
        run_worker()
    assert sorted(m["To"] for m in mailbox.messages) == [
        f"{name}@example.org" for name in ("a", "c", "down", "e")
    ]
    assert Delivery.objects.count() == 4


def test_messages_parse_cleanly_with_their_zone_and_the_sites_message_ids(
    client, mailbox, publisher, draft, run_worker
):
    """Read from the bytes the SMTP server received, with Python's e-mail parser (policy=default)."""
    from email import message_from_bytes, policy
    from email.utils import parsedate_to_datetime

    subscribe(client, lang="ja")
    confirm_from(mailbox.messages[0], client)
    workflow.publish(draft, publisher)
    run_worker()
    confirmation, alert = (message_from_bytes(raw, policy=policy.default) for raw in mailbox.raw)
    assert confirmation["Subject"] == "JOGMECニュースリリースのメール通知の確認"
    assert alert["Subject"] == "新着リリース：カザフスタンとの覚書"
    for message in (confirmation, alert):
        assert not message["Subject"].startswith(" ")
        assert b"Subject: \r\n" not in mailbox.raw[0] + mailbox.raw[1]
        date = message["Date"]
        assert date.endswith("+0900"), date
        assert parsedate_to_datetime(date).utcoffset() == datetime.timedelta(hours=9)
        assert re.fullmatch(r"<[^@<>]+@press\.example\.org>", message["Message-ID"])
    assert confirmation["Message-ID"] != alert["Message-ID"]
