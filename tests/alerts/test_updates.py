"""A major change published to a live release goes to the subscribers who asked for updates."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from alerts.mail import manage_token
from alerts.models import Subscription
from releases.models import Release
from releases.search import refresh_search_text
from tests.admin_forms import errors, form_data
from tests.factories import ReleaseFactory, SubscriptionFactory, country

pytestmark = pytest.mark.django_db


@pytest.fixture
def live():
    release = ReleaseFactory(
        slug="kz-mou",
        status=Release.Status.PUBLISHED,
        title_ja="カザフスタンとの覚書",
        title_en="MOU with Kazakhstan",
    )
    release.countries.add(country("KZ"))
    refresh_search_text([release])
    return release


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def correct(release, editor, publisher, *, major=True, note_ja="題名を訂正しました", note_en=""):
    """An editor's correction of the English title, published by a publisher with its note."""
    editors = client_for(editor)
    address = reverse("admin:releases_release_change", args=[release.pk])
    page = editors.get(address)
    data = {**form_data(page, "release_form"), "title_en": "MOU with the Republic of Kazakhstan"}
    response = editors.post(address, data)
    assert response.status_code == 302, errors(response)
    data = {"note_ja": note_ja, "note_en": note_en, "_publish": "1"}
    if major:
        data["major"] = "on"
    response = client_for(publisher).post(
        reverse("admin:releases_release_changes", args=[release.pk]), data
    )
    assert response.status_code == 302, errors(response)


def text(message, subtype="plain"):
    return message.get_body(preferencelist=(subtype,)).get_content()


def test_a_major_update_goes_to_subscribers_who_asked_for_updates(
    live, editor, publisher, mailbox, run_worker
):
    subscription = SubscriptionFactory(
        email="updates@example.org", query="country=KZ", updates=True
    )
    correct(live, editor, publisher, note_en="Corrected the English title")
    run_worker()
    (message,) = mailbox.messages
    assert message["To"] == "updates@example.org"
    assert message["Subject"] == "Updated: MOU with the Republic of Kazakhstan"
    with translation.override("en"):
        unsubscribe = reverse("alerts:unsubscribe", args=[subscription.token])
        today = date_format(timezone.localdate())
    assert message["List-Unsubscribe"].strip() == f"<https://press.example.org{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    for part in (text(message), text(message, "html")):
        assert "Corrected the English title" in part
        assert "題名を訂正しました" not in part
        assert "https://press.example.org/en/releases/kz-mou/" in part
        assert "/en/alerts/manage/" in part
        assert f"Updated {today}" in part


def test_the_update_is_in_japanese_for_japanese_subscribers_and_english_falls_back(
    live, editor, publisher, mailbox, run_worker
):
    SubscriptionFactory(email="ja@example.org", language="ja", updates=True)
    SubscriptionFactory(email="en@example.org", language="en", updates=True)
    correct(live, editor, publisher, note_ja="英語の題名を訂正しました")
    run_worker()
    (ja,) = mailbox.to("ja@example.org")
    assert ja["Subject"] == "更新：カザフスタンとの覚書"
    assert "英語の題名を訂正しました" in text(ja)
    assert "/ja/releases/kz-mou/" in text(ja)
    with translation.override("ja"):
        assert f"{date_format(timezone.localdate())} 更新" in text(ja)
    (en,) = mailbox.to("en@example.org")
    assert en["Subject"] == "Updated: MOU with the Republic of Kazakhstan"
    assert "英語の題名を訂正しました" in text(en)
    assert 'lang="ja"' in text(en, "html")


def test_subscribers_without_the_option_get_nothing(live, editor, publisher, mailbox, run_worker):
    SubscriptionFactory(email="new-only@example.org", query="country=KZ")
    correct(live, editor, publisher)
    run_worker()
    assert mailbox.messages == []


def test_a_minor_update_sends_nothing(live, editor, publisher, mailbox, run_worker):
    SubscriptionFactory(email="updates@example.org", updates=True)
    correct(live, editor, publisher, major=False)
    run_worker()
    assert mailbox.messages == []


def test_only_subscribers_whose_list_shows_the_release_get_its_update(
    live, editor, publisher, mailbox, run_worker
):
    SubscriptionFactory(email="kz@example.org", query="country=KZ", updates=True)
    SubscriptionFactory(email="uz@example.org", query="country=UZ", updates=True)
    SubscriptionFactory(email="lithium@example.org", query="q=lithium", updates=True)
    SubscriptionFactory(
        email="pending@example.org", query="country=KZ", updates=True, confirmed_at=None
    )
    correct(live, editor, publisher)
    run_worker()
    assert [m["To"] for m in mailbox.messages] == ["kz@example.org"]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_subscribe_form_asks_for_updates_and_keeps_the_answer(client, mailbox, lang):
    page = client.get(f"/{lang}/alerts/?country=KZ")
    assert 'name="updates"' in page.text
    label = "Also send me updates" if lang == "en" else "更新（訂正）も受け取る"
    assert label in page.text
    client.post(
        f"/{lang}/alerts/",
        {"email": "r@example.org", "frequency": "daily", "filters": "?country=KZ", "updates": "on"},
    )
    client.post(
        f"/{lang}/alerts/",
        {"email": "s@example.org", "frequency": "daily", "filters": "?country=KZ"},
    )
    assert Subscription.objects.get(email="r@example.org").updates
    assert not Subscription.objects.get(email="s@example.org").updates


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_manage_page_turns_updates_on_and_off(client, lang):
    subscription = SubscriptionFactory(email="r@example.org", query="country=KZ")
    with_updates = "with updates to releases" if lang == "en" else "リリースの更新も受け取る"
    address = f"/{lang}/alerts/manage/{manage_token(subscription)}/"
    assert with_updates not in client.get(address).text
    data = {"action": "updates", "subscription": subscription.pk, "updates": "on"}
    assert client.post(address, data).status_code == 302
    subscription.refresh_from_db()
    assert subscription.updates
    assert with_updates in client.get(address).text
    client.post(address, {"action": "updates", "subscription": subscription.pk})
    subscription.refresh_from_db()
    assert not subscription.updates


def test_the_manage_page_changes_only_its_own_addresss_subscriptions(client):
    mine = SubscriptionFactory(email="r@example.org")
    other = SubscriptionFactory(email="someone@example.org")
    address = f"/en/alerts/manage/{manage_token(mine)}/"
    for pk in (other.pk, "not-a-number"):
        response = client.post(address, {"action": "updates", "subscription": pk, "updates": "on"})
        assert response.status_code == 302
    other.refresh_from_db()
    assert not other.updates
    assert Subscription.objects.count() == 2


def test_a_server_gone_mid_update_sends_each_message_once(
    live, editor, publisher, mailbox, run_worker, monkeypatch
):
    import datetime
    import smtplib

    import time_machine
    from django.core.mail.backends.smtp import EmailBackend

    from alerts.models import UpdateDelivery

    for name in ("a", "down", "c"):
        SubscriptionFactory(email=f"{name}@example.org", query="country=KZ", updates=True)
    send = EmailBackend._send
    outages = []

    def flaky(backend, message):
        if message.to == ["down@example.org"] and not outages:
            outages.append(message)
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return send(backend, message)

    monkeypatch.setattr(EmailBackend, "_send", flaky)
    correct(live, editor, publisher)
    run_worker()
    assert [m["To"] for m in mailbox.messages] == ["a@example.org"]
    # The retry, five minutes on, sends the rest and nothing twice.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6)):
        run_worker()
    assert sorted(m["To"] for m in mailbox.messages) == [
        "a@example.org",
        "c@example.org",
        "down@example.org",
    ]
    assert UpdateDelivery.objects.count() == 3
