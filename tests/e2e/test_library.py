"""A reader browses the exemplar library in Chromium: filters by movement and locality, searches without accents,
opens a story; nothing leaves the server."""

from urllib.parse import urlparse

import pytest
import wagtail_factories

from exemplar_pages.models import ExemplarKind
from tests.factories import (
    ExemplarIndexPageFactory,
    ExemplarPageFactory,
    LocalityFactory,
    MovementIndexPageFactory,
    MovementPageFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def library(home_page):
    movements = MovementIndexPageFactory(parent=home_page)
    library = ExemplarIndexPageFactory(parent=home_page)
    rural = MovementPageFactory(parent=movements, title="Tây Ninh chung sức xây dựng nông thôn mới")
    school = MovementPageFactory(parent=movements, title="Dạy tốt - Học tốt")
    east, west = LocalityFactory(name="Tân Đông"), LocalityFactory(name="Hòa Hội")
    ExemplarPageFactory(
        parent=library,
        title="Ông Nguyễn Văn Đông – người tốt việc tốt",
        summary="Hiến đất làm đường nông thôn.",
        movement=rural,
        locality=east,
        kind=ExemplarKind.INDIVIDUAL,
        photo=wagtail_factories.ImageFactory(),
    )
    ExemplarPageFactory(parent=library, title="Hộ bà Lan", movement=rural, locality=west, kind=ExemplarKind.HOUSEHOLD)
    ExemplarPageFactory(parent=library, title="Cô giáo Hoa", movement=school, locality=east)
    return library


def card_titles(page):
    return page.locator(".exemplar-card .card__title").all_inner_texts()


def test_reader_filters_searches_and_opens_a_story(page, live_server, library):
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
    page.goto(live_server.url + "/guong-dien-hinh/")
    assert len(card_titles(page)) == 3

    page.get_by_label("Phong trào").select_option(label="Tây Ninh chung sức xây dựng nông thôn mới")
    page.get_by_label("Địa bàn").select_option(label="Tân Đông")
    page.locator(".library-filters button[type=submit]").click()
    page.wait_for_url("**/guong-dien-hinh/?*dia-ban=*")
    assert card_titles(page) == ["Ông Nguyễn Văn Đông – người tốt việc tốt"]

    page.goto(live_server.url + "/guong-dien-hinh/")
    page.locator("#library-q").fill("nguoi tot viec tot dong")
    page.locator(".library-filters button[type=submit]").click()
    page.wait_for_url("**q=nguoi+tot+viec+tot+dong*")
    assert card_titles(page) == ["Ông Nguyễn Văn Đông – người tốt việc tốt"]

    page.get_by_role("link", name="Ông Nguyễn Văn Đông – người tốt việc tốt").click()
    page.wait_for_url("**/guong-dien-hinh/ong-nguyen-van-dong-nguoi-tot-viec-tot/")
    assert page.locator("h1").inner_text() == "Ông Nguyễn Văn Đông – người tốt việc tốt"
    assert page.locator('meta[property="og:image"]').count() == 1
    assert page.get_by_role("link", name="Facebook").count() == 1
    assert hosts <= {"127.0.0.1", "localhost"}, hosts
