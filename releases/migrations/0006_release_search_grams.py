from django.db import migrations

import releases.grams

# The trigram index of migration 0002 serves words of three characters or more; this GIN index
# over each release's characters and character pairs serves the shorter ones (releases.search).
# SQLite keeps no grams and matches the text itself.
CREATE_GRAMS_INDEX = (
    "CREATE INDEX IF NOT EXISTS release_search_grams_idx "
    "ON releases_release USING gin (search_grams)"
)
DROP_GRAMS_INDEX = "DROP INDEX IF EXISTS release_search_grams_idx"
# As migration 0002 made it.
CREATE_TRIGRAM_INDEX = (
    "CREATE INDEX IF NOT EXISTS release_search_trgm_idx "
    "ON releases_release USING gin (search_text gin_trgm_ops)"
)
DROP_TRIGRAM_INDEX = "DROP INDEX IF EXISTS release_search_trgm_idx"


def fill_grams(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Release = apps.get_model("releases", "Release")
    # Every row is rewritten: maintaining the trigram index row by row made this take more than
    # 30 minutes at 100,000 releases; building it again afterwards is one pass.
    schema_editor.execute(DROP_TRIGRAM_INDEX)
    rows = Release.objects.only("pk", "search_text").order_by("pk")
    last = 0
    while batch := list(rows.filter(pk__gt=last)[:500]):
        for release in batch:
            release.search_grams = releases.search.grams(release.search_text)
        Release.objects.bulk_update(batch, ["search_grams"])
        last = batch[-1].pk
    schema_editor.execute(CREATE_TRIGRAM_INDEX)
    schema_editor.execute(CREATE_GRAMS_INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_GRAMS_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0005_versions_for_every_edited_row"),
    ]

    operations = [
        migrations.AddField(
            model_name="release",
            name="search_grams",
            field=releases.grams.GramsField(editable=False, null=True),
        ),
        migrations.RunPython(fill_grams, drop_index, elidable=False),
    ]
