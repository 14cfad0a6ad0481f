import datetime

import pytest
from django.http import QueryDict
from django.utils import translation

from releases.filters import AgreementFilter, ReleaseFilter
from releases.models import Agreement, Release
from releases.search import refresh_search_text
from tests.factories import (
    AgreementFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    country,
)
from tests.pages import tokyo

pytestmark = pytest.mark.django_db


def filtered(query):
    """The slugs the filter keeps from the public releases, and the filterset."""
    filterset = ReleaseFilter(QueryDict(query), queryset=Release.objects.published())
    return {r.slug for r in filterset.qs}, filterset


def ignored(filterset):
    return dict(filterset.ignored_filters())


@pytest.fixture
def releases():
    kz = ReleaseFactory(slug="kz", published_at=tokyo(2025, 12, 19, 23, 30))
    kz.countries.add(country("KZ"))
    uz = ReleaseFactory(slug="uz", published_at=tokyo(2025, 11, 3, 10))
    uz.countries.add(country("UZ"))
    both = ReleaseFactory(slug="both", published_at=tokyo(2024, 12, 20, 0, 0))
    both.countries.add(country("KZ"), country("UZ"))
    return kz, uz, both


def test_no_parameters_keep_everything(releases):
    slugs, filterset = filtered("")
    assert slugs == {"kz", "uz", "both"}
    assert filterset.active_filters() == []
    assert filterset.ignored_filters() == []


def test_country_is_repeatable_and_means_any_of(releases):
    assert filtered("country=KZ")[0] == {"kz", "both"}
    assert filtered("country=KZ&country=UZ")[0] == {"kz", "uz", "both"}


def test_country_codes_ignore_case_and_duplicates(releases):
    slugs, filterset = filtered("country=kz&country=KZ")
    assert slugs == {"kz", "both"}
    assert [chip["value"] for chip in filterset.active_filters()] == [country("KZ").name]


@pytest.mark.parametrize("value", ["ZZ", "K1", "<script>", "KAZ", "\x00", "K" * 5000])
def test_an_invalid_country_is_ignored_with_a_reason(releases, value):
    slugs, filterset = filtered(f"country={value}")
    assert slugs == {"kz", "uz", "both"}
    assert "country" in filterset.form.errors


def test_year_keeps_that_calendar_year_in_tokyo_time(releases):
    assert filtered("year=2025")[0] == {"kz", "uz"}
    assert filtered("year=2024")[0] == {"both"}


def test_month_with_year_narrows_to_that_month(releases):
    assert filtered("year=2025&month=12")[0] == {"kz"}


def test_month_without_a_year_is_ignored_with_a_reason(releases):
    slugs, filterset = filtered("month=12")
    assert slugs == {"kz", "uz", "both"}
    assert "month" in filterset.form.errors


def test_month_with_an_invalid_year_ignores_both(releases):
    slugs, filterset = filtered("year=abc&month=12")
    assert slugs == {"kz", "uz", "both"}
    assert {"year", "month"} <= set(filterset.form.errors)


@pytest.mark.parametrize("query", ["year=abc", "year=99999", "year=2025.5", "month=13", "month=0"])
def test_invalid_year_or_month_is_ignored(releases, query):
    slugs, filterset = filtered(query)
    assert slugs == {"kz", "uz", "both"}
    assert filterset.ignored_filters()


def test_full_width_digits_are_read_as_digits(releases):
    assert filtered("year=２０２５")[0] == {"kz", "uz"}


def test_from_and_to_are_inclusive_local_days(releases):
    assert filtered("from=2025-12-19")[0] == {"kz"}
    assert filtered("to=2025-12-19")[0] == {"kz", "uz", "both"}
    assert filtered("to=2025-12-18")[0] == {"uz", "both"}
    assert filtered("from=2024-12-20&to=2024-12-20")[0] == {"both"}


@pytest.mark.parametrize(
    "query",
    ["from=2025-13-45", "to=2025-02-30", "from=19-12-2025", "to=9999-12-31", "from=0001-01-01"],
)
def test_invalid_or_far_dates_are_ignored_without_overflow(releases, query):
    slugs, filterset = filtered(query)
    assert slugs == {"kz", "uz", "both"}
    assert filterset.ignored_filters()


def test_an_end_before_the_start_is_ignored_with_a_reason(releases):
    slugs, filterset = filtered("from=2025-12-01&to=2025-01-01")
    assert slugs == {"kz"}
    assert list(ignored(filterset)) == [ReleaseFilter.base_filters["to"].label]


def test_agreement_kind_keeps_releases_reporting_such_an_agreement(releases):
    kz, uz, _ = releases
    ReleaseAgreementFactory(release=kz, agreement=AgreementFactory(kind=Agreement.Kind.MOU))
    ReleaseAgreementFactory(release=uz, agreement=AgreementFactory(kind=Agreement.Kind.MOC))
    assert filtered("agreement=mou")[0] == {"kz"}
    assert filtered("agreement=moc")[0] == {"uz"}
    assert filtered("agreement=xyz")[1].ignored_filters()


def test_official_keeps_releases_with_a_meeting_or_a_signature_of_theirs(releases):
    kz, uz, _ = releases
    tokayev = OfficialFactory(slug="tokayev")
    MeetingParticipantFactory(meeting=MeetingFactory(release=kz), official=tokayev)
    agreement = AgreementFactory()
    agreement.signatories.add(tokayev)
    ReleaseAgreementFactory(release=uz, agreement=agreement)
    slugs, filterset = filtered("official=tokayev")
    assert slugs == {"kz", "uz"}
    assert filterset.active_filters()[0]["value"] == tokayev.name


@pytest.mark.parametrize("value", ["nobody", "bad slug!", "\x00", "x" * 500])
def test_an_unknown_official_is_ignored(releases, value):
    slugs, filterset = filtered(f"official={value}")
    assert slugs == {"kz", "uz", "both"}
    assert "official" in filterset.form.errors


def test_an_official_only_in_a_draft_is_unknown_to_the_filter(releases):
    draft = ReleaseFactory(status=Release.Status.DRAFT, published_at=None)
    MeetingParticipantFactory(meeting=MeetingFactory(release=draft), official__slug="secret")
    assert "official" in filtered("official=secret")[1].form.errors


def test_words_go_to_the_search(releases):
    kz, _, _ = releases
    kz.title_ja = "タウケン・サムルクとの覚書"
    kz.save()
    refresh_search_text(Release.objects.all())
    assert filtered("q=タウケン")[0] == {"kz"}
    assert "q" in filtered("q=" + "x" * 201)[1].form.errors


def test_filters_combine(releases):
    assert filtered("country=UZ&year=2025")[0] == {"uz"}
    assert filtered("country=UZ&year=2025&month=12")[0] == set()


def test_each_chip_removes_only_its_own_filter(releases):
    _, filterset = filtered("country=KZ&country=UZ&year=2025&month=12&page=3&utm=x")
    with translation.override("en"):
        chips = {
            (str(c["label"]), str(c["value"])): QueryDict(c["remove"])
            for c in filterset.active_filters()
        }
    assert chips[("Country", "Kazakhstan")].getlist("country") == ["UZ"]
    assert chips[("Country", "Uzbekistan")].getlist("country") == ["KZ"]
    # A month means nothing without its year: removing the year removes both.
    assert "year" not in chips[("Year", "2025")] and "month" not in chips[("Year", "2025")]
    assert chips[("Month", "December")]["year"] == "2025"
    for query in chips.values():
        assert "page" not in query
        assert query["utm"] == "x"


def test_invalid_filters_make_no_chips(releases):
    _, filterset = filtered("country=ZZ&year=abc")
    assert filterset.active_filters() == []


def test_the_filter_works_without_a_request_on_any_queryset(releases):
    """Feeds and the API reuse it with plain dicts."""
    filterset = ReleaseFilter({"country": ["KZ"], "year": "2025"}, queryset=Release.objects.all())
    assert {r.slug for r in filterset.qs} == {"kz"}


def test_agreement_filter_by_country_kind_and_year():
    AgreementFactory(slug="kz-mou", kind="mou", signed_on=datetime.date(2025, 12, 4))
    AgreementFactory(slug="uz-moc", kind="moc", country=country("UZ"), signed_on=None)
    qs = Agreement.objects.all()

    def slugs(query):
        return {a.slug for a in AgreementFilter(QueryDict(query), queryset=qs).qs}

    assert slugs("country=UZ") == {"uz-moc"}
    assert slugs("kind=mou") == {"kz-mou"}
    assert slugs("year=2025") == {"kz-mou"}
    assert slugs("year=abc&country=ZZ") == {"kz-mou", "uz-moc"}


def test_the_agreement_register_filters_by_a_signatory_the_public_may_know_of():
    public = ReleaseFactory()
    draft = ReleaseFactory(status=Release.Status.DRAFT, published_at=None)
    signed = AgreementFactory(slug="signed")
    signed.signatories.add(OfficialFactory(slug="tokayev"))
    ReleaseAgreementFactory(release=public, agreement=signed)
    ReleaseAgreementFactory(release=public, agreement=AgreementFactory(slug="other"))
    secret = AgreementFactory(slug="secret")
    secret.signatories.add(OfficialFactory(slug="only-in-a-draft"))
    ReleaseAgreementFactory(release=draft, agreement=secret)
    registered = Agreement.objects.public()

    def register(query):
        filterset = AgreementFilter(QueryDict(query), queryset=registered)
        return {a.slug for a in filterset.qs}, filterset

    assert register("official=tokayev")[0] == {"signed"}
    assert register("official=tokayev&kind=moc")[0] == set()
    for unknown in ("only-in-a-draft", "nobody", "bad slug!"):
        slugs, filterset = register(f"official={unknown}")
        assert slugs == {"signed", "other"}
        assert "official" in filterset.form.errors
