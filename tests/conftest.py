"""Fixtures shared by the whole suite: the site's page tree and the browser harness."""

import os

import pytest

from wagtail.models import Site

# Playwright's sync API runs an event loop in the test thread; Django's ORM must be allowed beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture
def home_page(db):
    """A published HomePage as the default site's root, as `make run` leaves it."""
    from django.contrib.contenttypes.models import ContentType

    from home.demo import ensure_root
    from home.models import HomePage

    # A transactional test that ran earlier flushed the database, taking the migrations' locale, root page and
    # collection with it (and content types come back under new ids): put back what Wagtail's tree needs.
    ContentType.objects.clear_cache()
    root = ensure_root()
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
