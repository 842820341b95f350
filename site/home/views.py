"""Site-wide views: search across every public page, and the health check."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from wagtail.models import Page

from .search import SEARCH_MAX_TERMS, SEARCH_QUERY_MAX_LENGTH, SearchPaginator, matching, public_pages, search_terms

__all__ = ["SEARCH_MAX_TERMS", "SEARCH_QUERY_MAX_LENGTH", "healthz", "search", "search_terms"]

SEARCH_PAGE_SIZE = 10
# Counting stops here: "more than 500 results" tells the reader to add a word, at a fraction of the cost.
SEARCH_COUNT_LIMIT = 500


def search(request):
    """Full-text search over live public pages, newest first; the query is folded so accents never decide a match.

    Every word must appear. Results are the base `Page` rows (title, URL, description are all the template shows),
    one query for the page of results and one for the capped count, whatever the number of matches.
    """
    query = (request.GET.get("q") or "").strip()[:SEARCH_QUERY_MAX_LENGTH]
    terms = search_terms(query)
    results = Page.objects.none()
    if terms:
        results = matching(public_pages(Page.objects.live()), terms).order_by("-first_published_at", "-pk")
    paginator = SearchPaginator(results, SEARCH_PAGE_SIZE, limit=SEARCH_COUNT_LIMIT)
    page = paginator.get_page(request.GET.get("page"))
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
