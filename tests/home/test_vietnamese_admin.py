"""Admin screens whose English no catalogue could reach: the login form's password label, the sites listing."""

import json

import pytest

from django.contrib.auth import get_user_model
from django.urls import reverse


@pytest.mark.django_db
def test_login_page_labels_the_password_in_vietnamese(client):
    html = client.get(reverse("wagtailadmin_login")).content.decode()
    assert "Mật khẩu" in html
    assert ">Password<" not in html.replace(" ", "").replace("\n", "")


@pytest.mark.django_db
def test_sites_listing_columns_are_vietnamese(client, home_page):
    admin = get_user_model().objects.create_superuser(username="quantri", email="qt@tayninh.gov.vn", password="x")
    client.force_login(admin)
    html = client.get(reverse("wagtailsites:index")).content.decode()
    for label in ["Cổng", "Tên trang web", "Trang gốc"]:
        assert label in html
    for english in ["Root page", "Site name", ">Port"]:
        assert english not in html


@pytest.mark.django_db
def test_admin_javascript_catalogue_includes_our_translations(client):
    """The admin's JavaScript strings (sidebar, editor) come from our djangojs catalogue where Wagtail has none."""
    response = client.get(reverse("wagtailadmin_javascript_catalog"))
    text = response.content.decode()
    assert response.status_code == 200
    # The catalogue is JSON with \u escapes: compare in that form.
    assert json.dumps("Đang tự động lưu…") in text  # "Autosave in progress…": not in Wagtail's own Vietnamese
    assert json.dumps("Bảng điều khiển") in text  # "Dashboard": ours overrides Wagtail's "Trang tổng quan"
    assert json.dumps("Trang tổng quan") not in text
