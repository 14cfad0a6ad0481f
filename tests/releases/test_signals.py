"""Search text stays true by itself: renaming anything a release shows, in plain ORM code as a
shell or an import would, makes the release findable under the new name only, once the
transaction commits."""

import pytest
from django.db import transaction

from people.models import Post
from releases.models import Agreement, Release
from tests.factories import (
    AgreementFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OfficialFactory,
    OrganizationFactory,
    PostFactory,
    ReleaseAgreementFactory,
    ReleaseFactory,
    SectionFactory,
    country,
)

pytestmark = pytest.mark.django_db


def found(words):
    return list(Release.objects.published().search(words).values_list("slug", flat=True))


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks, as the end of a real transaction would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def shown(committed):
    """A release that shows an official (at a meeting in Kazakhstan, with a post), its issuer,
    and an agreement with two parties and a signatory; and a release that shows none of them.
    Their search text is written by the signals alone."""
    with committed():
        return _shown()


def _shown():
    official = OfficialFactory(name_en="Almas Aidarov", other_names="Алмас Айдаров")
    PostFactory(official=official, title_ja="大臣", title_en="Minister")
    issuer = OrganizationFactory(name_en="Northern Bureau")
    release = ReleaseFactory(slug="shown", issuer=issuer)
    meeting = MeetingFactory(release=release, country=country("KZ"))
    MeetingParticipantFactory(meeting=meeting, official=official)
    party = OrganizationFactory(name_en="Steppe Geology")
    agreement = AgreementFactory(
        kind=Agreement.Kind.MOU,
        title_en="Memorandum on tungsten",
        parties=[party, OrganizationFactory()],
    )
    agreement.signatories.add(official)
    ReleaseAgreementFactory(release=release, agreement=agreement)
    ReleaseFactory(slug="other")
    return {
        "official": official,
        "issuer": issuer,
        "party": party,
        "agreement": agreement,
        "meeting": meeting,
        "release": release,
    }


def test_renamed_official_is_found_by_the_new_name_only(shown, committed):
    with committed():
        shown["official"].name_en = "Almas Zhaksylykov"
        shown["official"].save()
    assert found("Zhaksylykov") == ["shown"]
    assert found("Aidarov") == []


def test_an_official_s_new_spelling_is_found_and_the_dropped_one_is_not(shown, committed):
    with committed():
        shown["official"].other_names = "Алмас Жаксылыков"
        shown["official"].save()
    assert found("Жаксылыков") == ["shown"]
    assert found("Айдаров") == []


def test_a_renamed_post_leaves_the_title_held_at_the_meeting(shown, committed):
    # A meeting keeps the title its official held that day: a later rename is not what it shows.
    assert found("minister") == ["shown"]
    with committed():
        Post.objects.filter(official=shown["official"]).update(title_en="Deputy Premier")
        Post.objects.get(official=shown["official"]).save()
    assert found("minister") == ["shown"]
    assert found("premier") == []


def test_renamed_issuer_is_found_by_the_new_name_only(shown, committed):
    with committed():
        shown["issuer"].name_en = "Southern Agency"
        shown["issuer"].save()
    assert found("Southern Agency") == ["shown"]
    assert found("Northern Bureau") == []


def test_renamed_party_is_found_by_the_new_name_only(shown, committed):
    with committed():
        shown["party"].short_name_en = "STEPGEO"
        shown["party"].name_en = "Steppe Survey"
        shown["party"].save()
    assert found("stepgeo") == ["shown"]
    assert found("Steppe Geology") == []


def test_renamed_country_is_found_by_the_new_name_only(shown, committed):
    kz = country("KZ")
    with committed():
        kz.name_en = "Qazaqstan Republic"
        kz.save()
    assert found("Qazaqstan") == ["shown"]
    assert found("Kazakhstan") == []


def test_renamed_agreement_is_found_by_the_new_title_only(shown, committed):
    with committed():
        shown["agreement"].title_en = "Memorandum on molybdenum"
        shown["agreement"].save()
    assert found("molybdenum") == ["shown"]
    assert found("tungsten") == []


def test_an_agreement_of_another_kind_is_found_by_that_kind_s_names(shown, committed):
    assert found("MOU") == ["shown"]
    with committed():
        shown["agreement"].kind = Agreement.Kind.MOC
        shown["agreement"].save()
    assert found("協力覚書") == ["shown"]
    assert found("MOU") == []


def test_changed_parties_are_found_from_either_side(shown, committed):
    newcomer = OrganizationFactory(name_en="Altai Metals")
    with committed():
        shown["agreement"].parties.remove(shown["party"])
        newcomer.agreements.add(shown["agreement"])
    assert found("Altai Metals") == ["shown"]
    assert found("Steppe Geology") == []


def test_a_deleted_party_is_no_longer_found(shown, committed):
    with committed():
        shown["party"].delete()
    assert found("Steppe Geology") == []
    assert found("tungsten") == ["shown"]


def test_signatories_added_and_cleared_are_followed(shown, committed):
    signatory = OfficialFactory(name_en="Berik Sultanov")
    with committed():
        shown["agreement"].signatories.add(signatory)
    assert found("Sultanov") == ["shown"]
    with committed():
        signatory.signed_agreements.clear()
    assert found("Sultanov") == []


def test_a_release_s_own_parts_are_followed(shown, committed):
    with committed():
        SectionFactory(release=shown["release"], body_ja="<p>タングステン鉱床</p>")
        shown["meeting"].participations.all().delete()
        shown["release"].countries.add(country("UZ"))
    assert found("タングステン鉱床") == ["shown"]
    assert found("Aidarov") == ["shown"]  # still the agreement's signatory
    assert found("Uzbekistan") == ["shown"]
    with committed():
        shown["agreement"].signatories.clear()
    assert found("Aidarov") == []


def test_a_rolled_back_change_refreshes_nothing(shown, committed):
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        shown["official"].name_en = "Rolled Back"
        shown["official"].save()
        raise RuntimeError
    assert found("Aidarov") == ["shown"]


def test_one_transaction_refreshes_once(shown, committed, monkeypatch):
    refreshed = []
    monkeypatch.setattr("releases.signals.refresh_search_text", refreshed.append)
    with committed():
        shown["official"].save()
        shown["issuer"].save()
        SectionFactory(release=shown["release"])
        shown["agreement"].parties.add(OrganizationFactory())
    assert refreshed == [[shown["release"].pk]]
