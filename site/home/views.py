"""Site-wide views: search across every public page, and the health check."""

import re

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from wagtail.models import Page

from .text import fold

SEARCH_PAGE_SIZE = 10
SEARCH_QUERY_MAX_LENGTH = 200
SEARCH_MAX_TERMS = 20
WORD = re.compile(r"\w+")


def search_terms(query):
    """The folded words of a query; punctuation and control characters dropped.

    The database backends hand the query to SQLite FTS5 / PostgreSQL tsquery, where quotes, `>`, `*` or NUL are
    syntax: words alone can never break the query (found by the Hypothesis tests in tests/security).
    """
    return WORD.findall(fold(query))[:SEARCH_MAX_TERMS]


def search(request):
    """Full-text search over live public pages; the query is folded so accents never decide a match."""
    query = (request.GET.get("q") or "").strip()[:SEARCH_QUERY_MAX_LENGTH]
    results = Page.objects.none()
    terms = search_terms(query)
    if terms:
        results = Page.objects.live().public().specific().search(" ".join(terms), operator="and")
    paginator = Paginator(results, SEARCH_PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    return TemplateResponse(request, "home/search.html", {"query": query, "results": page})


@never_cache
def healthz(request):
    """200 when the database answers a query, 503 otherwise; for load balancers and uptime checks."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
