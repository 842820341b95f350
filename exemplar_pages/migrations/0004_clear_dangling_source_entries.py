"""Clear `source_entry_id` values that name no contest entry, so the next migration can make it a ForeignKey."""

from django.db import migrations


def clear_dangling(apps, schema_editor):
    ExemplarPage = apps.get_model("exemplar_pages", "ExemplarPage")
    Entry = apps.get_model("contest", "Entry")
    linked = ExemplarPage.objects.filter(source_entry_id__isnull=False)
    # Kept in their own migration: on PostgreSQL an UPDATE and the ALTER TABLE adding the constraint cannot share a
    # transaction while deferred constraint triggers are pending.
    linked.exclude(source_entry_id__in=Entry.objects.values("pk")).update(source_entry_id=None)


class Migration(migrations.Migration):
    dependencies = [
        ("exemplar_pages", "0003_editor_permissions"),
        ("contest", "0001_initial"),
    ]

    operations = [migrations.RunPython(clear_dangling, migrations.RunPython.noop)]
