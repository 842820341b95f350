"""Full-text search for the site search and the exemplar library: folded terms, a fast match, a capped count.

Every page type derives from `BasePage`, whose index entry carries an accent-free copy of its text in the `body`
column of Wagtail's database search index (`search_text_folded`); the folded words of a query are matched there,
all of them required, so "nguyen van a" finds "Nguyễn Văn A" on SQLite (FTS5) and PostgreSQL (tsvector) alike.

Wagtail's own `.search()` is not used for listings: on SQLite its plan probes the FTS table once per index entry
(1.2 s for a common word over 10,000 exemplars) and ranking adds a correlated subquery per match (more than 30 s);
on PostgreSQL ranking and counting 10,000 matches took 35–50 s. Here the match is a plain filter on the caller's
own queryset, which keeps its filters, ordering and slicing in one SQL statement, and counts stop at a cap.
"""

import re

from modelsearch.conf import get_app_config
from modelsearch.utils import get_descendants_content_types_pks

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BigIntegerField, Case, CharField, Exists, OuterRef, Q, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from .text import fold

SEARCH_QUERY_MAX_LENGTH = 200
SEARCH_MAX_TERMS = 20
WORD = re.compile(r"\w+")


def search_terms(query):
    """The folded words of a query; punctuation and control characters dropped.

    The database backends hand the query to SQLite FTS5 / PostgreSQL tsquery, where quotes, `>`, `*` or NUL are
    syntax: words alone can never break the query (found by the Hypothesis tests in tests/security).
    """
    return WORD.findall(fold((query or "")[: SEARCH_QUERY_MAX_LENGTH * 2]))[:SEARCH_MAX_TERMS]


def public_pages(queryset):
    """`queryset` without pages under a view restriction: Wagtail's `public()`.

    It reads the (nearly always empty) restriction table in one small query and excludes each restricted subtree
    by path. A correlated NOT EXISTS inside the listing's own query was tried to save that query: SQLite ran it
    cheaply, but PostgreSQL without statistics on the empty table planned it as a scan of every page per row
    (15 s per query at 10,000 exemplars), so the extra query stays.
    """
    return queryset.public()


def _sqlite_match(model, terms):
    """`pk IN (…)` over FTS5, with the full-text table read first (CROSS JOIN fixes SQLite's join order)."""
    app = get_app_config()
    entries = app.get_model("IndexEntry")._meta.db_table
    fts = app.get_model("SQLiteFTSIndexEntry")._meta.db_table
    content_types = get_descendants_content_types_pks(model)
    # Each term is \w+ of ASCII-folded text; quoted, it is a literal FTS5 string whatever it contains.
    expression = "body : (" + " AND ".join(f'"{term}"' for term in terms) + ")"
    placeholders = ", ".join(["%s"] * len(content_types))
    # Only table names from the models' metadata are interpolated; the query and ids are parameters.
    joined = f'"{fts}" f CROSS JOIN "{entries}" e ON e.id = f.rowid'
    where = f'"{fts}" MATCH %s AND e.content_type_id IN ({placeholders})'
    sql = f"SELECT CAST(e.object_id AS INTEGER) FROM {joined} WHERE {where}"  # noqa: S608
    return Q(pk__in=RawSQL(sql, [expression, *content_types]))  # noqa: S611


# Words the database's text-search configuration drops from a query (English stop words such as "a", "an", "to",
# "do", "so" are also Vietnamese words once accents are folded): learnt once per process.
_IGNORED_BY_TSQUERY = {}


def _words_tsquery_ignores(terms):
    unknown = [term for term in terms if term not in _IGNORED_BY_TSQUERY]
    if unknown:
        if len(_IGNORED_BY_TSQUERY) > 10_000:  # any word can be asked for: keep the memory bounded
            _IGNORED_BY_TSQUERY.clear()
        with connection.cursor() as cursor:
            cursor.execute("SELECT term, numnode(plainto_tsquery(term)) = 0 FROM unnest(%s::text[]) AS term", [unknown])
            _IGNORED_BY_TSQUERY.update(cursor.fetchall())
    return {term for term in terms if _IGNORED_BY_TSQUERY[term]}


def _postgres_match(model, terms):
    """A correlated EXISTS on the entry's tsvector: PostgreSQL then either walks the caller's ordering and stops
    after one page (common words) or reads the GIN index first (rare words), as its statistics say.

    The index was built with the database's default text-search configuration, whose stop words never reach the
    tsvector; those words ("nguyen van a") are matched as whole words in the entry's plain-text copy instead, so
    every word still counts.
    """
    from django.contrib.postgres.search import SearchQuery

    entries = get_app_config().get_model("IndexEntry")
    ignored = _words_tsquery_ignores(terms)
    kept = [term for term in terms if term not in ignored]
    # The id is compared both ways: as text, for the entry's (content type, object id) index when PostgreSQL walks
    # the pages first; as an integer, for the page's primary key when it reads the full-text index first. With the
    # text comparison alone a freshly loaded database without statistics took 15 s per search instead of 17 ms.
    # (Every indexed model here has an integer key; the CASE keeps any other key from breaking the cast.)
    object_number = Case(
        When(object_id__regex=r"^[0-9]{1,18}$", then=Cast("object_id", BigIntegerField())), default=None
    )
    matching = (
        entries.objects.filter(content_type_id=OuterRef("content_type_id"), object_id=Cast(OuterRef("pk"), CharField()))
        .annotate(object_number=object_number)
        .filter(object_number=OuterRef("pk"))
    )
    if kept:
        matching = matching.filter(body=SearchQuery(" ".join(kept), search_type="plain"))
    for term in sorted(ignored):
        # \m and \M are PostgreSQL's word boundaries; the term is \w+ only, nothing in it is regex syntax.
        matching = matching.filter(body_text__iregex=rf"\m{term}\M")
    return Q(Exists(matching))


def matching(queryset, terms):
    """`queryset` (of a page model) narrowed to the pages whose indexed text contains every one of `terms`."""
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        return queryset.filter(_postgres_match(queryset.model, terms))
    return queryset.filter(_sqlite_match(queryset.model, terms))


class SearchPaginator(Paginator):
    """Pages through the first `limit` matches of an ordered queryset with two queries whatever the match count.

    One query reads the ordered primary keys of up to `limit` + 1 matches (the only one that touches every match,
    and it is needed anyway to order them); the count comes from it, "more than 500" when it is cut short, and a
    second query fetches the objects of the requested page. Readers narrow a search with more words long before
    they reach page 50.
    """

    def __init__(self, queryset, per_page, *, limit, fetch=None):
        """`fetch`: the queryset the page's objects are read from by primary key (with its select_related and
        prefetches), without the match and filters the ids were already chosen by; the model's manager if None."""
        self.fetch = queryset.model._default_manager.all() if fetch is None else fetch
        self.limit = limit
        pks = list(queryset.prefetch_related(None).values_list("pk", flat=True)[: limit + 1])
        self.truncated = len(pks) > limit
        super().__init__(pks[:limit], per_page)

    def _get_page(self, pks, number, paginator):
        found = {obj.pk: obj for obj in self.fetch.filter(pk__in=list(pks)).order_by()} if pks else {}
        # A page unpublished between the two queries is simply left out.
        return super()._get_page([found[pk] for pk in pks if pk in found], number, paginator)
