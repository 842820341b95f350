"""Organisers edit e-mail templates and read (and requeue) messages."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = ["change_messagetemplate", "view_messagetemplate", "view_outgoingmessage", "change_outgoingmessage"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; create this app's now so they can be granted.
    config = apps.get_app_config("outbox")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    organisers = Group.objects.filter(name="Ban Tổ chức").first()
    if organisers:
        organisers.permissions.add(*Permission.objects.filter(content_type__app_label="outbox", codename__in=GRANTS))


class Migration(migrations.Migration):
    dependencies = [("outbox", "0001_initial"), ("contest", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
