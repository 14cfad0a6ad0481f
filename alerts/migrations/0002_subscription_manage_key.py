import secrets

from django.db import migrations, models

import alerts.models


def give_each_a_key(apps, schema_editor):
    Subscription = apps.get_model("alerts", "Subscription")
    for subscription in Subscription.objects.only("pk").iterator():
        Subscription.objects.filter(pk=subscription.pk).update(manage_key=secrets.token_urlsafe(32))


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_initial"),
    ]

    # A unique column is added empty, filled row by row, then made unique (a default would give
    # every existing row the same value).
    operations = [
        migrations.AddField(
            model_name="subscription",
            name="manage_key",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(give_each_a_key, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="subscription",
            name="manage_key",
            field=models.CharField(
                default=alerts.models.new_token, editable=False, max_length=64, unique=True
            ),
        ),
    ]
