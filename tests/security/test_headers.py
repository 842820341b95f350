"""Browser-facing policies: HSTS, secure cookies, CSP, Referrer-Policy, nosniff, Permissions-Policy, framing."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from django.db import connection

from tests.home.test_settings import COMPLETE_ENVIRONMENT

ROOT = Path(__file__).resolve().parents[2]


def directives(header):
    """A CSP header as {directive: [sources]}."""
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def database_url_of_test_database():
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def probe_production(*paths):
    """Request paths from a separate process running config.settings.production against the test database."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "CACHE_URL")}
    env.update(COMPLETE_ENVIRONMENT)
    env.pop("REDIS_URL")  # the probe must work on a machine without Redis; production warns about it
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DATABASE_URL": database_url_of_test_database(),
            "CACHE_URL": "locmemcache://",
            "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'site'}",
            "PYTHONWARNINGS": "ignore",
        }
    )
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("production_probe.py")), *paths],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.fixture
def production(live_home_page):
    return probe_production("/", "/admin/login/", "/tim-kiem/?q=ngu%E1%BB%9Di")


def test_production_public_and_admin_pages_carry_every_policy(production):
    response = production["responses"]["/"]
    assert response["status"] == 200
    headers = response["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in headers["Permissions-Policy"]
    csp = directives(headers["Content-Security-Policy"])
    # reCAPTCHA is on in production: Google's script host is the only other origin allowed to run code.
    assert csp["script-src"][0] == "'self'"
    assert all(source.startswith("https://www.g") for source in csp["script-src"][1:])
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert "upgrade-insecure-requests" in csp

    response = production["responses"]["/admin/login/"]
    assert response["status"] == 200
    headers = response["headers"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    csp = directives(headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]  # no inline script in the admin either (see test_csp_browser)
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'self'"]
    assert response["cookies"]["csrftoken"]["secure"] is True

    headers = production["responses"]["/tim-kiem/?q=ngu%E1%BB%9Di"]["headers"]
    assert directives(headers["Content-Security-Policy"])["style-src"] == ["'self'"]


def test_production_sessions_expire_staff_need_two_factors_and_http_redirects(production):
    values = production["settings"]
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert values["SESSION_COOKIE_AGE"] <= 8 * 60 * 60
    assert values["STAFF_2FA_REQUIRED"] is True
    assert values["AXES_ENABLED"] is True
    assert values["TRUSTED_PROXY_COUNT"] == 1
    assert production["plain_http"]["status"] == 301
    assert production["plain_http"]["location"].startswith("https://")


@pytest.mark.django_db
def test_public_pages_allow_no_inline_script_or_style(client, home_page):
    response = client.get("/")
    csp = directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    # What the strict policy promises must hold for our own templates: no inline script, no inline handler.
    html = response.content.decode()
    assert "<script>" not in html and " onclick=" not in html and " onload=" not in html


@pytest.mark.django_db
def test_wagtail_preview_may_be_framed_by_the_admin_only(admin_client, home_page):
    # Without posted form data the preview renders the page as saved: the public template, through the full stack.
    response = admin_client.get(f"/admin/pages/{home_page.pk}/edit/preview/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert directives(response["Content-Security-Policy"])["frame-ancestors"] == ["'self'"]


@pytest.mark.django_db
def test_other_admin_pages_refuse_foreign_framing(admin_client):
    response = admin_client.get("/admin/")
    assert response["X-Frame-Options"] == "DENY"
    assert directives(response["Content-Security-Policy"])["frame-ancestors"] == ["'self'"]


EXECUTABLE_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/(?:ld\+)?json\")[^>]*>")


@pytest.mark.django_db
def test_admin_forms_write_no_inline_script(admin_client, home_page):
    """Every page type's editor and the contest's own admin forms: widgets start from data (admin-init.js).

    Date, date-time and time fields, inline panels and chooser widgets are the pieces of Wagtail 8 that wrote inline
    scripts; the admin's policy (script-src 'self') would block them. The browser test proves the widgets still work.
    """
    from wagtail.models import get_page_models

    from tests.contest.builders import make_edition

    edition = make_edition(home_page)
    paths = [f"/admin/pages/{home_page.pk}/edit/", f"/admin/pages/{edition.pk}/edit/"]
    for model in get_page_models():
        if model._meta.label != "wagtailcore.Page":
            paths.append(f"/admin/pages/add/{model._meta.app_label}/{model._meta.model_name}/{home_page.pk}/")
    paths += ["/admin/contest/rounds/new/", "/admin/contest/voting-rules/new/", "/admin/contest/voting-entries/new/"]
    checked = 0
    for path in paths:
        response = admin_client.get(path)
        if response.status_code != 200:
            continue  # a page type that may not sit under the home page
        html = response.content.decode()
        assert not EXECUTABLE_INLINE_SCRIPT.findall(html), (path, EXECUTABLE_INLINE_SCRIPT.findall(html))
        assert "data-admin-init" in html or "/admin/contest/" in path, path
        checked += 1
    assert checked >= 8
    assert directives(admin_client.get("/admin/").headers["Content-Security-Policy"])["script-src"] == ["'self'"]
