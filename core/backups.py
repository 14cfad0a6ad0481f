"""One archive (tar.gz) holds the whole site: the database as Django's portable JSON (dumpdata,
primary keys kept, so reversion's history still points at the right rows) and every file of the
media storage. Restoring needs an empty database migrated to the same migrations, and an empty
storage: a restore adds to nothing, so nothing is half-merged.

Inside: manifest.json (format, when, source database, applied migrations), database.json,
media/<the storage's file names>."""

import datetime
import io
import json
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
# Written by `migrate` on the target as well (content types and permissions are referred to by
# natural key), throwaway (sessions, lockouts), or written again as the rest loads.
NOT_KEPT = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes.accessattempt",
    "axes.accessattemptexpiration",
    # Derived from the agreements' signatories, whose loading writes it again (releases.signals).
    "releases.signature",
]
# Rows that migrations seed (countries, the Editors and Publishers groups): the archive's own
# replace them, with the primary keys that its rows and history point at.
SEEDED = ["people.country", "auth.group"]


class BackupError(Exception):
    pass


class ExactJSONEncoder(DjangoJSONEncoder):
    """Times to the microsecond: Django's encoder (and so dumpdata) keeps milliseconds only,
    and a restored site would then differ (dates in pages, feeds, history) from the original."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def dump(stream):
    """What dumpdata writes (every app, primary keys kept, natural keys for content types,
    permissions and users), with exact times."""
    excluded = {label.lower() for label in NOT_KEPT}
    app_list = {
        app: None
        for app in apps.get_app_configs()
        if app.models_module and app.label not in excluded
    }
    models = [
        model
        for model in serializers.sort_dependencies(app_list.items(), allow_cycles=True)
        # As dumpdata: no proxy, and no unmanaged model (a view of rows kept elsewhere).
        if model._meta.label_lower not in excluded and model._meta.managed and not model._meta.proxy
    ]

    def objects():
        for model in models:
            yield from model._base_manager.order_by(model._meta.pk.name).iterator()

    serializers.serialize(
        "json", objects(), stream=stream, cls=ExactJSONEncoder, use_natural_foreign_keys=True
    )


def applied_migrations():
    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def media_files(storage=default_storage, folder=""):
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a media folder that no upload has created yet
        return
    for name in sorted(files):
        yield f"{folder}{name}"
    for sub in sorted(folders):
        yield from media_files(storage, f"{folder}{sub}/")


def _add(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def backup(path):
    """Write the archive at `path` (complete, or not at all); the number of media files."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory() as work:
        database = Path(work) / "database.json"
        # One transaction: the dump is one moment's state even while editors work (PostgreSQL;
        # SQLite serialises writes anyway).
        with transaction.atomic(), database.open("w", encoding="utf-8") as stream:
            dump(stream)
            migrations = applied_migrations()
        files = list(media_files())
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "database": connections[DEFAULT_DB_ALIAS].vendor,
            "migrations": migrations,
        }
        with tarfile.open(partial, "w:gz") as archive:
            _add(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
            archive.add(database, "database.json")
            for name in files:
                with default_storage.open(name, "rb") as file:
                    _add(archive, f"media/{name}", file.read())
    partial.replace(path)
    return len(files)


def _kept(model):
    """Whether the archive's rows of `model` must find its table empty."""
    owner = model._meta.auto_created or model  # a many-to-many table goes with its model
    skip = {label.lower() for label in NOT_KEPT + SEEDED}
    return (
        model._meta.managed
        and owner._meta.app_label not in skip
        and owner._meta.label_lower not in skip
    )


def _refuse_unless_empty(manifest):
    if [list(m) for m in manifest["migrations"]] != applied_migrations():
        raise BackupError(
            "The database's migrations differ from the archive's. Restore with the code "
            "version that made the archive (run `migrate` first), then update as usual."
        )
    filled = [
        f"{model._meta.label} ({model._base_manager.count()})"
        for model in apps.get_models(include_auto_created=True)
        if _kept(model) and model._base_manager.exists()
    ]
    if filled:
        raise BackupError(
            "The database is not empty: it has rows in "
            + ", ".join(filled[:5])
            + (", …" if filled[5:] else "")
            + ". Restore into a new database: create it, run `migrate`, then `restore`."
        )
    if next(media_files(), None) is not None:
        raise BackupError(
            "The media storage is not empty. Restore into an empty media folder (or bucket)."
        )


def _manifest(archive, path):
    try:
        manifest = json.load(archive.extractfile("manifest.json"))
    except (KeyError, ValueError):
        manifest = {}
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not an archive written by `backup`.")
    return manifest


def restore(path):
    """Bring the archive at `path` into this empty site; the number of media files."""
    try:
        archive = tarfile.open(path, "r:gz")  # noqa: SIM115 -- closed by the with below
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{path} cannot be read: {error}") from None
    with archive:
        _refuse_unless_empty(_manifest(archive, path))
        with tempfile.TemporaryDirectory() as work:
            dump = Path(work) / "database.json"
            dump.write_bytes(archive.extractfile("database.json").read())
            with transaction.atomic():
                for label in SEEDED:
                    apps.get_model(label)._base_manager.all().delete()
                call_command("loaddata", str(dump), verbosity=0)
        files = 0
        for member in archive:
            if not (member.isfile() and member.name.startswith("media/")):
                continue
            name = member.name.removeprefix("media/")
            saved = default_storage.save(name, ContentFile(archive.extractfile(member).read()))
            if saved != name:
                raise BackupError(f"The storage renamed {name} to {saved}.")
            files += 1
    # Whatever the caches hold (pages, counts) describes the site before the restore.
    for cache in caches.all(initialized_only=False):
        cache.clear()
    return files
