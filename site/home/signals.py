"""Keeps the anonymous page cache and the cached fragments honest: any change readers could see makes them stale."""

from django.db.models.signals import post_delete, post_save

from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from .page_cache import invalidate_page_cache

# Models whose rows appear inside cached pages or fragments, beyond the pages themselves: the footer's contact,
# the sites (root page, host names), privacy settings, and the snippets shown on cards and progress rows.
WATCHED_MODELS = (
    "home.SiteSettings",
    "home.NewsCategory",
    "wagtailcore.Site",
    "wagtailcore.PageViewRestriction",
    "wagtailimages.Image",
    "wagtaildocs.Document",
    "exemplar_pages.Locality",
    "exemplar_pages.Agency",
)


def connect():
    page_published.connect(invalidate_page_cache, dispatch_uid="page-cache-published")
    page_unpublished.connect(invalidate_page_cache, dispatch_uid="page-cache-unpublished")
    post_page_move.connect(invalidate_page_cache, dispatch_uid="page-cache-moved")
    page_slug_changed.connect(invalidate_page_cache, dispatch_uid="page-cache-slug")
    # Any saved or deleted page: covers pages created live in code (imports, bootstrap) without a publish signal,
    # and a title or menu flag changed on a live page.
    post_save.connect(_page_changed, dispatch_uid="page-cache-page-saved")
    post_delete.connect(_page_changed, dispatch_uid="page-cache-deleted")
    for label in WATCHED_MODELS:
        post_save.connect(_row_saved, sender=label, dispatch_uid=f"page-cache-saved-{label}")
        post_delete.connect(invalidate_page_cache, sender=label, dispatch_uid=f"page-cache-deleted-{label}")


def _page_changed(sender, instance, **kwargs):
    if isinstance(instance, Page):
        invalidate_page_cache()


def _row_saved(sender, instance, created, **kwargs):
    # The first read of the site settings creates the row with its defaults: what the page just showed.
    if created and sender._meta.label == "home.SiteSettings":
        return
    invalidate_page_cache()
