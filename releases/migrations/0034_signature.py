import datetime

import django.db.models.deletion
from django.db import migrations, models

BATCH_SIZE = 2000


def fill(apps, schema_editor):
    """A signature per signatory of each agreement, with the agreement's date (date.min when
    not known), as releases.models.refresh_signatures writes them."""
    Agreement = apps.get_model("releases", "Agreement")
    Signature = apps.get_model("releases", "Signature")
    links = Agreement.signatories.through.objects.order_by("pk").values_list(
        "agreement_id", "official_id", "agreement__signed_on"
    )
    rows = (
        Signature(agreement_id=agreement, official_id=official, signed_on=day or datetime.date.min)
        for agreement, official, day in links.iterator(chunk_size=BATCH_SIZE)
    )
    Signature.objects.bulk_create(rows, batch_size=BATCH_SIZE)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0007_deterministic_orderings"),
        ("releases", "0033_participation_meeting_date"),
    ]

    operations = [
        migrations.CreateModel(
            name="Signature",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("signed_on", models.DateField()),
                (
                    "agreement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="signatures",
                        to="releases.agreement",
                    ),
                ),
                (
                    "official",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.official",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["official", "-signed_on", "-agreement"],
                        name="signature_latest_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("agreement", "official"), name="signature_once")
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
