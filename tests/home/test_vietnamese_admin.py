"""Admin screens whose English no catalogue could reach: the login form's password label, the sites listing."""

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
