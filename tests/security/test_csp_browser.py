"""In Chromium, the Content Security Policy blocks nothing the site or the admin needs, and the preview works."""

import pytest

from django.contrib.auth import get_user_model

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Mật-khẩu-quản-trị-2025"


def watch_violations(page):
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return violations


def test_public_pages_run_under_the_strict_policy_without_a_violation(page, live_server, live_home_page):
    violations = watch_violations(page)
    response = page.goto(live_server.url + "/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.goto(live_server.url + "/tim-kiem/?q=nguoi+tot")
    assert page.locator("h1").inner_text() == "Tìm kiếm"
    assert violations == []


def test_admin_pages_and_the_preview_panel_work_under_the_admin_policy(page, live_server, live_home_page):
    get_user_model().objects.create_superuser("quantri", "qt@example.vn", PASSWORD)
    violations = watch_violations(page)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    for path in ("/admin/pages/", f"/admin/pages/{live_home_page.pk}/", "/admin/images/", "/admin/users/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    page.goto(live_server.url + f"/admin/pages/{live_home_page.pk}/edit/")
    page.locator("button[data-side-panel-toggle='preview']").first.click()
    preview = page.frame_locator("iframe").first
    assert preview.locator("h1").inner_text(timeout=15_000) == live_home_page.title
    assert violations == []
