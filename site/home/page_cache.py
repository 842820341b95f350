"""A full-page cache for anonymous readers, shared through the cache backend (Redis in production).

Every cached page is stored under a generation number; publishing, unpublishing, moving or deleting a page, or a
change that alters what readers see (a vote count, released results) bumps the generation, so the next request
renders afresh. Responses that set cookies, use the CSRF token or say private are never stored, and requests carrying a
session cookie (editors, confirmed voters) always bypass the cache: that is what makes "Vary: Cookie" safe to
ignore here, since a request without a session cookie is by definition anonymous.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.cache import patch_response_headers

GENERATION_KEY = "page-cache:generation"
HIT_HEADER = "X-Page-Cache"


def _fresh_generation():
    # A generation number never used before: if the cache loses the counter (a restart, eviction by a full cache),
    # counting again from 1 would bring back pages and fragments stored under the old numbers.
    return time.time_ns() // 1000


def current_generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY) or _fresh_generation()
    return generation


def _bump():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, _fresh_generation(), timeout=None)


def invalidate_page_cache(**_kwargs):
    """Make every cached page and fragment stale at once (atomic on Redis). Usable as a signal receiver.

    Bumped now, and again when the surrounding transaction commits: a reader who renders between the two (seeing
    the data as it was before the commit) cannot leave a stale copy under the generation that follows.
    """
    _bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_bump)


def _key(request, generation):
    raw = f"{request.get_host()}|{request.get_full_path()}".encode()
    return f"page-cache:{generation}:{hashlib.sha256(raw).hexdigest()}"


def _cacheable_request(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not any(request.path.startswith(prefix) for prefix in settings.PAGE_CACHE_EXCLUDED_PREFIXES)
    )


def _cacheable_response(request, response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.cookies
        # A page that asked for the CSRF token carries a per-reader secret: never share it.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(response, "streaming", False)
        and "private" not in cache_control
        and "no-cache" not in cache_control
        and "no-store" not in cache_control
    )


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request, current_generation())
        cached = cache.get(key)
        if cached is not None:
            cached[HIT_HEADER] = "hit"
            return cached
        response = self.get_response(request)
        if _cacheable_response(request, response):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            patch_response_headers(response, cache_timeout=min(seconds, 60))
            cache.set(key, response, timeout=seconds)
            response[HIT_HEADER] = "miss"
        return response
