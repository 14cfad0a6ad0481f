import csv
import io

import pytest

from tests.api.conftest import release_with_everything
from tests.factories import MeetingFactory, MeetingParticipantFactory, ReleaseAgreementFactory

pytestmark = pytest.mark.django_db


def download(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def test_meetings_csv_has_a_row_per_public_meeting_in_both_languages(client, public, hidden):
    official = public.meetings.get().participants.get()
    second = MeetingParticipantFactory(
        meeting=public.meetings.get(), title_ja="首相", title_en="Prime Minister"
    )
    rows = download(client, "/api/meetings.csv")
    assert len(rows) == 1
    [row] = rows
    assert row["country_code"] == "KZ"
    assert row["title_en"] == "Meeting of public"
    assert (
        row["participants_ja"] == f"{official.name_ja} (大統領); {second.official.name_ja} (首相)"
    )
    assert row["participants_en"] == (
        f"{official.name_en} (President); {second.official.name_en} (Prime Minister)"
    )
    assert row["official_slugs"] == f"{official.slug} {second.official.slug}"
    assert row["release_url_ja"] == "http://testserver/ja/releases/public/"
    assert row["release_url_en"] == "http://testserver/en/releases/public/"


def test_meetings_csv_is_filtered_like_the_api(client, public):
    release_with_everything("other", code="MN")
    MeetingFactory(release=public, date="2024-05-01")  # no participants
    assert len(download(client, "/api/meetings.csv")) == 3
    assert [r["release_slug"] for r in download(client, "/api/meetings.csv", country="MN")] == [
        "other"
    ]
    [row] = download(client, "/api/meetings.csv", year=2024)
    assert (row["date"], row["participants_ja"], row["official_slugs"]) == ("2024-05-01", "", "")


def test_agreements_csv_is_the_public_register(client, public, hidden):
    agreement = public.agreements.get()
    ReleaseAgreementFactory(release=hidden["draft"], agreement=agreement)
    [row] = download(client, "/api/agreements.csv")
    # In the order they were added to the agreement (the link rows), as the register lists them.
    links = agreement.parties.through.objects.filter(agreement=agreement).order_by("id")
    parties = [link.organization for link in links]
    assert len(parties) == 2
    assert row["slug"] == "public-agreement"
    assert row["title_en"] == "MOU of public"
    assert row["parties_ja"] == " / ".join(p.name_ja for p in parties)
    assert row["parties_en"] == " / ".join(p.name_en for p in parties)
    assert row["release_slugs"] == "public"
    assert row["url_en"] == "http://testserver/en/agreements/public-agreement/"
    assert download(client, "/api/agreements.csv", kind="moc") == []


def test_cells_a_spreadsheet_would_run_are_neutralised(client, public):
    public.meetings.update(title_en='=HYPERLINK("http://evil")', place_ja="+81", summary_en="@x")
    [row] = download(client, "/api/meetings.csv")
    assert row["title_en"] == '\'=HYPERLINK("http://evil")'
    assert (row["place_ja"], row["summary_en"]) == ("'+81", "'@x")


@pytest.mark.parametrize(
    "text",
    [
        "\uff1d1+1",  # ＝1+1: full-width, which spreadsheets in Japanese read as =
        "\uff0bSUM(A1)",
        "\uff0d1+2",
        "\uff20SUM(A1)",
        " =1+2",
        "\u3000=1+2",
        "\t=1+2",
        "\n=1+2",
        "\r\n+1",
        " \t @SUM(A1)",
        "\tplain",
    ],
)
def test_formulas_are_neutralised_behind_spaces_and_in_full_width(client, public, text):
    public.meetings.update(title_en=text, title_ja="ふつうの題名 = 1")
    [row] = download(client, "/api/meetings.csv")
    assert row["title_en"] == f"'{text}"
    assert row["title_ja"] == "ふつうの題名 = 1"  # a formula sign inside the text is harmless


@pytest.mark.parametrize("path", ["/api/meetings.csv", "/api/agreements.csv"])
@pytest.mark.parametrize("query", ["country=Z", "year=abc", "kind=treaty"])
def test_invalid_filters_are_a_400_that_says_why(client, public, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert query.split("=")[0] in response.json()


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/meetings.csv", "country=ZZ"),
        ("/api/meetings.csv", "official=no-such-official"),
        ("/api/agreements.csv", "country=ZZ"),
    ],
)
def test_a_value_that_names_nothing_downloads_no_rows(client, public, path, query):
    assert download(client, f"{path}?{query}") == []


@pytest.mark.parametrize(
    ("path", "queries"), [("/api/meetings.csv", 1), ("/api/agreements.csv", 4)]
)
def test_exports_cost_the_same_queries_for_few_or_many_rows(
    client, django_assert_num_queries, path, queries
):
    release_with_everything("first")
    with django_assert_num_queries(queries):
        few = download(client, path)
    for n in range(6):
        release_with_everything(f"more-{n}", code=["KZ", "UZ", "MN"][n % 3])
    with django_assert_num_queries(queries):
        many = download(client, path)
    assert (len(few), len(many)) == (1, 7)
