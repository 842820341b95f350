"""Admin hooks of the site app: snippets (agencies, localities…) shown on pages make cached pages stale."""

from wagtail import hooks

from .page_cache import invalidate_page_cache


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
@hooks.register("after_delete_snippet")
def snippet_changed(request, instances_or_instance):
    invalidate_page_cache()
