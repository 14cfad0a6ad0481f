import django.db.models.deletion
from django.db import migrations, models

import releases.models

# SQLite: a view of the full-text index (migration 0027) that `releases.models.FullText` reads,
# so that a search joins the index instead of listing its ids (`id IN (...)`), and reads its
# matches as the index yields them. Its release id is `rowid + 0`, an expression: SQLite cannot
# then look a release up in the index by id, so it always reads the index first and each
# match's release by id. Joined to the table itself, SQLite without statistics (no ANALYZE)
# walked every public release and searched the index once for each (167 ms for a count at
# 1,000 releases; 3 ms through the view). PostgreSQL has no such index and no view.
VIEW = "releases_release_full_text"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIEW IF NOT EXISTS {VIEW} AS SELECT rowid + 0 AS release_id, "
            "search_title, search_text FROM releases_release_fts"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP VIEW IF EXISTS {VIEW}")


class Migration(migrations.Migration):
    dependencies = [("releases", "0030_postgresql_covering_indexes")]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
        migrations.CreateModel(
            name="FullText",
            fields=[
                (
                    "release",
                    models.OneToOneField(
                        db_column="release_id",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="full_text",
                        serialize=False,
                        to="releases.release",
                    ),
                ),
                ("search_title", releases.models.FullTextColumn()),
                ("search_text", releases.models.FullTextColumn()),
            ],
            options={"db_table": VIEW, "managed": False},
        ),
    ]
