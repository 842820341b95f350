"""Keeps the library's cached filter menus (and cached pages showing locality and tag names) in step with the data."""

from taggit.models import Tag

from django.db.models.signals import post_delete, post_save

from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.page_cache import invalidate_page_cache

from .models import ExemplarTag, Locality


def forget_filter_choices(**_kwargs):
    from .views import forget_filter_choices

    forget_filter_choices()


def _page_saved_or_deleted(sender, instance, **kwargs):
    # Saving a page directly (imports, scripts, the test factories) bypasses the publish signals.
    if isinstance(instance, Page):
        forget_filter_choices()


def _name_changed(sender, instance, **kwargs):
    forget_filter_choices()
    invalidate_page_cache()


def connect():
    page_published.connect(forget_filter_choices, dispatch_uid="library-choices-published")
    page_unpublished.connect(forget_filter_choices, dispatch_uid="library-choices-unpublished")
    post_page_move.connect(forget_filter_choices, dispatch_uid="library-choices-moved")
    post_save.connect(_page_saved_or_deleted, dispatch_uid="library-choices-page-saved")
    post_delete.connect(_page_saved_or_deleted, dispatch_uid="library-choices-page-deleted")
    for model in (ExemplarTag,):
        post_save.connect(forget_filter_choices, sender=model, dispatch_uid="library-choices-tagged")
        post_delete.connect(forget_filter_choices, sender=model, dispatch_uid="library-choices-untagged")
    for model in (Locality, Tag):
        label = model._meta.label_lower
        post_save.connect(_name_changed, sender=model, dispatch_uid=f"library-choices-{label}-saved")
        post_delete.connect(_name_changed, sender=model, dispatch_uid=f"library-choices-{label}-deleted")
