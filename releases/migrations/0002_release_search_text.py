from django.db import migrations, models

# A trigram GIN index serves `search_text LIKE '%word%'` on PostgreSQL, Japanese included
# (pg_trgm treats kana and kanji as word characters under a UTF-8 locale). SQLite scans.
CREATE_TRIGRAM_INDEX = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS release_search_trgm_idx "
    "ON releases_release USING gin (search_text gin_trgm_ops)",
]
DROP_TRIGRAM_INDEX = ["DROP INDEX IF EXISTS release_search_trgm_idx"]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('releases', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='release',
            name='search_text',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        migrations.AddField(
            model_name='release',
            name='search_title',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        migrations.RunPython(
            _on_postgresql(CREATE_TRIGRAM_INDEX), _on_postgresql(DROP_TRIGRAM_INDEX), elidable=False
        ),
    ]
