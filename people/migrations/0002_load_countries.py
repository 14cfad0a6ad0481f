from django.db import migrations


def load_countries(apps, schema_editor):
    from people.countries import world_countries

    Country = apps.get_model("people", "Country")
    for row in world_countries():
        code = row.pop("code")
        row["name"] = row["name_ja"]
        Country.objects.update_or_create(code=code, defaults=row)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
