"""`manage.py import_releases`: the API's own answers brought back in, as an archive is."""

import copy
import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from reversion.models import Version

from core.history import comment_text
from devdata.demo import load_demo
from people.models import Official, Organization
from releases import workflow
from releases.models import Agreement, Meeting, Photo, Release
from tests.api.conftest import hours_from_now, release_with_everything
from tests.factories import (
    MeetingFactory,
    PhotoFactory,
    SectionFactory,
    country,
    jpeg_bytes,
    staff_member,
)
from tests.images import jpeg_full_of_metadata, non_pixel_blocks

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief(django_user_model):
    return django_user_model.objects.create_superuser("chief", "chief@example.org", "pw")


def answer(client, slug):
    response = client.get(f"/api/releases/{slug}/", {"lang": "ja"})
    assert response.status_code == 200, response.content[:300]
    return response.json()


def comparable(data):
    """`data` without what cannot be the same after a round trip: the time of the last change,
    the new meetings' ids (and their addresses), the stored photos' and documents' names (always
    new ones); a photo names its meeting by the meeting's position instead of its id."""
    data = copy.deepcopy(data)
    data.pop("updated_at")
    ids = [meeting.pop("id") for meeting in data["meetings"]]
    for meeting in data["meetings"]:
        meeting.pop("url")
    for photo in data["photos"]:
        assert photo.pop("image").startswith("http://testserver/media/photos/")
        photo["meeting"] = None if photo["meeting"] is None else ids.index(photo["meeting"])
    for document in data["attachments"]:
        assert document.pop("file").startswith("http://testserver/media/attachments/")
    return data


def write(tmp_path, data, name="archive.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def run(path, *args, user="chief"):
    out = io.StringIO()
    call_command("import_releases", str(path), "--user", user, *args, stdout=out)
    return out.getvalue()


def refused(path, *args, user="chief"):
    with pytest.raises(CommandError) as error:
        run(path, *args, user=user)
    return str(error.value)


def media_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def rich_release():
    """A release with every kind of part, two of most, and untranslated fields."""
    release = release_with_everything("rich")
    Release.objects.filter(pk=release.pk).update(
        subtitle_ja="副題", subtitle_en=None, department_ja="金属企画部", department_en=""
    )
    SectionFactory(release=release, heading_ja="第二節", body_ja="<p>二</p>", order=2)
    second = MeetingFactory(
        release=release,
        country=country("UZ"),
        date=datetime.date(2025, 12, 20),
        end_date=datetime.date(2025, 12, 21),
        kind=Meeting.Kind.ROUNDTABLE,
        place_ja="タシケント",
        title_en=None,
        order=2,
    )
    PhotoFactory(release=release, meeting=second, alt_text_ja="円卓", order=2)
    PhotoFactory(release=release, meeting=None, caption_en=None, order=3)
    release.countries.add(country("UZ"))
    return release


# Round trips


def test_a_release_with_every_part_comes_back_equal(client, tmp_path, chief, settings):
    original = answer(client, rich_release().slug)
    path = write(tmp_path, original)
    Release.objects.get(slug="rich").delete()

    out = run(path)

    assert comparable(answer(client, "rich")) == comparable(original)
    assert "created  rich: published from the archive, dated" in out
    assert "1 release: 1 created, 0 skipped." in out
    # The files came from this site's storage, still there after the deletion, cleaned again.
    assert Photo.objects.filter(release__slug="rich").count() == 3


def test_a_release_comes_back_equal_into_an_empty_database(client, tmp_path, chief):
    original = answer(client, rich_release().slug)
    path = write(tmp_path, original)
    Release.objects.all().delete()
    Agreement.objects.all().delete()
    Organization.objects.all().delete()
    Official.objects.all().delete()

    out = run(path)

    assert comparable(answer(client, "rich")) == comparable(original)
    # The issuer, the agreement's two parties, the official and the agreement.
    assert "new: 3 organisations, 1 official, 1 agreement" in out


def test_the_demo_release_comes_back_equal(client, tmp_path, chief, settings):
    slug = load_demo().release.slug
    original = answer(client, slug)
    path = write(tmp_path, original)
    Release.objects.all().delete()

    run(path)

    assert comparable(answer(client, slug)) == comparable(original)
    assert len(original["photos"]) == 5 and len(original["attachments"]) == 1


def test_the_publication_keeps_its_time_and_is_an_archive_publication_in_history(
    client, tmp_path, chief
):
    original = answer(client, release_with_everything("old", hours=-24 * 400).slug)
    path = write(tmp_path, original, name="press-2024.json")
    Release.objects.all().delete()

    run(path)

    release = Release.objects.get(slug="old")
    assert workflow.state(release) == "published"
    assert release.published_by == chief
    assert answer(client, "old")["published_at"] == original["published_at"]
    [version] = Version.objects.get_for_object(release)
    assert version.revision.user == chief
    assert comment_text(version.revision).startswith(
        "press-2024.json から取り込み：過去のリリースとして公開しました（公開日時 "
    )


# What the file may hold


def test_a_list_of_answers_and_a_list_page_are_accepted(client, tmp_path, chief):
    first, second = release_with_everything("first"), release_with_everything("second")
    answers = [answer(client, first.slug), answer(client, second.slug)]
    page = client.get("/api/releases/").json()
    Release.objects.all().delete()

    out = run(write(tmp_path, answers))
    assert "2 releases: 2 created, 0 skipped." in out
    assert comparable(answer(client, "second")) == comparable(answers[1])

    Release.objects.all().delete()
    out = run(write(tmp_path, page, name="page.json"))
    assert "2 releases: 2 created, 0 skipped." in out
    assert "header only" in out
    assert answer(client, "first")["title_en"] == "Title of first"
    assert answer(client, "first")["meetings"] == []


def test_standard_input(client, tmp_path, chief):
    original = answer(client, release_with_everything("piped").slug)
    Release.objects.all().delete()
    out = io.StringIO()
    call_command(
        "import_releases",
        "-",
        "--user",
        "chief",
        stdin=io.StringIO(json.dumps(original)),
        stdout=out,
    )
    assert "created  piped" in out.getvalue()
    comment = comment_text(Version.objects.get_for_object(Release.objects.get()).get().revision)
    assert comment.startswith("stdin から")


def test_section_html_in_a_file_is_stored_sanitized_as_the_admin_stores_it(client, tmp_path, chief):
    data = answer(client, release_with_everything("crafted").slug)
    Release.objects.all().delete()
    data["sections"][0]["body_ja"] = '<p onclick="x()">本文<script>alert(1)</script></p>'
    data["sections"][0]["body_en"] = '<a href="javascript:alert(1)">link</a>'

    run(write(tmp_path, data))

    section = Release.objects.get().sections.get()
    assert section.body_ja == "<p>本文</p>"
    assert "javascript" not in section.body_en


def test_a_release_without_a_publication_time_is_a_draft(client, tmp_path, chief):
    data = answer(client, release_with_everything("unpublished").slug)
    Release.objects.all().delete()
    data["published_at"] = None

    out = run(write(tmp_path, data))

    release = Release.objects.get()
    assert (workflow.state(release), release.published_at) == ("draft", None)
    assert "created  unpublished: draft" in out
    [version] = Version.objects.get_for_object(release)
    assert comment_text(version.revision) == "archive.json から取り込みました。"
    assert client.get("/api/releases/unpublished/").status_code == 404


def test_a_withdrawn_release_comes_in_withdrawn(client, tmp_path, chief):
    data = answer(client, release_with_everything("gone").slug)
    Release.objects.all().delete()
    data.update(
        status="withdrawn", withdrawal_reason_ja="誤りがあったため", withdrawal_reason_en=None
    )

    out = run(write(tmp_path, data))

    release = Release.objects.get()
    assert workflow.state(release) == "withdrawn"
    assert release.withdrawal_reason_ja == "誤りがあったため"
    assert release.published_at == datetime.datetime.fromisoformat(data["published_at"])
    assert "withdrawn (published from the archive" in out
    assert client.get("/api/releases/gone/").status_code == 404
    assert client.get("/ja/releases/gone/").status_code == 200


# Matching, not duplicating


def test_countries_organisations_officials_and_agreements_are_matched(client, tmp_path, chief):
    data = answer(client, release_with_everything("matched").slug)
    Release.objects.all().delete()
    counts = (Organization.objects.count(), Official.objects.count(), Agreement.objects.count())
    # The file's names differ: the rows found keep theirs.
    data["issuer"]["name_ja"] = "別の名前"
    data["meetings"][0]["participants"][0]["official"]["name_en"] = "Someone else"

    out = run(write(tmp_path, data))

    assert (Organization.objects.count(), Official.objects.count()) == counts[:2]
    assert Agreement.objects.count() == counts[2]
    release = Release.objects.get()
    assert release.issuer.name_ja != "別の名前"
    assert Official.objects.get(slug="matched-official").name_en == "President matched"
    assert "new:" not in out


def test_rows_shared_by_two_releases_of_a_file_are_created_once(client, tmp_path, chief):
    first = release_with_everything("one")
    second = release_with_everything("two")
    second.issuer = first.issuer
    second.save()
    answers = [answer(client, "one"), answer(client, "two")]
    answers[1]["agreements"] = answers[0]["agreements"]
    Release.objects.all().delete()
    Agreement.objects.all().delete()
    Organization.objects.all().delete()

    run(write(tmp_path, answers))

    assert Organization.objects.count() == 3  # the issuer and the agreement's two parties
    assert Agreement.objects.count() == 1
    assert Agreement.objects.get().releases.count() == 2


def test_running_the_same_file_again_changes_nothing(client, tmp_path, chief, settings):
    original = answer(client, release_with_everything("twice").slug)
    path = write(tmp_path, original)
    Release.objects.all().delete()
    run(path)
    before = (Release.objects.get().updated_at, Version.objects.count(), media_files(settings))

    out = run(path)

    assert "skipped  twice: a release with this slug exists" in out
    assert "1 release: 0 created, 1 skipped." in out
    after = (Release.objects.get().updated_at, Version.objects.count(), media_files(settings))
    assert after == before


# Bad input: a clear message naming the release and the field, and nothing saved


def _good():
    return {
        "slug": "good",
        "title_ja": "良い",
        "published_at": hours_from_now(-5).isoformat(),
        "issuer": {"slug": "new-issuer", "name_ja": "新しい機関", "kind": "agency"},
        "countries": ["KZ"],
        "meetings": [
            {"id": 7, "date": "2025-12-19", "country": {"code": "KZ"}, "participants": []}
        ],
    }


def _participant():
    return {"official": {"slug": "someone", "name_ja": "某氏", "country": "KZ"}, "title_ja": "大臣"}


def _link():
    return {"role": "announces", "agreement": {"slug": "mou", "title_ja": "覚書", "parties": []}}


def _bad(change):
    data = _good()
    data["slug"] = "bad"
    change(data)
    return data


BAD = {
    "missing title": (lambda d: d.pop("title_ja"), "title_ja: This field is required."),
    "missing issuer": (lambda d: d.pop("issuer"), "issuer: This field is required."),
    "unknown country": (
        lambda d: d["meetings"][0].update(country={"code": "XX"}),
        'meetings[0].country: Unknown country code "XX".',
    ),
    "unknown release country": (
        lambda d: d.update(countries=["KZ", "ZZ"]),
        'countries[1]: Unknown country code "ZZ".',
    ),
    "list where an object belongs": (
        lambda d: d.update(issuer=["new-issuer"]),
        "issuer: Invalid data. Expected a dictionary, but got list.",
    ),
    "text where a list belongs": (
        lambda d: d.update(meetings="none"),
        "meetings: Expected a list of items",
    ),
    "a number for a time": (
        lambda d: d.update(published_at=20251222),
        "published_at: Datetime has wrong format.",
    ),
    "a list for a text": (lambda d: d.update(title_en=["x"]), "title_en: Not a valid string."),
    "an unknown kind": (
        lambda d: d["meetings"][0].update(kind="party"),
        'meetings[0].kind: "party" is not a valid choice.',
    ),
    "a bad date": (
        lambda d: d["meetings"][0].update(date="19/12/2025"),
        "meetings[0].date: Date has wrong format.",
    ),
    "a meeting ending before it starts": (
        lambda d: d["meetings"][0].update(end_date="2025-12-01"),
        "meetings[0].end_date: The meeting ends before it starts.",
    ),
    "a time to come": (
        lambda d: d.update(published_at=hours_from_now(5).isoformat()),
        "published_at: This time is still to come",
    ),
    "a photo of another meeting": (
        lambda d: d.update(photos=[{"image": "x.jpg", "meeting": 8}]),
        "photos[0].meeting: No meeting of this release has the id 8.",
    ),
    "a bad phone": (
        lambda d: d.update(contacts=[{"role": "press", "department_ja": "広報", "phone": "call"}]),
        "contacts[0].phone: Enter a phone number",
    ),
    "a bad slug": (
        lambda d: d["issuer"].update(slug="no spaces"),
        'issuer.slug: Enter a valid "slug"',
    ),
    "an official twice at a meeting": (
        lambda d: d["meetings"][0].update(participants=[_participant(), _participant()]),
        'meetings[0].participants[1].official.slug: "someone" is listed twice.',
    ),
    "two meetings with one id": (
        lambda d: d["meetings"].append({**d["meetings"][0]}),
        "meetings[1].id: Two meetings have this id.",
    ),
    "an agreement linked twice": (
        lambda d: d.update(agreements=[_link(), _link()]),
        "agreements[0].agreement.slug: This agreement is linked twice.",
    ),
    "withdrawn without a reason": (
        lambda d: d.update(status="withdrawn"),
        "withdrawal_reason_ja: A withdrawn release needs the reason",
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_names_the_release_and_the_field_and_saves_nothing(
    tmp_path, chief, settings, case
):
    change, message = BAD[case]
    path = write(tmp_path, [_good(), _bad(change)])

    error = refused(path)

    assert f'Release 2 of 2 ("bad"): {message}' in error
    assert error.endswith("Nothing was imported.")
    assert not Release.objects.exists()
    assert not Organization.objects.filter(slug="new-issuer").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"slug": "a",', "archive.json is not valid JSON: Expecting"),
        ("", "archive.json is not valid JSON: Expecting value (line 1, column 1)"),
        (b"\xff\xfe\x00garbage", "archive.json is not valid JSON"),
        ('"a release"', "Expected a release (an object), a list of releases, or a list page."),
        ('{"results": {"slug": "a"}}', '"results" must be a list of releases.'),
        ('[42, {"slug": "b"}]', "Release 1 of 2: expected an object (a release), got int."),
    ],
)
def test_a_file_that_is_not_releases_is_refused(tmp_path, chief, content, message):
    path = tmp_path / "archive.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    assert message in refused(path)
    assert not Release.objects.exists()


def test_the_same_slug_twice_in_a_file_is_refused(tmp_path, chief):
    error = refused(write(tmp_path, [_good(), _good()]))
    assert 'Release 2 of 2 ("good"): slug: release 1 of the file has it too.' in error


def test_a_missing_file_or_user_is_refused(tmp_path, chief):
    assert "Cannot read" in refused(tmp_path / "nowhere.json")
    assert 'No user "nobody"' in refused(write(tmp_path, _good()), user="nobody")
    with pytest.raises(CommandError, match="required: --user"):
        call_command("import_releases", str(write(tmp_path, _good())))
    assert not Release.objects.exists()


def test_publishing_needs_a_publisher_but_drafts_do_not(tmp_path, chief):
    staff_member("Editors", "writer")
    assert "may not publish releases" in refused(write(tmp_path, _good()), user="writer")
    assert not Release.objects.exists()

    draft = {**_good(), "published_at": None}
    assert "created  good: draft" in run(write(tmp_path, draft), user="writer")


def test_a_dry_run_checks_everything_and_saves_nothing(client, tmp_path, chief, settings):
    original = answer(client, release_with_everything("dry").slug)
    Release.objects.all().delete()
    Organization.objects.filter(slug=original["issuer"]["slug"]).delete()
    files = media_files(settings)
    path = write(tmp_path, [original, _good()])

    out = run(path, "--dry-run")

    assert "would create  dry: published from the archive" in out
    assert "Dry run: nothing was saved. 2 releases: 2 to create, 0 skipped." in out
    assert not Release.objects.exists()
    assert not Organization.objects.filter(slug=original["issuer"]["slug"]).exists()
    assert media_files(settings) == files

    assert 'Release 2 of 2 ("bad")' in refused(
        write(tmp_path, [original, _bad(lambda d: d.pop("title_ja"))]), "--dry-run"
    )


# Photos


def _with_photo(image, **fields):
    return {**_good(), "photos": [{"image": image, "caption_ja": "写真", **fields}]}


def test_a_photo_is_read_from_the_media_folder(tmp_path, chief, settings):
    media = tmp_path / "old-site-media"
    (media / "photos" / "2019" / "04").mkdir(parents=True)
    (media / "photos" / "2019" / "04" / "abc.jpg").write_bytes(jpeg_bytes(64, 48))
    (media / "loose.png").write_bytes(jpeg_bytes(32, 16, fmt="PNG"))
    data = _with_photo("https://old.example.org/media/photos/2019/04/abc.jpg", meeting=7)
    data["photos"].append({"image": "https://old.example.org/files/loose.png"})

    out = run(write(tmp_path, data), "--media", str(media))

    first, second = Photo.objects.order_by("order")
    assert (first.width, first.height, first.meeting.date) == (64, 48, datetime.date(2025, 12, 19))
    assert (second.width, second.height) == (32, 16)
    assert second.image.name.endswith(".png")
    assert "not imported" not in out


def test_a_photo_is_read_from_a_path_beside_the_file(tmp_path, chief):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "p.jpg").write_bytes(jpeg_bytes())
    run(write(tmp_path, _with_photo("images/p.jpg")))
    assert Photo.objects.get().width == 40


def test_a_photo_not_found_leaves_the_release_without_it(tmp_path, chief, settings):
    url = "https://old.example.org/media/photos/2019/04/missing.jpg"
    out = run(write(tmp_path, _with_photo(url)), "--media", str(tmp_path))
    assert f"photo 1 ({url}): not found on this machine, not imported" in out
    assert Release.objects.filter(slug="good").exists()
    assert not Photo.objects.exists()


def test_the_media_folder_is_not_left_by_a_photo_address(tmp_path, chief):
    media = tmp_path / "media-copy"
    media.mkdir()
    (tmp_path / "outside.jpg").write_bytes(jpeg_bytes())
    url = "https://old.example.org/media/..%2Foutside.jpg"
    out = run(write(tmp_path, _with_photo(url)), "--media", str(media))
    assert "not found on this machine" in out
    assert not Photo.objects.exists()


@pytest.fixture
def archive(tmp_path):
    """An export's folder, and beside it a real photo the file must not reach."""
    folder = tmp_path / "archive"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "inside.jpg").write_bytes(jpeg_bytes())
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "private.jpg").write_bytes(jpeg_bytes(64, 48))
    return folder


def _photos(*images):
    return {**_good(), "photos": [{"image": image} for image in images]}


def test_a_photo_path_outside_the_files_folder_is_refused_and_named(tmp_path, chief, archive):
    private = tmp_path / "secret" / "private.jpg"
    (archive / "images" / "link.jpg").symlink_to(private)
    (archive / "images" / "inner-link.jpg").symlink_to(archive / "images" / "inside.jpg")
    images = [
        str(private),  # absolute
        f"file://{private}",
        "../secret/private.jpg",
        "images/../../secret/private.jpg",
        "../../../../../../etc/passwd",
        "images/link.jpg",  # a symbolic link out of the folder
        "images/inside.jpg",
        "images/inner-link.jpg",
        str(archive / "images" / "inside.jpg"),  # absolute, but inside
    ]
    out = run(write(archive, _photos(*images)))
    for order, image in enumerate(images[:6], start=1):
        assert f"photo {order} ({image}): refused (outside {archive}" in out, image
    assert [photo.order for photo in Photo.objects.order_by("order")] == [7, 8, 9]
    assert {photo.width for photo in Photo.objects.all()} == {40}  # never the private 64 px


def test_the_media_folder_is_read_too_but_nothing_beside_it(tmp_path, chief, archive):
    media = tmp_path / "media-copy"
    media.mkdir()
    (media / "m.jpg").write_bytes(jpeg_bytes(32, 16))
    (media / "out.jpg").symlink_to(tmp_path / "secret" / "private.jpg")
    images = [str(media / "m.jpg"), "m.jpg", "out.jpg", "../secret/private.jpg"]
    out = run(write(archive, _photos(*images)), "--media", str(media))
    assert [photo.width for photo in Photo.objects.order_by("order")] == [32, 32]
    assert "photo 3 (out.jpg): refused (outside" in out
    assert "photo 4 (../secret/private.jpg): refused (outside" in out


def test_a_photo_is_cleaned_as_an_upload_is(tmp_path, chief):
    (tmp_path / "camera.jpg").write_bytes(jpeg_full_of_metadata())
    (tmp_path / "notes.jpg").write_text("not an image")

    out = run(write(tmp_path, {**_with_photo("camera.jpg"), "photos": [
        {"image": "camera.jpg"}, {"image": "notes.jpg"}
    ]}))  # fmt: skip

    photo = Photo.objects.get()
    with photo.image.open("rb") as stored:
        assert non_pixel_blocks(stored.read()) == []
    # Turned upright as the camera meant (EXIF orientation 6), then the EXIF is gone.
    assert (photo.width, photo.height) == (32, 48)
    assert "photo 2 (notes.jpg): refused (Upload a photo as JPEG, PNG or WebP.)" in out


def test_renditions_are_made_once_the_import_commits(
    tmp_path, chief, django_capture_on_commit_callbacks
):
    (tmp_path / "p.jpg").write_bytes(jpeg_bytes(600, 400))
    with django_capture_on_commit_callbacks(execute=True):
        run(write(tmp_path, _with_photo("p.jpg")))
    assert Photo.objects.get().rendition_widths == [480, 600]


def test_an_import_refused_while_writing_leaves_no_photo_file(
    tmp_path, chief, settings, monkeypatch
):
    (tmp_path / "p.jpg").write_bytes(jpeg_bytes())
    files = media_files(settings)
    publish_archived = workflow.publish_archived

    def refuse_the_second(release, user, at):
        if release.slug == "second":
            raise ValidationError("Refused for the test.")
        return publish_archived(release, user, at)

    monkeypatch.setattr(workflow, "publish_archived", refuse_the_second)
    data = [_with_photo("p.jpg"), {**_with_photo("p.jpg"), "slug": "second"}]

    error = refused(write(tmp_path, data))

    assert 'Release 2 of 2 ("second"): Refused for the test.' in error
    assert not Release.objects.exists()
    assert not Photo.objects.exists()
    assert media_files(settings) == files
