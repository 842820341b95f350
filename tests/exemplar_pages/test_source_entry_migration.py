"""The migration that makes `ExemplarPage.source_entry` a ForeignKey keeps real links and clears dangling ones."""

import pytest

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from exemplar_pages.models import ExemplarPage
from tests.contest.builders import make_edition, make_entry
from tests.factories import ExemplarIndexPageFactory, ExemplarPageFactory

# Migrating needs real transactions (and leaves the schema as it found it: at the latest migration).
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("exemplar_pages", "0003_editor_permissions")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_links_to_existing_entries_stay_and_dangling_numbers_are_cleared(home_page):
    entry = make_entry(make_edition(home_page))
    library = ExemplarIndexPageFactory(parent=home_page)
    linked = ExemplarPageFactory(parent=library, source_entry=entry)
    dangling = ExemplarPageFactory(parent=library)
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()

    migrate(BEFORE)
    with connection.cursor() as cursor:
        # Before the migration the column was a plain number: anything could be written in it.
        cursor.execute(
            "UPDATE exemplar_pages_exemplarpage SET source_entry_id = %s WHERE page_ptr_id = %s",
            [entry.pk + 1000, dangling.pk],
        )
    migrate(leaves)

    assert ExemplarPage.objects.get(pk=linked.pk).source_entry == entry
    assert ExemplarPage.objects.get(pk=dangling.pk).source_entry_id is None
    assert list(entry.stories.all()) == [ExemplarPage.objects.get(pk=linked.pk)]
