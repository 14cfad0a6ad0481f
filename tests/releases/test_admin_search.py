"""Staff find an agreement in the admin by its partner, signatory or country, in either language."""

import pytest
from django.urls import reverse

from tests.factories import AgreementFactory, OfficialFactory, OrganizationFactory, country

pytestmark = pytest.mark.django_db


@pytest.fixture
def mou():
    partners = [
        OrganizationFactory(
            name_ja="タウケン・サムルク",
            name_en="Tau-Ken Samruk",
            short_name_en="TKS",
            other_names="Тау-Кен Самрук",
        ),
        OrganizationFactory(name_ja="タウ・エネルギー", name_en="Tau Energy", short_name_ja="タウ"),
    ]
    agreement = AgreementFactory(
        title_ja="覚書", title_en="Memorandum", parties=partners, country=country("KZ")
    )
    agreement.signatories.add(
        OfficialFactory(name_ja="トカエフ", name_en="Tokayev"),
        OfficialFactory(name_ja="タウ氏", name_en="Mr Tau"),
    )
    AgreementFactory(title_ja="別の覚書", title_en="Another", country=country("UZ"))
    return agreement


def autocomplete(client, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "releases",
            "model_name": "releaseagreement",
            "field_name": "agreement",
            "term": term,
        },
    )
    assert response.status_code == 200
    return [int(row["id"]) for row in response.json()["results"]]


@pytest.mark.parametrize(
    "term",
    [
        "Tau",  # two parties and a signatory match: the agreement comes once
        "タウケン",
        "tks",
        "Самрук",
        "トカエフ",
        "tokayev",
        "カザフスタン",
        "Kazakhstan",
        "kz",
        "Tau tokayev",  # every word, each in a different place
    ],
)
def test_the_agreement_autocomplete_finds_it_by_party_signatory_or_country_once(
    staff_client, mou, term
):
    assert autocomplete(staff_client, term) == [mou.pk]


def test_the_autocomplete_still_finds_by_title_and_not_by_unrelated_words(staff_client, mou):
    assert autocomplete(staff_client, "Memorandum") == [mou.pk]
    assert autocomplete(staff_client, "Uzbekistan") != [mou.pk]
    assert autocomplete(staff_client, "Tau Uzbekistan") == []


def test_the_agreement_changelist_search_lists_each_match_once_at_a_fixed_query_cost(
    staff_client, mou, django_assert_max_num_queries
):
    url = reverse("admin:releases_agreement_changelist")
    with django_assert_max_num_queries(12) as few:
        response = staff_client.get(url, {"q": "Tau"})
    assert list(response.context["cl"].result_list) == [mou]
    for n in range(20):
        partners = [OrganizationFactory(name_en=f"Tau {n}"), OrganizationFactory()]
        AgreementFactory(parties=partners).signatories.add(OfficialFactory(name_en=f"Tau {n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get(url, {"q": "Tau"})
    results = list(response.context["cl"].result_list)
    assert len(results) == len(set(results)) == 21
