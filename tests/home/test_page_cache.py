"""The anonymous page cache: served without a query on a hit, refreshed on publish, never for sessions or forms."""

import pytest

from django.middleware.csrf import get_token
from django.test import override_settings

from home.models import StandardPage
from home.page_cache import HIT_HEADER

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def fresh_cache():
    from django.core.cache import cache

    cache.clear()
    with override_settings(PAGE_CACHE_SECONDS=300):
        yield
    cache.clear()


@pytest.fixture
def about(home_page):
    page = StandardPage(title="Giới thiệu", slug="gioi-thieu", intro="Bản đầu")
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_second_anonymous_view_is_a_hit_without_queries(client, about, django_assert_num_queries):
    first = client.get("/gioi-thieu/")
    assert first[HIT_HEADER] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/gioi-thieu/")
    assert second[HIT_HEADER] == "hit"
    assert second.content == first.content
    assert "max-age" in second["Cache-Control"]


def test_publishing_refreshes_cached_pages(client, about):
    client.get("/gioi-thieu/")
    about.intro = "Bản đã sửa"
    about.save_revision().publish()
    response = client.get("/gioi-thieu/")
    assert response[HIT_HEADER] == "miss"
    assert "Bản đã sửa" in response.content.decode()


def test_unpublishing_removes_the_page_at_once(client, about):
    client.get("/gioi-thieu/")
    about.unpublish()
    assert client.get("/gioi-thieu/").status_code == 404


def test_a_session_bypasses_the_cache(client, about, admin_user):
    client.get("/gioi-thieu/")
    client.force_login(admin_user)
    response = client.get("/gioi-thieu/")
    assert HIT_HEADER not in response


def test_query_strings_are_cached_separately(client, about):
    client.get("/tim-kiem/?q=gioi")
    assert client.get("/tim-kiem/?q=gioi")[HIT_HEADER] == "hit"
    assert client.get("/tim-kiem/?q=khac")[HIT_HEADER] == "miss"


def test_responses_using_the_csrf_token_are_never_stored(rf):
    from django.http import HttpResponse

    from home.page_cache import AnonymousPageCacheMiddleware

    def view(request):
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')

    middleware = AnonymousPageCacheMiddleware(view)
    first = middleware(rf.get("/cuoc-thi/2025/gui-bai/"))
    second = middleware(rf.get("/cuoc-thi/2025/gui-bai/"))
    assert HIT_HEADER not in first and HIT_HEADER not in second


def test_admin_is_never_cached(client, admin_user):
    client.get("/admin/login/")
    assert HIT_HEADER not in client.get("/admin/login/")


def test_site_settings_change_refreshes_pages(client, about, home_page):
    from wagtail.models import Site

    from home.models import SiteSettings

    client.get("/gioi-thieu/")
    settings_row = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.phone = "0276 999 999"
    settings_row.save()
    response = client.get("/gioi-thieu/")
    assert response[HIT_HEADER] == "miss"
    assert "0276 999 999" in response.content.decode()
