"""The site's skeleton and demo pages for `make run`: idempotent, so a second run changes nothing."""

from django.conf import settings as django_settings
from django.db import transaction

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from .models import HomePage, SiteSettings, StandardPage

HOME_TITLE = "Gương điển hình tiên tiến tỉnh Tây Ninh"


def ensure_root():
    """The page tree's and collections' roots and the default locale.

    Wagtail's migrations create them and a test database flush removes them.
    """
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(django_settings.LANGUAGE_CODE))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", url_path="/"))
    return root


@transaction.atomic
def ensure_site():
    """Make a HomePage the default site's root, replacing Wagtail's placeholder "Welcome" page."""
    home = HomePage.objects.first()
    root = ensure_root()
    if home is None:
        home = HomePage(
            title=HOME_TITLE,
            slug="trang-chu",
            lead="Xây dựng, nhân rộng các mô hình, điển hình tiên tiến và cuộc thi viết “Gương người tốt quanh ta”.",
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=HOME_TITLE
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = HOME_TITLE
        site.save()
    # Wagtail's own first page is a placeholder nobody reads; drop it once nothing points to it.
    for placeholder in Page.objects.filter(depth=2, content_type__model="page", numchild=0):
        if not Site.objects.filter(root_page=placeholder).exists():
            placeholder.delete()
    settings = SiteSettings.for_site(site)
    if not settings.address:
        settings.address = "Số 2, đường Trần Hưng Đạo, phường Tân Ninh, tỉnh Tây Ninh"
        settings.phone = "0276 3822 000"
        settings.email = "bantochuc@example.vn"
        settings.save()
    return home


def load():
    """Demo pages owned by the site app: an about page and a privacy notice."""
    home = ensure_site()
    pages = [
        (
            "gioi-thieu",
            "Giới thiệu",
            "Về kế hoạch xây dựng, nhân rộng các mô hình, điển hình tiên tiến của tỉnh.",
            True,
        ),
        (
            "chinh-sach-du-lieu",
            "Chính sách bảo vệ dữ liệu cá nhân",
            "Chúng tôi thu thập dữ liệu cá nhân của tác giả và người bình chọn chỉ cho mục đích tổ chức cuộc thi, "
            "theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15.",
            False,
        ),
    ]
    for slug, title, intro, in_menu in pages:
        if not StandardPage.objects.filter(slug=slug).exists():
            page = StandardPage(title=title, slug=slug, intro=intro, show_in_menus=in_menu)
            home.add_child(instance=page)
            page.save_revision().publish()
    return "site pages ready"
