"""Editors write and change topical events, as they do agreements; publishers may also delete
them. Running it again only adds what is missing."""

from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate has finished; the groups need them now.
    app_config = apps.get_app_config("releases")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(*actions):
        return Permission.objects.filter(
            content_type__app_label="releases",
            codename__in=[f"{action}_topicalevent" for action in actions],
        )

    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*permissions("add", "change", "view"))
    publishers, _ = Group.objects.get_or_create(name="Publishers")
    publishers.permissions.add(*permissions("add", "change", "delete", "view"))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("releases", "0024_topical_events"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop, elidable=False)]
