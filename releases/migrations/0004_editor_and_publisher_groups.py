"""The two staff roles, so they exist right after `migrate`.

Editors write and change releases and what they report; publishers may also publish, schedule,
unpublish and withdraw (`releases.publish_release`) and delete. Running it again only adds what
is missing.
"""

from django.db import migrations

READ_WRITE = ["add", "change", "view"]
FULL = ["add", "change", "delete", "view"]

EDITORS = {
    "releases": {
        "release": READ_WRITE,
        "section": FULL,
        "contact": FULL,
        "meeting": FULL,
        "meetingparticipant": FULL,
        "photo": FULL,
        "releaseagreement": FULL,
        "agreement": READ_WRITE,
    },
    "people": {
        "official": READ_WRITE,
        "post": FULL,
        "organization": READ_WRITE,
        "country": ["view"],
    },
}
PUBLISHERS_ALSO = {
    "releases": {"release": ["delete", "publish"], "agreement": ["delete"]},
    "people": {"official": ["delete"], "organization": ["delete"]},
}


def _codenames(spec):
    for app_label, models in spec.items():
        for model, actions in models.items():
            for action in actions:
                codename = "publish_release" if action == "publish" else f"{action}_{model}"
                yield app_label, codename


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate has finished; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(spec):
        return [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in _codenames(spec)
        ]

    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*permissions(EDITORS))
    publishers, _ = Group.objects.get_or_create(name="Publishers")
    publishers.permissions.add(*permissions(EDITORS), *permissions(PUBLISHERS_ALSO))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("people", "0003_official_version"),
        ("releases", "0003_publishing_permission_and_versions"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop, elidable=False)]
