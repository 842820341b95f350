"""A story's link to the contest entry it came from: a real foreign key, shown read-only to editors."""

import pytest

from django.contrib.auth.models import User

from exemplar_pages.models import ExemplarPage
from tests.contest.builders import make_edition, make_entry
from tests.factories import ExemplarIndexPageFactory, ExemplarPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(home_page):
    entry = make_entry(make_edition(home_page), title="Nồi cháo tình thương")
    return ExemplarPageFactory(parent=ExemplarIndexPageFactory(parent=home_page), source_entry=entry)


def test_the_editor_shows_the_entry_without_offering_every_entry(client, story):
    client.force_login(User.objects.create_superuser("quantri", "qt@example.vn", "x"))
    response = client.get(f"/admin/pages/{story.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nồi cháo tình thương" in html
    assert 'name="source_entry"' not in html  # read-only: set by publication, never picked from a list


def test_deleting_the_entry_keeps_the_story_without_its_link(story):
    entry = story.source_entry
    assert list(entry.stories.all()) == [story]
    entry.delete()
    assert ExemplarPage.objects.get(pk=story.pk).source_entry_id is None


def test_a_draft_saved_before_the_foreign_key_keeps_its_entry(story):
    # Revisions written before the migration name the field `source_entry_id`; publishing one must keep the link.
    revision = story.save_revision()
    content = dict(revision.content)
    content["source_entry_id"] = content.pop("source_entry")
    revision.content = content
    revision.save(update_fields=["content"])
    assert revision.as_object().source_entry_id == story.source_entry_id
