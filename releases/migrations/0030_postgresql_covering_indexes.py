from django.db import migrations

# An official's page lists their public meetings newest first, which sorts all of them (the
# busiest official's 8,000 at 100,000 releases). PostgreSQL read each meeting's row from the
# table for its date (an index scan of the primary key per participation: 70-85 ms for that
# query at 100,000 releases); with these it reads indexes alone (about 35 ms). Migration 0013
# gives SQLite the same.
INDEXES = {
    "participation_official_meeting_idx": (
        "releases_meetingparticipant",
        "official_id, meeting_id",
    ),
    "meeting_order_cover_idx": ("releases_meeting", 'id) INCLUDE (date, "order", release_id'),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, (table, columns) in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("releases", "0029_official_counts")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
