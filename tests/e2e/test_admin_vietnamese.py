"""The admin in Vietnamese: an administrator signs in and reads no English on the screens used most."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image as PillowImage

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.db import connection
from django.urls import reverse

from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page

from home.management.commands.admin_screenshots import SCREENS, capture
from home.models import StandardPage

pytestmark = [pytest.mark.e2e]
browser_db = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PASSWORD = "mat-khau-thu-nghiem-2025"
# Words an untranslated Wagtail admin shows on these screens (menu, listings, filters, buttons, statuses).
ENGLISH_WORDS = [
    "Pages", "Page", "Images", "Image", "Documents", "Snippets", "Reports", "Settings", "Help", "Search",
    "Dashboard", "Sign out", "Log out", "Sign in", "Add child page", "Edit", "Delete", "Status", "Live", "Draft",
    "Collections", "Collection", "Upload", "Users", "Groups", "Sites", "Redirects", "Forms", "Workflows",
    "Account", "Title", "Updated", "Type", "Sort", "Sort by", "Filter", "Filters", "Actions", "More", "Add",
    "Publish", "Published", "Unpublish", "Preview", "Save", "Copy", "Move", "History", "Locked", "Private",
    "Public", "Created", "Choose", "Select", "Explorer", "Tags", "Previous", "Next", "Bulk actions",
    "Popular tags", "Recent", "Your", "Latest", "Site summary", "Pagination", "Main menu", "Toggle sidebar",
    "Skip to main content", "Editor Guide", "Shortcuts", "Keyboard shortcuts", "Profile", "Username",
    "Password", "Remember me", "Forgotten password", "minute", "minutes", "hour", "hours", "day", "days",
    "ago", "just now", "Owner", "Clear", "Apply", "Show", "Hide",
]  # fmt: skip
ENGLISH = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in ENGLISH_WORDS) + r")(?!\w)", re.IGNORECASE)


def ensure_wagtail_roots():
    """The rows Wagtail's migrations create, which a transactional test's flush removes: the default locale,
    the root page and the root collection."""
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


@pytest.fixture
def wagtail_roots(transactional_db):
    ensure_wagtail_roots()


@pytest.fixture(scope="module", autouse=True)
def leave_wagtail_roots_behind(django_db_setup, django_db_blocker):
    """After this module's tests (and their flushes), put the migrated roots back for the tests that follow
    (django_db_setup: always in the test database, never the configured one)."""
    yield
    with django_db_blocker.unblock():
        ensure_wagtail_roots()
        # Outside any test, nothing else closes this connection before the test database is dropped.
        connection.close()


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser(
        username="quantri", email="quantri@tayninh.gov.vn", password=PASSWORD, first_name="Lan", last_name="Nguyễn"
    )


@pytest.fixture
def content(home_page):
    """What judges and organisers see in the lists: a published and a draft page, and an uploaded image."""
    published = StandardPage(title="Kế hoạch 310 về điển hình tiên tiến", slug="ke-hoach-310")
    home_page.add_child(instance=published)
    published.save_revision().publish()
    draft = StandardPage(title="Thể lệ cuộc thi viết", slug="the-le", live=False)
    home_page.add_child(instance=draft)
    draft.save_revision()
    buffer = BytesIO()
    PillowImage.new("RGB", (640, 480), (200, 60, 40)).save(buffer, "PNG")
    get_image_model().objects.create(title="Lễ biểu dương 2023", file=ImageFile(buffer, name="le-bieu-duong.png"))
    return home_page


def english_in(text):
    return sorted({match.group(0) for match in ENGLISH.finditer(text)}, key=str.lower)


def sign_in(page, live_server):
    page.goto(live_server.url + reverse("wagtailadmin_login"))
    assert english_in(page.inner_text("body")) == []
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + reverse("wagtailadmin_home"))


def test_english_word_pattern_finds_whole_words_only():
    assert english_in("Pages · Sửa · Edited · Draftail · Bản nháp · live") == ["live", "Pages"]


@browser_db
def test_admin_screens_have_no_english(page, live_server, wagtail_roots, admin_user, content):
    sign_in(page, live_server)
    screens = {
        "dashboard": reverse("wagtailadmin_home"),
        "page explorer": reverse("wagtailadmin_explore", args=[content.pk]),
        "page editor": reverse("wagtailadmin_pages:edit", args=[content.pk]),
        "image library": reverse("wagtailimages:index"),
        "document library": reverse("wagtaildocs:index"),
    }
    found = {}
    for name, path in screens.items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        body = page.inner_text("body")
        found[name] = english_in(body)
        assert len(body) > 200, f"{name} looks empty: {body!r}"
    assert found == {name: [] for name in screens}

    # The screens do show what an organiser needs, in Vietnamese.
    page.goto(live_server.url + screens["page explorer"])
    listing = page.inner_text("main")
    assert "Kế hoạch 310 về điển hình tiên tiến" in listing
    assert "Thể lệ cuộc thi viết" in listing
    assert "bản nháp" in listing.lower()
    page.goto(live_server.url + screens["dashboard"])
    menu = page.inner_text("nav").lower()
    for label in ["trang", "hình ảnh", "tài liệu", "báo cáo", "cài đặt", "trợ giúp"]:
        assert label in menu


@browser_db
def test_admin_screenshots_are_saved(page, live_server, wagtail_roots, admin_user, content):
    sign_in(page, live_server)
    saved = capture(page, live_server.url, SCREENSHOTS)
    assert [path.stem for path in saved] == [screen.name for screen in SCREENS]
    for path in saved:
        with PillowImage.open(path) as image:
            assert image.format == "PNG"
            assert image.width >= 1000 and image.height >= 400
