"""Feeds, sitemap and the read-only API, so the newspaper and provincial portals can republish stories."""

import xml.etree.ElementTree as ET

import pytest

from home.models import ArticlePage, NewsCategory, NewsIndexPage
from tests.factories import ExemplarPageFactory, LocalityFactory, MovementPageFactory, PublishedPageFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


class NewsIndexPageFactory(PublishedPageFactory):
    class Meta:
        model = NewsIndexPage

    title = "Tin tức"
    slug = "tin-tuc"


class ArticlePageFactory(PublishedPageFactory):
    class Meta:
        model = ArticlePage

    title = "Thông báo"


@pytest.fixture
def content(sections, home_page):
    rural = MovementPageFactory(parent=sections["movements"], title="Nông thôn mới", slug="nong-thon-moi")
    other = MovementPageFactory(parent=sections["movements"], title="Khuyến học", slug="khuyen-hoc")
    ExemplarPageFactory(
        parent=sections["library"], title="Ông Đông & <bạn>", movement=rural, locality=LocalityFactory()
    )
    ExemplarPageFactory(parent=sections["library"], title="Cô Hoa", movement=other)
    ExemplarPageFactory(parent=sections["library"], title="Bản nháp", movement=rural, live=False)
    news = NewsIndexPageFactory(parent=home_page)
    ArticlePageFactory(parent=news, title="Phát động cuộc thi", movement=rural)
    return {"rural": rural, "news": news}


def test_site_rss_and_atom_parse_and_list_stories_and_news(client, content):
    rss = ET.fromstring(client.get("/rss.xml").content)
    titles = [item.findtext("title") for item in rss.iter("item")]
    assert set(titles) == {"Ông Đông & <bạn>", "Cô Hoa", "Phát động cuộc thi"}
    links = [item.findtext("link") for item in rss.iter("item")]
    assert all(link.startswith("http://testserver/") for link in links)
    atom = ET.fromstring(client.get("/atom.xml").content)
    assert len(atom.findall(f"{ATOM}entry")) == 3


def test_movement_feed_has_only_that_movement(client, content):
    rss = ET.fromstring(client.get("/phong-trao/nong-thon-moi/rss.xml").content)
    assert {item.findtext("title") for item in rss.iter("item")} == {"Ông Đông & <bạn>", "Phát động cuộc thi"}
    atom = ET.fromstring(client.get("/phong-trao/nong-thon-moi/atom.xml").content)
    assert len(atom.findall(f"{ATOM}entry")) == 2
    assert client.get("/phong-trao/khong-co/rss.xml").status_code == 404


def test_sitemap_lists_plans_movements_stories_and_news(client, content, sections):
    response = client.get("/sitemap.xml")
    tree = ET.fromstring(response.content)
    locations = {loc.text for loc in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    for path in ["/ke-hoach/", "/phong-trao/nong-thon-moi/", "/guong-dien-hinh/ong-dong-ban/", "/tin-tuc/"]:
        assert any(location.endswith(path) for location in locations), path
    assert not any("ban-nhap" in location for location in locations)


def test_api_lists_exemplars_with_their_fields(client, content):
    response = client.get(
        "/api/v2/pages/",
        {"type": "exemplar_pages.ExemplarPage", "fields": "kind,summary,locality_name,movement,awards,tag_names"},
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert {item["title"] for item in items} == {"Ông Đông & <bạn>", "Cô Hoa"}
    first = next(item for item in items if item["title"] == "Cô Hoa")
    assert first["kind"] == "individual" and first["movement"]["id"]
    movement = client.get("/api/v2/pages/", {"type": "exemplar_pages.MovementPage", "fields": "targets,lead_agencies"})
    assert movement.status_code == 200


def test_news_index_filters_by_category_and_articles_are_searchable(client, content):
    category = NewsCategory.objects.create(name="Thông báo cuộc thi", slug="thong-bao")
    article = ArticlePageFactory(parent=content["news"], title="Thể lệ cuộc thi năm 2026")
    article.categories = [category]
    article.save_revision().publish()
    html = client.get("/tin-tuc/", {"chuyen-muc": "thong-bao"}).content.decode()
    assert "Thể lệ cuộc thi năm 2026" in html and "Phát động cuộc thi" not in html
    assert "Thể lệ cuộc thi năm 2026" in client.get("/tim-kiem/", {"q": "the le cuoc thi"}).content.decode()
    assert client.get(article.url).status_code == 200
