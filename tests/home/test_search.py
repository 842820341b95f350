"""Site search: folded words that must all match, live public pages only, newest first, pages and a capped count."""

import datetime
import re
from html import unescape

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import PageViewRestriction

import home.views
from home.models import StandardPage

pytestmark = pytest.mark.django_db


def result_titles(response):
    assert response.status_code == 200
    return [unescape(t) for t in re.findall(r"<h2><a href=\"[^\"]+\">([^<]+)</a></h2>", response.content.decode())]


def add_page(parent, title, *, intro="", days_ago=0, publish=True):
    page = StandardPage(title=title, intro=intro, live=publish)
    parent.add_child(instance=page)
    if publish:
        page.save_revision().publish()
        when = timezone.now() - datetime.timedelta(days=days_ago)
        StandardPage.objects.filter(pk=page.pk).update(first_published_at=when)
    return page


def test_folded_words_must_all_match(client, home_page):
    add_page(home_page, "Nguyễn Văn A", intro="Nông dân sản xuất giỏi")
    add_page(home_page, "Nguyễn Văn Bình", intro="Cựu chiến binh")
    add_page(home_page, "Trần Thị A", intro="Phụ nữ vượt khó")
    assert result_titles(client.get("/tim-kiem/", {"q": "nguyen van a"})) == ["Nguyễn Văn A"]
    assert result_titles(client.get("/tim-kiem/", {"q": "NGUYỄN văn"})) == ["Nguyễn Văn Bình", "Nguyễn Văn A"]
    # Words from the title and the introduction together, accents and case ignored.
    assert result_titles(client.get("/tim-kiem/", {"q": "tran phu nu"})) == ["Trần Thị A"]
    assert result_titles(client.get("/tim-kiem/", {"q": "nguyen phu nu"})) == []


def test_drafts_and_private_pages_are_not_found(client, home_page):
    add_page(home_page, "Người tốt bản nháp", publish=False)
    private = add_page(home_page, "Người tốt riêng tư")
    child = add_page(private, "Người tốt con của trang riêng tư")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
    add_page(home_page, "Người tốt công khai")
    assert result_titles(client.get("/tim-kiem/", {"q": "nguoi tot"})) == ["Người tốt công khai"]
    assert child.live


def test_results_are_newest_first_and_paginated(client, home_page):
    for n in range(12):
        add_page(home_page, f"Việc tốt số {n}", days_ago=n)
    first = client.get("/tim-kiem/", {"q": "viec tot"})
    assert result_titles(first) == [f"Việc tốt số {n}" for n in range(10)]
    assert "12 kết quả" in first.content.decode()
    assert 'href="?q=viec%20tot&amp;page=2"' in first.content.decode()
    assert result_titles(client.get("/tim-kiem/", {"q": "viec tot", "page": 2})) == ["Việc tốt số 10", "Việc tốt số 11"]
    # A page number past the end shows the last page, as before.
    assert result_titles(client.get("/tim-kiem/", {"q": "viec tot", "page": 99})) == [
        "Việc tốt số 10",
        "Việc tốt số 11",
    ]


def test_count_stops_at_the_cap_and_says_so(client, home_page, monkeypatch):
    monkeypatch.setattr(home.views, "SEARCH_COUNT_LIMIT", 3)
    for n in range(5):
        add_page(home_page, f"Gương sáng {n}", days_ago=n)
    response = client.get("/tim-kiem/", {"q": "guong sang"})
    html = response.content.decode()
    assert "Hơn 3 kết quả" in html
    assert result_titles(response) == ["Gương sáng 0", "Gương sáng 1", "Gương sáng 2"]
    monkeypatch.setattr(home.views, "SEARCH_COUNT_LIMIT", 5)
    assert "5 kết quả" in client.get("/tim-kiem/", {"q": "guong sang"}).content.decode()


def test_query_count_is_the_same_for_one_and_fifty_matches(client, home_page):
    def searched():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/tim-kiem/", {"q": "nguoi tot"}).status_code == 200
        return len(queries.captured_queries)

    add_page(home_page, "Người tốt 0")
    client.get("/tim-kiem/", {"q": "nguoi tot"})
    one = searched()
    for n in range(1, 50):
        add_page(home_page, f"Người tốt {n}", days_ago=n)
    client.get("/tim-kiem/", {"q": "nguoi tot"})
    fifty = searched()
    assert one == fifty <= 10
