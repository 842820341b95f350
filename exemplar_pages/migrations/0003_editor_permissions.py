"""Let Wagtail's Editors and Moderators groups keep agencies, localities and news categories up to date."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = [("exemplar_pages", "agency"), ("exemplar_pages", "locality"), ("home", "newscategory")]
GROUPS = {"Moderators": ["add", "change", "delete", "view"], "Editors": ["add", "change", "view"]}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so they can be granted here.
    for label in {app_label for app_label, _model in MODELS}:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=GROUPS):
        for app_label, model in MODELS:
            codenames = [f"{action}_{model}" for action in GROUPS[group.name]]
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("exemplar_pages", "0002_plans_movements_exemplars"),
        ("home", "0002_news"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
