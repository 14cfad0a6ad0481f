"""The archive counts' cutoff (ArchiveCutoff): the moment up to which ArchiveCount and
OfficialCount count releases. No row yet: they count every release with status published, as
before this migration, and the first recount (the next change) moves it to its moment."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('releases', '0031_release_full_text_model'),
    ]

    operations = [
        migrations.CreateModel(
            name='ArchiveCutoff',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('moment', models.DateTimeField(null=True)),
            ],
            options={
                'verbose_name': "archive counts' cutoff",
                'verbose_name_plural': "archive counts' cutoff",
            },
        ),
    ]
