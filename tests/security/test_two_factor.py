"""Staff sign in with a password and a one-time code: setup with a QR code, codes from the app, backup codes."""

import re
from base64 import b32decode
from datetime import timedelta

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from wagtail.models import ModelLogEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor_required")]

PASSWORD = "Mật-khẩu-đủ-dài-2025"


@pytest.fixture
def two_factor_required():
    with override_settings(STAFF_2FA_REQUIRED=True):
        yield


@pytest.fixture
def editor():
    user = get_user_model().objects.create_user("bientap", "bientap@example.vn", PASSWORD)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def sign_in(client, user):
    response = client.post("/admin/login/", {"username": user.username, "password": PASSWORD, "next": "/admin/pages/"})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def code_for(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def set_up_device(client, user):
    """Walk the setup page and return the confirmed device and the backup codes shown once."""
    client.get("/admin/2fa/thiet-lap/")
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/admin/2fa/thiet-lap/", {"token": code_for(device), "next": "/admin/pages/"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]{10})</code></li>", page)
    device.refresh_from_db()
    return device, codes


def test_after_the_password_a_staff_user_without_a_device_is_sent_to_setup(client, editor):
    response = sign_in(client, editor)
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/2fa/thiet-lap/")
    for path in ("/admin/", "/admin/pages/", "/admin/users/", "/admin/images/", "/admin/api/main/pages/"):
        assert client.get(path).status_code == 302, path
        assert "/admin/2fa/" in client.get(path)["Location"]


def test_setup_shows_a_local_qr_code_and_a_wrong_code_is_refused(client, editor):
    sign_in(client, editor)
    response = client.get("/admin/2fa/thiet-lap/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in page
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    secret = "".join(re.search(r'<code class="otp-secret">([A-Z2-7 ]+)</code>', page).group(1).split())
    assert b32decode(secret) == device.bin_key
    # Reloading keeps the same secret: the phone already scanned it.
    client.get("/admin/2fa/thiet-lap/")
    assert TOTPDevice.objects.filter(user=editor).count() == 1
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post("/admin/2fa/thiet-lap/", {"token": wrong})
    assert response.status_code == 200
    assert "Mã này sai hoặc đã hết hạn" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_setup_with_a_real_code_opens_the_admin_and_shows_backup_codes_once(client, editor):
    sign_in(client, editor)
    device, codes = set_up_device(client, editor)
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/admin/pages/").status_code == 200
    # The codes are shown once; afterwards the page offers to make new ones.
    assert not re.findall(r"<li><code>", client.get("/admin/2fa/ma-du-phong/").content.decode())
    assert ModelLogEntry.objects.filter(action="accounts.2fa.enabled", object_id=str(editor.pk)).count() == 1


def test_next_sign_in_asks_for_the_app_code(client, editor):
    sign_in(client, editor)
    device, _ = set_up_device(client, editor)
    client.logout()
    sign_in(client, editor)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/2fa/xac-minh/")
    # A stolen password cannot replace the authenticator through the setup page.
    assert client.get("/admin/2fa/thiet-lap/")["Location"].startswith("/admin/2fa/xac-minh/")
    wrong = client.post("/admin/2fa/xac-minh/", {"token": "000000" if code_for(device, 1) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "Mã này sai, đã hết hạn hoặc đã được dùng" in wrong.content.decode()
    # Guessing is throttled: right after a wrong code even the right one is refused for a moment.
    assert client.post("/admin/2fa/xac-minh/", {"token": code_for(device, 1)}).status_code == 200
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=5), throttling_failure_count=1
    )
    response = client.post("/admin/2fa/xac-minh/", {"token": code_for(device, 1), "next": "/admin/pages/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/pages/"
    assert client.get("/admin/pages/").status_code == 200


def test_a_backup_code_works_once(client, editor):
    sign_in(client, editor)
    _, codes = set_up_device(client, editor)
    client.logout()
    sign_in(client, editor)
    response = client.post("/admin/2fa/xac-minh/", {"token": codes[0].upper(), "next": "/admin/"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    client.logout()
    sign_in(client, editor)
    again = client.post("/admin/2fa/xac-minh/", {"token": codes[0]})
    assert again.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_renewed_backup_codes_replace_the_old_ones(client, editor):
    sign_in(client, editor)
    _, old_codes = set_up_device(client, editor)
    response = client.post("/admin/2fa/ma-du-phong/")
    new_codes = re.findall(r"<li><code>([a-z0-9]{10})</code></li>", client.get(response["Location"]).content.decode())
    assert len(new_codes) == 10
    assert not StaticToken.objects.filter(token__in=old_codes).exists()
    assert StaticToken.objects.filter(token__in=new_codes).count() == 10


def test_the_next_parameter_cannot_send_the_user_elsewhere(client, editor):
    sign_in(client, editor)
    client.get("/admin/2fa/thiet-lap/")
    device = TOTPDevice.objects.get(user=editor)
    response = client.post("/admin/2fa/thiet-lap/", {"token": code_for(device), "next": "https://evil.example/"})
    assert "evil.example" not in response["Location"]
    assert "evil.example" not in client.get(response["Location"]).content.decode()


def test_a_lost_phone_is_reset_by_command_and_logged(client, editor):
    sign_in(client, editor)
    set_up_device(client, editor)
    call_command("reset_2fa", "bientap")
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert not StaticToken.objects.filter(device__user=editor).exists()
    assert ModelLogEntry.objects.filter(action="accounts.2fa.reset", object_id=str(editor.pk)).exists()
    client.logout()
    sign_in(client, editor)
    assert client.get("/admin/")["Location"].startswith("/admin/2fa/thiet-lap/")


def test_users_who_cannot_enter_the_admin_are_not_asked_for_a_code(client):
    get_user_model().objects.create_user("bandoc", "bandoc@example.vn", PASSWORD)
    client.login(username="bandoc", password=PASSWORD)
    response = client.get("/admin/")
    # Wagtail itself refuses them (back to the login form); nothing about two-factor setup.
    assert "/admin/2fa/" not in response.get("Location", "")


def test_public_pages_stay_open_to_a_staff_user_before_the_second_factor(client, editor, home_page):
    sign_in(client, editor)
    assert client.get("/").status_code == 200


@override_settings(STAFF_2FA_REQUIRED=False)
def test_without_the_requirement_the_admin_opens_after_the_password(client, editor):
    sign_in(client, editor)
    assert client.get("/admin/pages/").status_code == 200
