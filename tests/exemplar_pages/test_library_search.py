"""The library's text search with filters and pages, its cached filter menus, and its fixed number of queries."""

import datetime
import re
from html import unescape

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import PageViewRestriction

import exemplar_pages.views
from exemplar_pages.models import ExemplarKind, ExemplarPage
from tests.factories import ExemplarPageFactory, LocalityFactory, MovementPageFactory

pytestmark = pytest.mark.django_db


def titles(response):
    assert response.status_code == 200
    html = response.content.decode()
    return [unescape(t) for t in re.findall(r'<h3 class="card__title"><a href="[^"]+">([^<]+)</a>', html)]


def options(response, name):
    html = response.content.decode()
    select = re.search(rf'<select id="library-{name}" name="[^"]+">(.*?)</select>', html, re.S).group(1)
    return [unescape(label) for label in re.findall(r"<option [^>]*>([^<]*)</option>", select)][1:]


@pytest.fixture
def library(sections):
    return sections["library"]


def exemplar(library, title, *, days_ago=0, **fields):
    when = timezone.now() - datetime.timedelta(days=days_ago)
    return ExemplarPageFactory(parent=library, title=title, first_published_at=when, **fields)


def test_folded_words_must_all_match_and_combine_with_filters(client, library, sections):
    rural = MovementPageFactory(parent=sections["movements"], title="Nông thôn mới", slug="nong-thon-moi")
    east, west = LocalityFactory(name="Tân Đông"), LocalityFactory(name="Tân Tây")
    exemplar(library, "Nguyễn Văn A", movement=rural, locality=east, kind=ExemplarKind.HOUSEHOLD)
    exemplar(library, "Nguyễn Văn A em", movement=rural, locality=west, days_ago=1)
    exemplar(library, "Nguyễn Văn Bình", movement=rural, locality=east, days_ago=2)
    exemplar(library, "Lê Văn A", locality=east, days_ago=3)

    assert titles(client.get(library.url, {"q": "nguyen van a"})) == ["Nguyễn Văn A", "Nguyễn Văn A em"]
    assert titles(client.get(library.url, {"q": "Nguyễn  VĂN, a!"})) == ["Nguyễn Văn A", "Nguyễn Văn A em"]
    assert titles(client.get(library.url, {"q": "nguyen van a", "dia-ban": east.pk})) == ["Nguyễn Văn A"]
    assert titles(client.get(library.url, {"q": "van a", "phong-trao": "nong-thon-moi", "loai": "household"})) == [
        "Nguyễn Văn A"
    ]
    assert titles(client.get(library.url, {"q": "van a", "sap-xep": "ten"})) == [
        "Lê Văn A",
        "Nguyễn Văn A",
        "Nguyễn Văn A em",
    ]
    assert titles(client.get(library.url, {"q": "nguyen tay ninh"})) == []


def test_search_results_are_paginated_with_the_query_in_the_links(client, library):
    for n in range(14):
        exemplar(library, f"Người tốt số {n}", days_ago=n)
    exemplar(library, "Cô giáo vùng biên", days_ago=20)
    first = client.get(library.url, {"q": "nguoi tot"})
    assert titles(first) == [f"Người tốt số {n}" for n in range(12)]
    html = first.content.decode()
    assert "14 gương" in html
    assert 'href="?q=nguoi+tot&amp;page=2"' in html
    assert titles(client.get(library.url, {"q": "nguoi tot", "page": 2})) == ["Người tốt số 12", "Người tốt số 13"]


def test_search_count_stops_at_the_cap(client, library, monkeypatch):
    monkeypatch.setattr(exemplar_pages.views, "SEARCH_COUNT_LIMIT", 2)
    for n in range(3):
        exemplar(library, f"Người tốt số {n}", days_ago=n)
    html = client.get(library.url, {"q": "nguoi tot"}).content.decode()
    assert "Hơn 2 gương" in html
    # Without words to look for, the library counts every exemplar exactly.
    assert "3 gương" in client.get(library.url).content.decode()


def test_pages_under_a_view_restriction_are_not_listed(client, library):
    hidden = exemplar(library, "Người tốt riêng tư")
    exemplar(library, "Người tốt công khai")
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.PASSWORD, password="x")
    assert titles(client.get(library.url)) == ["Người tốt công khai"]
    assert titles(client.get(library.url, {"q": "nguoi tot"})) == ["Người tốt công khai"]


def test_filter_menus_follow_publishing_and_renaming(client, library):
    first = exemplar(library, "Một", locality=LocalityFactory(name="Gò Dầu"), year_recognised=2021)
    response = client.get(library.url)
    assert options(response, "locality") == ["Gò Dầu"]
    assert options(response, "year") == ["2021"]

    second = ExemplarPage(title="Hai", kind=ExemplarKind.INDIVIDUAL, year_recognised=2024, live=False)
    second.locality = LocalityFactory(name="Bến Cầu")
    library.add_child(instance=second)
    second.tags.add("nông dân")
    second.save_revision().publish()
    response = client.get(library.url)
    assert options(response, "locality") == ["Bến Cầu", "Gò Dầu"]
    assert options(response, "year") == ["2024", "2021"]
    assert options(response, "tag") == ["nông dân"]

    locality = first.locality
    locality.name = "Gò Dầu mới"
    locality.save()
    assert options(client.get(library.url), "locality") == ["Bến Cầu", "Gò Dầu mới"]

    ExemplarPage.objects.get(pk=second.pk).unpublish()
    response = client.get(library.url)
    assert options(response, "locality") == ["Gò Dầu mới"]
    assert options(response, "year") == ["2021"]
    assert options(response, "tag") == []


def _library_queries(client, url, params):
    client.get(url, params)  # first sight makes renditions and fills the menu cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("params", [{}, {"q": "nguoi tot"}, {"q": "nguoi tot", "loai": "individual", "page": "2"}])
def test_query_count_is_the_same_for_one_and_fifty_exemplars(client, library, sections, params):
    import wagtail_factories

    movement = MovementPageFactory(parent=sections["movements"])
    locality = LocalityFactory()

    def add(start, count):
        for n in range(start, start + count):
            photo = wagtail_factories.ImageFactory(title=f"Ảnh {n}")
            page = exemplar(library, f"Người tốt {n}", movement=movement, locality=locality, photo=photo, days_ago=n)
            page.tags.add(f"thẻ {n}")
            page.save()

    add(0, 1)
    one = _library_queries(client, library.url, params)
    add(1, 49)
    client.get(library.url, {**params, "page": "1"})
    client.get(library.url, {**params, "page": "3"})
    fifty = _library_queries(client, library.url, params)
    assert one == fifty
    # Page chrome (site, routing, view restrictions, menu, settings: 8) plus the library's own: the restricted
    # pages (Wagtail's public()), the page with its count (or, with words, the matching ids and the page) and the
    # card renditions.
    assert fifty <= (12 if params.get("q") else 11)
