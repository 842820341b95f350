"""Admin sign-in is throttled: five wrong passwords lock the username from that address for 30 minutes."""

import pytest
from axes.models import AccessAttempt

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

pytestmark = [pytest.mark.django_db]

LOGIN = "/admin/login/"
PASSWORD = "Đúng-mật-khẩu-2025"


@pytest.fixture
def editor():
    return get_user_model().objects.create_superuser("bientap", "bientap@example.vn", PASSWORD)


def attempt(client, password, address="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN, {"username": "bientap", "password": password}, **extra)


@override_settings(AXES_ENABLED=True)
def test_five_wrong_passwords_lock_out_even_the_right_one(client, editor):
    for _ in range(4):
        response = attempt(client, "sai-mat-khau")
        assert response.status_code == 200  # the ordinary "wrong password" form
    response = attempt(client, "sai-mat-khau")
    assert response.status_code == 429
    response = attempt(client, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Đăng nhập tạm thời bị khóa" in page
    assert "30 phút" in page
    assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True)
def test_lockout_is_per_address_and_username(client, editor):
    for _ in range(5):
        attempt(client, "sai-mat-khau", address="203.0.113.7")
    response = attempt(client, PASSWORD, address="198.51.100.20")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


@override_settings(AXES_ENABLED=True)
def test_a_success_before_the_limit_resets_the_count(client, editor):
    for _ in range(4):
        attempt(client, "sai-mat-khau")
    assert attempt(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "sai-mat-khau").status_code == 200


@override_settings(AXES_ENABLED=True)
def test_organisers_unlock_with_the_reset_command(client, editor):
    for _ in range(5):
        attempt(client, "sai-mat-khau")
    assert attempt(client, PASSWORD).status_code == 429
    call_command("axes_reset_username", "bientap")
    assert not AccessAttempt.objects.filter(username="bientap").exists()
    assert attempt(client, PASSWORD).status_code == 302


@override_settings(AXES_ENABLED=True, TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_the_forwarded_address_counts_not_a_forged_one(client, editor):
    # Every request arrives from the proxy (10.0.0.2); the visitor forges a different first entry each time.
    for forged in range(5):
        attempt(client, "sai-mat-khau", address="10.0.0.2", forwarded=f"192.0.2.{forged}, 203.0.113.7")
    assert AccessAttempt.objects.get(username="bientap").ip_address == "203.0.113.7"
    locked = attempt(client, PASSWORD, address="10.0.0.2", forwarded="192.0.2.99, 203.0.113.7")
    assert locked.status_code == 429
    # Another visitor behind the same proxy is not locked out.
    other = attempt(client, PASSWORD, address="10.0.0.2", forwarded="198.51.100.20")
    assert other.status_code == 302
