"""Fixtures for the security suite."""

import pytest

from wagtail.models import Locale, Page


@pytest.fixture
def live_home_page(transactional_db, request):
    """The home page in a transactional test, which starts from a flushed database (no tree root)."""
    if Page.get_first_root_node() is None:
        Locale.objects.get_or_create(language_code="vi")
        Page.add_root(instance=Page(title="Root", slug="root"))
    return request.getfixturevalue("home_page")
