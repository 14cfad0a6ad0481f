from django.db import migrations

# A country's agreements, newest first (its page shows the first ten), in the model's order
# (signed_on DESC NULLS LAST): without it PostgreSQL sorts all of the country's agreements.
# SQLite cannot index NULLS LAST and does without.
CREATE = (
    "CREATE INDEX IF NOT EXISTS agreement_country_signed_idx ON releases_agreement "
    "(country_id, signed_on DESC NULLS LAST, id DESC)"
)
DROP = "DROP INDEX IF EXISTS agreement_country_signed_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0010_count_translation_gaps"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
