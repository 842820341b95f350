"""The exemplar library: accent-free search, filters with their own URLs, sorting, pages, and the story page."""

import json
import re
from html import unescape

import pytest
import wagtail_factories

from django.db import connection
from django.test.utils import CaptureQueriesContext

from exemplar_pages.models import ExemplarAward, ExemplarKind, ExemplarPhoto
from tests.factories import ExemplarPageFactory, LocalityFactory, MovementPageFactory

pytestmark = pytest.mark.django_db

TITLE = "Người tốt việc tốt ở Đông Hòa"


def titles(response):
    return re.findall(r'<h3 class="card__title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


@pytest.fixture
def library(sections):
    return sections["library"]


@pytest.mark.parametrize("query", ["nguoi tot", "Người tốt", "NGUOI TOT", "dong", "ĐÔNG HÒA", "viec tot dong hoa"])
def test_search_ignores_diacritics_and_case(client, library, query):
    ExemplarPageFactory(parent=library, title=TITLE)
    ExemplarPageFactory(parent=library, title="Cô giáo vùng biên", summary="Dạy học ở Tân Biên")
    response = client.get(library.url, {"q": query})
    assert [unescape(t) for t in titles(response)] == [TITLE]


def test_search_reaches_summary_locality_and_tags(client, library):
    page = ExemplarPageFactory(
        parent=library, title="Bà Năm", summary="Nấu cơm từ thiện", locality=LocalityFactory(name="Trảng Bàng")
    )
    page.tags.add("khuyết tật vượt khó")
    page.save_revision().publish()
    for query in ["com tu thien", "trang bang", "khuyet tat"]:
        assert [unescape(t) for t in titles(client.get(library.url, {"q": query}))] == ["Bà Năm"], query


def test_filters_combine_and_each_has_its_own_url(client, library, sections):
    rural = MovementPageFactory(parent=sections["movements"], title="Nông thôn mới", slug="nong-thon-moi")
    other = MovementPageFactory(parent=sections["movements"], title="Dạy tốt học tốt", slug="day-tot")
    east, west = LocalityFactory(name="Tân Đông"), LocalityFactory(name="Tân Tây")
    wanted = ExemplarPageFactory(
        parent=library, title="Đúng", movement=rural, locality=east, kind=ExemplarKind.HOUSEHOLD, year_recognised=2022
    )
    wanted.tags.add("nông dân")
    wanted.save_revision().publish()
    ExemplarPageFactory(parent=library, title="Sai phong trào", movement=other, locality=east)
    ExemplarPageFactory(parent=library, title="Sai địa bàn", movement=rural, locality=west)
    ExemplarPageFactory(parent=library, title="Sai năm", movement=rural, locality=east, year_recognised=2020)

    assert set(titles(client.get(library.url, {"phong-trao": "nong-thon-moi"}))) == {"Đúng", "Sai địa bàn", "Sai năm"}
    assert titles(client.get(library.url, {"phong-trao": "nong-thon-moi", "dia-ban": east.pk, "nam": 2022})) == ["Đúng"]
    assert titles(client.get(library.url, {"loai": "household"})) == ["Đúng"]
    tag_slug = wanted.tags.get().slug
    assert titles(client.get(library.url, {"the": tag_slug})) == ["Đúng"]
    # The filter combination survives in the page links, so every page of a result set has its own URL.
    for n in range(12):
        ExemplarPageFactory(parent=library, title=f"Thêm {n}", movement=rural, locality=west)
    html = client.get(library.url, {"phong-trao": "nong-thon-moi", "dia-ban": west.pk}).content.decode()
    assert f'href="?phong-trao=nong-thon-moi&amp;dia-ban={west.pk}&amp;page=2"' in html
    page_two = client.get(library.url, {"phong-trao": "nong-thon-moi", "dia-ban": west.pk, "page": 2})
    assert len(titles(page_two)) == 1


def test_sorting_by_name_and_year(client, library):
    ExemplarPageFactory(parent=library, title="Bình", year_recognised=2021)
    ExemplarPageFactory(parent=library, title="An", year_recognised=2024)
    ExemplarPageFactory(parent=library, title="Cường", year_recognised=2022)
    assert titles(client.get(library.url, {"sap-xep": "ten"})) == ["An", "Bình", "Cường"]
    assert titles(client.get(library.url, {"sap-xep": "nam"})) == ["An", "Cường", "Bình"]


def test_bad_filter_values_are_ignored_not_errors(client, library):
    ExemplarPageFactory(parent=library, title="Một")
    for params in [{"dia-ban": "abc"}, {"nam": "<script>"}, {"page": "999"}, {"sap-xep": "x"}, {"q": "x" * 5000}]:
        response = client.get(library.url, params)
        assert response.status_code == 200, params
        assert "<script>" not in response.content.decode().split("<main")[1]
    assert titles(client.get(library.url, {"dia-ban": "abc"})) == ["Một"]


def test_drafts_are_not_listed(client, library):
    ExemplarPageFactory(parent=library, title="Bản nháp", live=False)
    ExemplarPageFactory(parent=library, title="Đã đăng")
    assert titles(client.get(library.url)) == ["Đã đăng"]
    assert titles(client.get(library.url, {"q": "ban nhap"})) == []


def _make_exemplars(library, movement, locality, start, count):
    for n in range(start, start + count):
        photo = wagtail_factories.ImageFactory(title=f"Ảnh {n}")
        page = ExemplarPageFactory(
            parent=library, title=f"Gương {n}", movement=movement, locality=locality, photo=photo
        )
        page.tags.add(f"thẻ {n}")
        page.save()


def test_library_query_count_does_not_grow(client, library, sections):
    movement = MovementPageFactory(parent=sections["movements"])
    locality = LocalityFactory()
    _make_exemplars(library, movement, locality, 0, 1)
    client.get(library.url)  # renditions are made on first sight; measure what readers get afterwards
    with CaptureQueriesContext(connection) as one:
        assert client.get(library.url).status_code == 200
    _make_exemplars(library, movement, locality, 1, 49)
    client.get(library.url)
    client.get(library.url, {"page": 2})
    with CaptureQueriesContext(connection) as fifty:
        assert client.get(library.url).status_code == 200
    assert len(one.captured_queries) == len(fifty.captured_queries)
    with CaptureQueriesContext(connection) as filtered:
        client.get(library.url, {"phong-trao": movement.slug, "dia-ban": locality.pk, "page": 2})
    assert len(filtered.captured_queries) == len(fifty.captured_queries)


def test_story_page_query_count_does_not_grow(client, library, sections):
    movement = MovementPageFactory(parent=sections["movements"])
    locality = LocalityFactory()
    _make_exemplars(library, movement, locality, 0, 1)
    story = ExemplarPageFactory(parent=library, title="Câu chuyện", movement=movement, locality=locality)
    ExemplarAward.objects.create(exemplar=story, title="Bằng khen")
    ExemplarPhoto.objects.create(exemplar=story, image=wagtail_factories.ImageFactory(), caption="Ảnh")
    client.get(story.url)
    with CaptureQueriesContext(connection) as one:
        client.get(story.url)
    _make_exemplars(library, movement, locality, 1, 49)
    for n in range(3):
        ExemplarAward.objects.create(exemplar=story, title=f"Danh hiệu {n}")
        ExemplarPhoto.objects.create(exemplar=story, image=wagtail_factories.ImageFactory(), caption=f"Ảnh {n}")
    client.get(story.url)
    with CaptureQueriesContext(connection) as more:
        client.get(story.url)
    assert len(one.captured_queries) == len(more.captured_queries)


def test_story_page_has_open_graph_json_ld_and_share_links(client, library, sections):
    movement = MovementPageFactory(parent=sections["movements"], title="Nông thôn mới")
    page = ExemplarPageFactory(
        parent=library,
        title="Ông Đoàn Văn Đức </script><script>alert(1)</script>",
        summary="Nông dân giỏi",
        movement=movement,
        locality=LocalityFactory(name="Hòa Hội"),
        photo=wagtail_factories.ImageFactory(),
    )
    ExemplarAward.objects.create(exemplar=page, title="Chiến sĩ thi đua cơ sở", year=2023)
    response = client.get(page.url)
    html = response.content.decode()
    assert page.slug.startswith("ong-doan-van-duc")
    assert '<meta property="og:title" content="Ông Đoàn Văn Đức &lt;/script&gt;' in html
    assert '<meta property="og:description" content="Nông dân giỏi">' in html
    og_image = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert og_image.startswith("http://testserver/media/images/") and og_image.endswith(".jpg")
    assert "<script>alert(1)</script>" not in html
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(ld)
    assert data["@type"] == "Article" and data["about"]["@type"] == "Person"
    assert data["about"]["address"]["addressLocality"] == "Hòa Hội"
    assert data["image"][0] == og_image
    assert "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Ftestserver%2F" in html
    assert 'data-copy-url="http://testserver' in html and "js/share.js" in html
    assert "Chiến sĩ thi đua cơ sở (2023)" in html
