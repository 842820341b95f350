"""`manage.py admin_screenshots`: PNGs of the key admin screens, in Vietnamese, for a person to review.

It serves the current database on a throwaway local server, opens the admin in headless Chromium as an
administrator (a session is created for them: no password needed) and saves one PNG per screen into
`screenshots/` (git-ignored). To add a screen, append a `Screen` to `SCREENS`: a name and a function returning
the admin path to open (or None when the database has nothing to show there yet).
"""

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model, load_backend
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management.base import BaseCommand, CommandError
from django.test.testcases import LiveServerThread
from django.urls import reverse

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1366, "height": 900}


def _home_page_id() -> int | None:
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page_id if site else None


def _explorer() -> str:
    page_id = _home_page_id()
    return reverse("wagtailadmin_explore", args=[page_id]) if page_id else reverse("wagtailadmin_explore_root")


def _page_editor() -> str | None:
    page_id = _home_page_id()
    return reverse("wagtailadmin_pages:edit", args=[page_id]) if page_id else None


@dataclass(frozen=True)
class Screen:
    name: str
    path: Callable[[], str | None]


SCREENS = [
    Screen("dashboard", lambda: reverse("wagtailadmin_home")),
    Screen("page-explorer", _explorer),
    Screen("page-editor", _page_editor),
    Screen("image-library", lambda: reverse("wagtailimages:index")),
    Screen("document-library", lambda: reverse("wagtaildocs:index")),
    Screen("users", lambda: reverse("wagtailusers_users:index")),
    Screen("reports-site-history", lambda: reverse("wagtailadmin_reports:site_history")),
]


def session_cookie_for(user, domain: str) -> dict:
    """A logged-in session for `user`, as a cookie Playwright can add to its browser context."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The first backend that can load a user back from a session (rules' and axes' backends cannot).
    session[BACKEND_SESSION_KEY] = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "domain": domain, "path": "/"}


def capture(page, base_url: str, out_dir: Path, screens=None) -> list[Path]:
    """Open each screen in `page` (a logged-in Playwright page) and save a full-page PNG; return the files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    saved = []
    for screen in screens or SCREENS:
        path = screen.path()
        if path is None:
            continue
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        if "/login/" in page.url:
            raise RuntimeError(f"not signed in: {screen.name} redirected to {page.url}")
        target = out_dir / f"{screen.name}.png"
        page.screenshot(path=str(target), full_page=True)
        saved.append(target)
    return saved


class Command(BaseCommand):
    help = "Save PNG screenshots of the key admin screens (Vietnamese) into screenshots/."

    def add_arguments(self, parser):
        parser.add_argument("--username", help="Administrator to log in as (default: the first superuser).")
        parser.add_argument("--out", default=str(settings.BASE_DIR / "screenshots"), help="Output folder.")
        parser.add_argument("--only", action="append", default=[], metavar="NAME", help="Only these screens.")

    def handle(self, *args, username=None, out, only, **options):
        from playwright.sync_api import sync_playwright

        users = get_user_model().objects.filter(is_active=True)
        user = users.filter(username=username).first() if username else users.filter(is_superuser=True).first()
        if user is None:
            raise CommandError("no such administrator; run `manage.py ensure_superuser` or pass --username")
        screens = [s for s in SCREENS if not only or s.name in only]
        if not screens:
            raise CommandError(f"unknown screen; choose from {', '.join(s.name for s in SCREENS)}")

        cookie = session_cookie_for(user, "127.0.0.1")
        server = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override={}, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise CommandError(f"could not start the local server: {server.error}")
        # Playwright's sync API runs an event loop in this thread; our ORM use here is synchronous and safe.
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                context = browser.new_context(viewport=VIEWPORT, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
                context.add_cookies([cookie])
                try:
                    saved = capture(context.new_page(), f"http://127.0.0.1:{server.port}", Path(out), screens)
                except RuntimeError as error:
                    raise CommandError(str(error)) from error
                finally:
                    browser.close()
        finally:
            server.terminate()
        for path in saved:
            self.stdout.write(f"saved {path}")
