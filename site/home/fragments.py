"""Cached pieces shared by every request (current site, menu, privacy, blocks of HTML), renewed with the page cache.

Every key carries the page cache's generation (home.page_cache): whatever makes cached pages stale (publishing,
unpublishing, moving or deleting a page, editing the site settings, a snippet, a site or a privacy setting; see
home.signals) makes these stale too, so a reader never sees a fragment older than the page around it. What is
cached is data or HTML that is the same for every reader of a site; anything tied to the reader or the clock
(sessions, forms, the contest's phase, vote counts) stays outside.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .page_cache import current_generation

_MISSING = object()
_NONE = "fragment:none"  # stands for a cached None: cache.get cannot tell a stored None from a miss


def _is_none(value):
    return type(value) is str and value == _NONE


def seconds():
    return getattr(settings, "FRAGMENT_CACHE_SECONDS", 600)


def generation(request=None):
    """The page cache's generation, read once per request (every fragment of a page agrees on it)."""
    if request is None:
        return current_generation()
    value = getattr(request, "_fragment_generation", None)
    if value is None:
        value = current_generation()
        request._fragment_generation = value
    return value


def _enabled(request):
    # A preview shows a draft: never store what it renders, never show it stored pieces of the live site.
    return seconds() > 0 and not getattr(request, "is_preview", False)


def key(request, name, *vary):
    from wagtail.models import Site

    site = Site.find_for_request(request) if request is not None else None
    # Hashed: the values may be long or anything a URL holds (a route's slugs).
    parts = hashlib.sha1("\x1f".join(str(part) for part in vary).encode(), usedforsecurity=False).hexdigest()
    return f"fragment:{generation(request)}:{getattr(site, 'pk', 0)}:{get_language()}:{name}:{parts}"


def cached_value(request, name, compute, *vary):
    """`compute()` once per generation, site and `vary`; the value must pickle (plain data, model instances)."""
    if not _enabled(request):
        return compute()
    cache_key = key(request, name, *vary)
    value = cache.get(cache_key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(cache_key, _NONE if value is None else value, seconds())
    return None if _is_none(value) else value


def cached_html(request, name, render, *vary):
    """A block of HTML rendered once per generation, site and `vary` (the `{% fragment %}` template tag)."""
    return mark_safe(cached_value(request, name, lambda: str(render()), *vary))  # noqa: S308 - rendered by us


# --- The current site ----------------------------------------------------------------------------------------


def _site_key(hostname, port):
    return f"fragment:{current_generation()}:site:{hostname}:{port}"


class CurrentSiteMiddleware:
    """Finds the request's Wagtail site (with its root page) in the cache instead of a query per request.

    Wagtail's own lookup (`Site.find_for_request`) keeps its answer on `request._wagtail_site`; this fills that
    attribute before Wagtail looks. The cached answer renews when a site, a page or the settings change.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if seconds() > 0 and not hasattr(request, "_wagtail_site"):
            from django.http.request import split_domain_port

            from wagtail.models import Site

            hostname = split_domain_port(request._get_raw_host())[0]
            try:
                port = request.get_port()
            except Exception:  # noqa: BLE001 - a malformed port: let Wagtail's own lookup decide
                return self.get_response(request)
            cache_key = _site_key(hostname, port)
            site = cache.get(cache_key, _MISSING)
            if site is _MISSING:
                try:
                    site = Site._find_for_request(request)
                except DatabaseError:
                    # The database is down: leave the answer to the view (the health check reports it as 503).
                    return self.get_response(request)
                if site is not None:
                    # Kept in its specific form: Wagtail routes every request from it (`root_page.specific`).
                    site.root_page = site.root_page.specific
                cache.set(cache_key, _NONE if site is None else site, seconds())
            request._wagtail_site = None if _is_none(site) else site
        return self.get_response(request)


# --- Private sections ----------------------------------------------------------------------------------------


def restricted_pages():
    """[(path, depth)] of the pages that carry a view restriction (privacy), usually none; cached."""
    from wagtail.models import PageViewRestriction

    def compute():
        return list(PageViewRestriction.objects.values_list("page__path", "page__depth").distinct())

    if seconds() <= 0:
        return compute()
    cache_key = f"fragment:{current_generation()}:restricted-pages"
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, seconds())
    return value


def public(queryset):
    """`queryset.public()` without its query for the list of restrictions while the site has none (the rule)."""
    if not restricted_pages():
        return queryset
    return queryset.public()
