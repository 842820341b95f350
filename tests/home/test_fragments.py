"""Cached fragments and lookups (home.fragments) never outlive what they show: the next request sees every change.

Each test first renders a page so that its fragments are cached, then changes the content the way editors do
(publish, unpublish, move, edit the settings, a snippet, a privacy setting) and checks the very next request.
"""

import pytest

from django.contrib.auth.models import Group

from wagtail.models import Page, PageViewRestriction, Site

from exemplar_pages.models import ExemplarKind, ExemplarPage
from home.models import HomePage, SiteSettings, StandardPage
from tests.contest.fixtures_voting import make_edition
from tests.factories import (
    AgencyFactory,
    ExemplarIndexPageFactory,
    LocalityFactory,
    MovementIndexPageFactory,
    MovementPageFactory,
    PlanIndexPageFactory,
    PlanPageFactory,
    add_lead,
    add_target,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(home_page):
    plans = PlanIndexPageFactory(parent=home_page)
    plan = PlanPageFactory(parent=plans, number="310/KH-UBND")
    movements = MovementIndexPageFactory(parent=home_page, show_in_menus=True)
    movement = MovementPageFactory(parent=movements, plan=plan, title="Nông thôn mới")
    add_lead(movement, AgencyFactory(name="Sở Nông nghiệp"))
    add_target(movement, ExemplarKind.INDIVIDUAL, 10)
    library = ExemplarIndexPageFactory(parent=home_page, show_in_menus=True)
    return {"home": home_page, "movements": movements, "movement": movement, "library": library}


def publish_story(tree, title, **fields):
    story = ExemplarPage(title=title, kind=ExemplarKind.INDIVIDUAL, movement=tree["movement"], live=False, **fields)
    tree["library"].add_child(instance=story)
    story.save_revision().publish()
    story.refresh_from_db()
    return story


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def menu(page_html):
    return page_html.split('class="site-nav__list"', 1)[1].split("</ul>", 1)[0]


def test_fragments_are_served_from_the_cache_between_changes(client, tree, django_assert_max_num_queries):
    client.get("/")
    with django_assert_max_num_queries(1):  # only what follows the clock: the contest edition shown
        client.get("/")


def test_publishing_and_unpublishing_a_menu_page_shows_at_once(client, tree):
    assert "Giới thiệu" not in menu(html(client, "/"))
    about = StandardPage(title="Giới thiệu", slug="gioi-thieu", show_in_menus=True, live=False)
    tree["home"].add_child(instance=about)
    about.save_revision().publish()
    assert "Giới thiệu" in menu(html(client, "/"))
    about.title = "Về chúng tôi"
    about.save_revision().publish()
    about.refresh_from_db()
    assert "Về chúng tôi" in menu(html(client, tree["library"].url))
    about.unpublish()
    assert "Về chúng tôi" not in menu(html(client, "/"))


def test_moving_a_page_out_of_the_menu_shows_at_once(client, tree):
    assert "Phong trào thi đua" in menu(html(client, "/"))
    assert client.get("/phong-trao/nong-thon-moi/").status_code == 200
    tree["movements"].move(tree["library"], pos="last-child")
    page_html = html(client, "/")
    assert "Phong trào thi đua" not in menu(page_html)
    # The route to the moved page is walked afresh: the old address now only redirects (Wagtail's own redirect).
    new_url = Page.objects.get(pk=tree["movement"].pk).url
    old = client.get("/phong-trao/nong-thon-moi/")
    assert old.status_code == 301 and old["Location"] == new_url
    assert client.get(new_url).status_code == 200


def test_home_latest_stories_and_progress_follow_publishing(client, tree):
    page_html = html(client, "/")
    assert "Đã xây dựng 0/10" in page_html
    story = publish_story(tree, "Ông Ba Phải Lòng Tốt")
    page_html = html(client, "/")
    assert "Ông Ba Phải Lòng Tốt" in page_html
    assert "Đã xây dựng 1/10" in page_html
    story.unpublish()
    page_html = html(client, "/")
    assert "Ông Ba Phải Lòng Tốt" not in page_html
    assert "Đã xây dựng 0/10" in page_html


def test_movement_progress_and_stories_follow_publishing(client, tree):
    url = tree["movement"].url
    assert 'value="0"' in html(client, url)
    story = publish_story(tree, "Bà Tư Bánh Bèo")
    page_html = html(client, url)
    assert 'value="1"' in page_html and "Bà Tư Bánh Bèo" in page_html
    story.unpublish()
    page_html = html(client, url)
    assert 'value="0"' in page_html and "Bà Tư Bánh Bèo" not in page_html


def test_a_snippet_edit_shows_on_cached_cards(client, tree):
    locality = LocalityFactory(name="Xã Cũ")
    publish_story(tree, "Chị Năm", locality=locality)
    assert "Xã Cũ" in html(client, "/")
    locality.name = "Phường Mới"
    locality.save()
    assert "Phường Mới" in html(client, "/")


def test_editing_the_site_settings_changes_every_footer(client, tree):
    assert "0276 000 111" not in html(client, "/")
    site = Site.objects.get(is_default_site=True)
    contact = SiteSettings.for_site(site)
    contact.phone = "0276 000 111"
    contact.save()
    assert "0276 000 111" in html(client, "/")
    assert "0276 000 111" in html(client, tree["library"].url)


def test_a_new_home_page_for_the_site_is_served_at_once(client, tree):
    assert "Gương điển hình tiên tiến tỉnh Tây Ninh" in html(client, "/")
    other = HomePage(title="Trang chủ mới", slug="trang-chu-moi", live=False)
    Page.get_first_root_node().add_child(instance=other)
    other.save_revision().publish()
    site = Site.objects.get(is_default_site=True)
    site.root_page = other
    site.save()
    assert "Trang chủ mới" in html(client, "/")


def test_making_a_section_private_applies_at_once(client, tree, django_user_model):
    story = publish_story(tree, "Câu chuyện riêng")
    assert client.get(story.url).status_code == 200
    assert "Câu chuyện riêng" in html(client, "/")
    restriction = PageViewRestriction.objects.create(page=tree["library"], restriction_type="groups")
    restriction.groups.add(Group.objects.create(name="Ban biên tập"))
    response = client.get(story.url)
    assert response.status_code == 302 and "login" in response["Location"]
    assert "Câu chuyện riêng" not in html(client, "/")
    restriction.delete()
    assert client.get(story.url).status_code == 200


def test_routing_answers_as_wagtail_does(client, tree, rf):
    story = publish_story(tree, "Anh Sáu")
    assert client.get(story.url).status_code == 200
    # A missing page, a missing level and a draft are not found, cached walk or not.
    assert client.get(f"{tree['library'].url}khong-co/").status_code == 404
    assert client.get(f"/khong-co/{story.slug}/").status_code == 404
    draft = ExemplarPage(title="Bản nháp", kind=ExemplarKind.INDIVIDUAL, live=False)
    tree["library"].add_child(instance=draft)
    assert client.get(f"{tree['library'].url}{draft.slug}/").status_code == 404
    # A draft section still leads to its live pages, as in Wagtail.
    tree["library"].unpublish()
    assert client.get(story.url).status_code == 200
    # The routed page is the specific page with its parent known (breadcrumbs need no query).
    home = HomePage.objects.get(pk=tree["home"].pk)
    routed, _args, _kwargs = home.route(rf.get(story.url), ["guong-dien-hinh", story.slug])
    assert type(routed) is type(story) and routed.pk == story.pk
    assert routed.get_parent().pk == tree["library"].pk


def test_routing_hands_sub_pages_to_the_edition(client, home_page):
    edition = make_edition(home_page)
    assert client.get(f"{edition.url}binh-chon/").status_code == 200
    assert client.get(f"{edition.url}khong-co/").status_code == 404


def test_a_preview_never_reads_or_writes_cached_fragments(rf):
    from home import fragments

    request = rf.get("/")
    request.is_preview = True
    calls = []
    for _ in range(2):
        assert fragments.cached_value(request, "menu", lambda: calls.append(1) or "bản nháp") == "bản nháp"
    assert len(calls) == 2
    request = rf.get("/")
    for _ in range(2):
        fragments.cached_value(request, "menu", lambda: calls.append(1) or "trực tiếp")
    assert len(calls) == 3


def test_a_lost_generation_counter_never_brings_back_old_fragments(client, tree):
    from django.core.cache import cache

    from home.page_cache import GENERATION_KEY

    html(client, "/")
    Page.objects.filter(pk=tree["library"].pk).update(title="Thư viện gương")  # no signal: stays cached
    assert "Thư viện gương" not in menu(html(client, "/"))
    cache.delete(GENERATION_KEY)  # evicted by a full cache, or Redis restarted without its data
    assert "Thư viện gương" in menu(html(client, "/"))
