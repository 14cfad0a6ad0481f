from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_dates(apps, schema_editor):
    """Each participation takes its meeting's date (one UPDATE for all of them)."""
    Meeting = apps.get_model("releases", "Meeting")
    MeetingParticipant = apps.get_model("releases", "MeetingParticipant")
    date = Meeting.objects.filter(pk=OuterRef("meeting_id")).values("date")[:1]
    MeetingParticipant.objects.update(meeting_date=Subquery(date))


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0007_deterministic_orderings"),
        ("releases", "0032_archive_cutoff"),
    ]

    operations = [
        migrations.AddField(
            model_name="meetingparticipant",
            name="meeting_date",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunPython(copy_dates, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="meetingparticipant",
            index=models.Index(
                fields=["official", "-meeting_date", "meeting"],
                name="participant_official_date_idx",
            ),
        ),
    ]
