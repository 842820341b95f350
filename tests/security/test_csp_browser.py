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


# --- The admin without 'unsafe-inline': every page a staff member works in, and the widgets that used inline code --
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def test_admin_runs_without_inline_scripts_and_its_widgets_still_work(page, live_server, live_home_page):
    import io

    from PIL import Image as PILImage

    from django.core.files.images import ImageFile

    from wagtail.images.models import Image
    from wagtail.models import Collection

    from home.models import ArticlePage, NewsIndexPage
    from tests.contest.builders import make_edition, make_entry

    get_user_model().objects.create_superuser("quantri", "qt@example.vn", PASSWORD)
    Collection.get_first_root_node() or Collection.add_root(name="Root")
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), (30, 120, 60)).save(buffer, format="PNG")
    image = Image.objects.create(title="Cánh đồng lúa", file=ImageFile(buffer, name="canh-dong.png"))
    news = live_home_page.add_child(instance=NewsIndexPage(title="Tin tức", slug="tin-tuc"))
    article = news.add_child(instance=ArticlePage(title="Thông báo", slug="thong-bao"))
    edition = make_edition(live_home_page)
    entry = make_entry(edition)

    page.add_init_script(RECORD_VIOLATIONS)
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Refused to" in message.text else None)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    csp = page.request.get(live_server.url + "/admin/").headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-inline' " not in csp.split("script-src")[1].split(";")[0]

    seen = {}

    def visit(path):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        seen[path] = page.evaluate("window.__violations")

    visit("/admin/")
    visit(f"/admin/pages/{live_home_page.pk}/")
    visit(f"/admin/contest/entries/inspect/{entry.pk}/")
    visit(f"/admin/pages/{edition.pk}/edit/")
    # An inline panel (genres) still adds a form: its start-up ran from data.
    total = page.locator("#id_genres-TOTAL_FORMS")
    before = int(total.input_value())
    page.click("#id_genres-ADD")
    assert int(total.input_value()) == before + 1
    seen["inline panel"] = page.evaluate("window.__violations")

    visit(f"/admin/pages/{article.pk}/edit/")
    # The date field opens its calendar (initDateChooser ran).
    page.click("input[name=date]")
    page.wait_for_selector(".xdsoft_datetimepicker:visible", timeout=5_000)
    page.keyboard.press("Escape")
    page.fill("input[name=date]", "2026-11-30")
    # The image chooser opens its modal and sets the chosen image.
    page.click("#id_lead_image-chooser [data-chooser-action-choose]")
    page.locator(".modal a", has_text="Cánh đồng lúa").first.click()
    page.wait_for_selector("#id_lead_image-chooser:not(.blank)")
    assert page.locator("#id_lead_image").input_value() == str(image.pk)
    seen["image chooser"] = page.evaluate("window.__violations")
    # And the editor still saves a draft.
    page.fill("#id_title", "Thông báo mới")
    with page.expect_navigation():
        page.click("button.action-save")
    page.wait_for_load_state("networkidle")
    seen["saved draft"] = page.evaluate("window.__violations")
    article.refresh_from_db()
    revision = article.get_latest_revision()
    assert revision is not None and revision.content["title"] == "Thông báo mới"
    assert revision.content["lead_image"] == image.pk and revision.content["date"] == "2026-11-30"

    assert all(value == [] for value in seen.values()), seen
    assert refused == [], refused
    assert errors == [], errors
