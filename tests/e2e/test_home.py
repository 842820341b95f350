"""The first journey: a reader opens the home page in a real browser; nothing leaves the server."""

from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_page_in_chromium_is_vietnamese_and_local(page, live_server, home_page):
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Gương điển hình tiên tiến tỉnh Tây Ninh"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Chuyển đến nội dung chính"
    page.get_by_role("searchbox").first.fill("nguoi tot")
    page.get_by_role("button", name="Tìm kiếm").first.click()
    page.wait_for_url("**/tim-kiem/?q=nguoi+tot")
    assert page.locator("h1").inner_text() == "Tìm kiếm"
    assert hosts <= {"127.0.0.1", "localhost"}, hosts
