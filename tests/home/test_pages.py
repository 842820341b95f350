"""The public frame: home page, search, 404 and the admin's login, all in Vietnamese."""

import pytest

from home.models import StandardPage

pytestmark = pytest.mark.django_db


def test_home_page_is_vietnamese(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Gương điển hình tiên tiến tỉnh Tây Ninh" in html
    assert "Chuyển đến nội dung chính" in html  # the skip link, translated
    assert 'role="search"' in html


def test_home_page_lists_sections_in_menu(client, home_page):
    section = StandardPage(title="Giới thiệu", slug="gioi-thieu", show_in_menus=True)
    home_page.add_child(instance=section)
    section.save_revision().publish()
    html = client.get("/").content.decode()
    assert 'href="/gioi-thieu/"' in html


def test_not_found_page_is_vietnamese(client, home_page):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert '<html lang="vi">' in html


def test_server_error_page_is_vietnamese_and_standalone(client):
    from django.template.loader import get_template

    html = get_template("500.html").render({})
    assert '<html lang="vi">' in html and "Đã xảy ra lỗi" in html


def test_search_ignores_accents(client, home_page):
    page = StandardPage(title="Người tốt việc tốt ở Đông Hòa", slug="nguoi-tot", intro="Câu chuyện đẹp")
    home_page.add_child(instance=page)
    page.save_revision().publish()
    for query in ["Người tốt", "nguoi tot", "NGUOI TOT", "dong hoa"]:
        response = client.get("/tim-kiem/", {"q": query})
        assert response.status_code == 200
        assert "Người tốt việc tốt ở Đông Hòa" in response.content.decode(), query


def test_search_with_a_hostile_query_is_harmless(client, home_page):
    response = client.get("/tim-kiem/", {"q": "<script>alert(1)</script>" + "x" * 5000, "page": "abc"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_admin_login_page_is_vietnamese(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đăng nhập" in html
    assert "Sign in" not in html


def test_vietnamese_slug_from_title(home_page):
    page = StandardPage(title="Đoàn Văn Đức và những người bạn")
    home_page.add_child(instance=page)
    assert page.slug == "doan-van-duc-va-nhung-nguoi-ban"


def test_home_page_query_count_does_not_grow_with_sections(client, home_page):
    def add_sections(start, count):
        for n in range(start, start + count):
            page = StandardPage(title=f"Mục {n}", slug=f"muc-{n}", show_in_menus=True)
            home_page.add_child(instance=page)
            page.save_revision().publish()

    add_sections(0, 1)
    client.get("/")  # warm the site and settings caches alike for both measurements
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/")
    add_sections(1, 49)
    client.get("/")  # publishing renewed the cached fragments: measure what readers get next
    with CaptureQueriesContext(connection) as fifty:
        client.get("/")
    assert len(one.captured_queries) == len(fifty.captured_queries)
