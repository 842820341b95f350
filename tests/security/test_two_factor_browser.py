"""A staff member's first sign-in in Chromium: password, QR code, code from the app, backup codes, the admin."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Mật-khẩu-biên-tập-2025"


def test_first_sign_in_sets_up_two_factor_and_the_next_asks_for_a_code(page, live_server, live_home_page, settings):
    settings.STAFF_2FA_REQUIRED = True
    user = get_user_model().objects.create_user("bientap", "bt@example.vn", PASSWORD)
    # A transactional test has no Wagtail groups (flushed): the one permission that makes someone staff is enough.
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(live_server.url + "/admin/account/")
    page.fill("#id_username", "bientap")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/2fa/thiet-lap/.*"))
    assert page.locator("h1").inner_text() == "Thiết lập xác thực hai lớp"
    qr = page.get_by_role("img", name="Mã QR cho ứng dụng xác thực")
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert page.evaluate("document.querySelector('main img').naturalWidth") > 0  # the QR code really renders

    device = TOTPDevice.objects.get(user=user)
    page.get_by_label("Mã sáu chữ số trong ứng dụng").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(re.compile(r".*/admin/2fa/ma-du-phong/.*"))
    codes = page.locator(".backup-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="Tôi đã lưu các mã, tiếp tục").click()
    page.wait_for_url(live_server.url + "/admin/account/")

    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", "bientap")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/2fa/xac-minh/.*"))
    page.get_by_label("Mã trong ứng dụng xác thực, hoặc một mã dự phòng").fill(codes[3])
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(live_server.url + "/admin/")
    assert violations == []
