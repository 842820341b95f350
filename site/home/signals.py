"""Keeps the anonymous page cache honest: any change to the page tree makes cached pages stale."""

from django.db.models.signals import post_delete, post_save

from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from .page_cache import invalidate_page_cache


def connect():
    page_published.connect(invalidate_page_cache, dispatch_uid="page-cache-published")
    page_unpublished.connect(invalidate_page_cache, dispatch_uid="page-cache-unpublished")
    post_page_move.connect(invalidate_page_cache, dispatch_uid="page-cache-moved")
    page_slug_changed.connect(invalidate_page_cache, dispatch_uid="page-cache-slug")
    post_delete.connect(_page_deleted, dispatch_uid="page-cache-deleted")
    # The footer's contact appears on every page.
    post_save.connect(_settings_saved, sender="home.SiteSettings", dispatch_uid="page-cache-settings")


def _page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        invalidate_page_cache()


def _settings_saved(sender, instance, created, **kwargs):
    # The first read of the settings creates the row with its defaults: what the page just showed.
    if not created:
        invalidate_page_cache()
