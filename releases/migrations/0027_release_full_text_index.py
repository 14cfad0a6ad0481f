from django.db import migrations

# A full-text index of each release's search columns (releases/search.py), kept true by the
# database itself.
#
# SQLite: a contentless FTS5 table with the trigram tokenizer (it stores the index alone, not a
# copy of the text), rowid the release's id, filled from releases_release here and then by
# triggers that follow every insert, update and delete, whoever writes (save, bulk_update, raw
# SQL). A word of three characters or more is found as a substring, Japanese included. Each
# column is indexed with two newlines after it, so that every character of the text starts a
# trigram: a word of one or two characters is found through the trigrams it starts, which the
# fts5vocab table lists (releases.models.containing).
# Django's SQLite schema editor rebuilds a table to alter it, which drops its triggers: a later
# migration that alters releases_release must create them again (TRIGGERS below);
# tests/releases/test_search.py fails when they are missing.
#
# PostgreSQL: migration 0002's trigram index serves search_text; this one serves search_title,
# by which results are ordered (the word in the title first).
FTS_TABLE = "releases_release_fts"
COLUMNS = "search_title, search_text"


def _indexed(row):
    return f"{row}.id, {row}.search_title || char(10, 10), {row}.search_text || char(10, 10)"


TRIGGERS = [
    f"CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON releases_release BEGIN "
    f"INSERT INTO {FTS_TABLE} (rowid, {COLUMNS}) VALUES ({_indexed('new')}); END",
    f"CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON releases_release BEGIN "
    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {COLUMNS}) "
    f"VALUES ('delete', {_indexed('old')}); END",
    f"CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF {COLUMNS} ON releases_release BEGIN "
    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {COLUMNS}) "
    f"VALUES ('delete', {_indexed('old')}); "
    f"INSERT INTO {FTS_TABLE} (rowid, {COLUMNS}) VALUES ({_indexed('new')}); END",
]
SQLITE = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({COLUMNS}, content='', tokenize='trigram')",
    f"CREATE VIRTUAL TABLE {FTS_TABLE}_terms USING fts5vocab({FTS_TABLE}, 'row')",
    f"INSERT INTO {FTS_TABLE} (rowid, {COLUMNS}) "
    f"SELECT {_indexed('releases_release')} FROM releases_release",
    *TRIGGERS,
]
SQLITE_REVERSE = [
    *(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{event}" for event in ("insert", "delete", "update")),
    f"DROP TABLE IF EXISTS {FTS_TABLE}_terms",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS release_search_title_trgm_idx "
    "ON releases_release USING gin (search_title gin_trgm_ops)",
]
POSTGRESQL_REVERSE = ["DROP INDEX IF EXISTS release_search_title_trgm_idx"]


def _run(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0025_topical_event_permissions"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
            elidable=False,
        ),
    ]
