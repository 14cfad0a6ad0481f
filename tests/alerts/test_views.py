"""The subscribe form on the lists and the alerts pages; the admin of subscriptions."""

import pytest
from django.urls import reverse

from alerts.models import Delivery, Subscription
from tests.factories import ReleaseFactory, SubscriptionFactory, country
from tests.pages import soup_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lang", "label"),
    [
        ("en", "E-mail me about new releases like these"),
        ("ja", "この条件の新着リリースをメールで受け取る"),
    ],
)
def test_every_release_list_offers_alerts_for_its_filters_in_its_language(client, lang, label):
    ReleaseFactory(countries=[country("KZ")])
    soup = soup_of(client.get(f"/{lang}/releases/?country=KZ&year=2025&page=1"))
    form = soup.select_one("form.alert-form")
    assert form["action"] == f"/{lang}/alerts/"
    assert form["method"] == "post"
    assert label in form.get_text()
    assert form.select_one("input[name=filters]")["value"] == "?country=KZ&year=2025"
    assert form.select_one("input[type=email][name=email]")


def test_alert_form_is_there_when_nothing_matches_yet(client):
    soup = soup_of(client.get("/en/releases/?q=nothing-matches"))
    assert soup.select_one("form.alert-form")


def test_subscribe_page_shows_the_filters_it_will_follow(
    client, no_cache, django_assert_num_queries
):
    # The countries named, checked against the countries table: nothing else.
    with django_assert_num_queries(1):
        response = client.get("/en/alerts/?country=kz&year=2025&page=4&bogus=1")
    soup = soup_of(response)
    summary = soup.select_one(".filter-summary").get_text(" ", strip=True)
    assert "Kazakhstan" in summary and "2025" in summary
    assert soup.select_one("input[name=filters]")["value"] == "country=KZ&year=2025"
    assert 'name="robots" content="noindex"' in response.text


@pytest.mark.parametrize(
    "path",
    ["/en/alerts/", "/en/alerts/confirm/x/", "/en/alerts/unsubscribe/x/", "/en/alerts/manage/x/"],
)
def test_alerts_pages_are_never_cached(client, path):
    response = client.get(path)
    assert "no-store" in response["Cache-Control"]


def test_unknown_tokens_are_a_404_page_not_an_error(client):
    for path in ("confirm/nope/", "unsubscribe/nope/", "manage/nope/"):
        assert client.get(f"/en/alerts/{path}").status_code == 404
    assert client.post("/en/alerts/confirm/nope/").status_code == 404
    assert client.post("/en/alerts/unsubscribe/nope/").status_code == 200  # one-click: done


def test_nothing_about_subscribers_is_public(client):
    SubscriptionFactory(email="secret-reader@example.org", query="country=KZ")
    for path in ("/en/releases/?country=KZ", "/en/alerts/?country=KZ", "/api/releases/"):
        assert "secret-reader" not in client.get(path).text


def test_admin_changelist_counts_per_list_and_searches_by_address(
    staff_client, django_assert_max_num_queries
):
    SubscriptionFactory.create_batch(3, query="country=KZ")
    SubscriptionFactory(query="country=KZ", confirmed_at=None)
    SubscriptionFactory(email="find-me@example.org", query="country=UZ")
    url = reverse("admin:alerts_subscription_changelist")
    with django_assert_max_num_queries(12):
        response = staff_client.get(url)
    assert response.status_code == 200
    counts = [row["query"] for row in response.context["filter_counts"]]
    assert counts[0] == "country=KZ"
    assert response.context["filter_counts"][0]["confirmed"] == 3
    assert response.context["filter_counts"][0]["pending"] == 1
    found = staff_client.get(url, {"q": "find-me"})
    assert list(found.context["cl"].result_list) == list(
        Subscription.objects.filter(email="find-me@example.org")
    )
    for state in ("confirmed", "pending", "expired"):
        assert staff_client.get(url, {"state": state}).status_code == 200


def test_admin_deletes_every_subscription_of_an_address(staff_client):
    first = SubscriptionFactory(email="gone@example.org", query="country=KZ")
    SubscriptionFactory(email="gone@example.org", query="country=UZ")
    kept = SubscriptionFactory(email="kept@example.org")
    Delivery.objects.create(release=ReleaseFactory(), subscription=first)
    response = staff_client.post(
        reverse("admin:alerts_subscription_changelist"),
        {"action": "delete_addresses", "_selected_action": [first.pk]},
    )
    assert response.status_code == 302
    assert list(Subscription.objects.all()) == [kept]
    assert not Delivery.objects.exists()


def test_admin_shows_a_subscription_but_cannot_add_or_change_one(staff_client):
    subscription = SubscriptionFactory()
    change = reverse("admin:alerts_subscription_change", args=[subscription.pk])
    assert staff_client.get(change).status_code == 200
    assert staff_client.get(reverse("admin:alerts_subscription_add")).status_code == 403
