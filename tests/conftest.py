"""Fixtures shared by the whole suite: the site's page tree and the browser harness."""

import os

import pytest

from wagtail.models import Site

# Playwright's sync API runs an event loop in the test thread; Django's ORM must be allowed beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture
def page_tree_root(db):
    """The rows migrations create that pages need: content types, the default locale, the tree's root.

    A transactional test (threads, live_server) ends by flushing the database; the next one would otherwise start
    without them and fail to create any page.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import DEFAULT_DB_ALIAS

    from home.demo import ensure_root

    # After a flush content types come back under new ids: never trust the cached ones.
    ContentType.objects.clear_cache()
    if not ContentType.objects.exists():
        emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)
    return ensure_root()


@pytest.fixture
def home_page(page_tree_root):
    """A published HomePage as the default site's root, as `make run` leaves it."""
    from home.models import HomePage

    root = page_tree_root
    home = HomePage(title="Gương điển hình tiên tiến tỉnh Tây Ninh", slug="trang-chu")
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": home.title},
    )
    return home


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, headless, with nothing reaching out to the network on its own."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache: a rolled-back test leaves cached fragments of rows that are gone."""
    from django.core.cache import cache

    cache.clear()
    yield
