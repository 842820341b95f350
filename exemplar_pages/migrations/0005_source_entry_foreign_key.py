"""`ExemplarPage.source_entry_id` (a plain number) becomes the ForeignKey `source_entry` on the same column."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contest", "0001_initial"),
        ("exemplar_pages", "0004_clear_dangling_source_entries"),
    ]

    # Rename through an explicit db_column so the column (and its values) stays; then change the type.
    operations = [
        migrations.AlterField(
            model_name="exemplarpage",
            name="source_entry_id",
            field=models.PositiveIntegerField(
                blank=True,
                db_column="source_entry_id",
                help_text="The contest entry this story came from, if any.",
                null=True,
                verbose_name="contest entry number",
            ),
        ),
        migrations.RenameField(model_name="exemplarpage", old_name="source_entry_id", new_name="source_entry"),
        migrations.AlterField(
            model_name="exemplarpage",
            name="source_entry",
            field=models.ForeignKey(
                blank=True,
                help_text="The contest entry this story came from, if any.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="stories",
                to="contest.entry",
                verbose_name="contest entry",
            ),
        ),
    ]
