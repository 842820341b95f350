"""The exemplar library's listing: filters, accent-free search, sorting and pages in a fixed number of queries."""

from collections import namedtuple
from urllib.parse import urlencode

from taggit.models import Tag

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Window

from wagtail.images import get_image_model

from home.search import SearchPaginator, matching, public_pages, search_terms

from .forms import LibraryFilterForm
from .models import ExemplarPage, ExemplarTag, Locality, MovementPage

PAGE_SIZE = 12
CARD_RENDITION = "fill-400x300"
SEARCH_COUNT_LIMIT = 500
CHOICES_KEY = "exemplar-library:filter-choices"
# Every change that alters the menus forgets them (signals.py); the timeout is only a safety net.
CHOICES_SECONDS = 60 * 60

MovementChoice = namedtuple("MovementChoice", "pk slug title")
LocalityChoice = namedtuple("LocalityChoice", "pk name")
TagChoice = namedtuple("TagChoice", "slug name")


def library_exemplars(index_page):
    """The live public exemplars of the library.

    Exemplars live only under the library and have no subpages, so its descendants are its children; filtering on
    the path alone (not `child_of`'s depth as well) lets SQLite walk the publication-date index for the newest
    twelve instead of sorting all 10,000 (6 ms instead of 44 ms).
    """
    below = ExemplarPage.objects.live().filter(path__startswith=index_page.path, depth__gt=index_page.depth)
    return public_pages(below)


def _compute_filter_choices(index_page):
    exemplars = library_exemplars(index_page)
    movements = public_pages(MovementPage.objects.live()).order_by("path").values_list("pk", "slug", "title")
    localities = Locality.objects.filter(exemplars__in=exemplars).distinct().order_by("name").values_list("pk", "name")
    years = (
        exemplars.exclude(year_recognised=None)
        .order_by("-year_recognised")
        .values_list("year_recognised", flat=True)
        .distinct()
    )
    tags = (
        Tag.objects.filter(pk__in=ExemplarTag.objects.filter(content_object__in=exemplars).values("tag_id"))
        .order_by("name")
        .values_list("slug", "name")
    )
    return {
        "movements": [MovementChoice(*row) for row in movements],
        "localities": [LocalityChoice(*row) for row in localities],
        "years": list(years),
        "tags": [TagChoice(*row) for row in tags],
        # The unfiltered library's count, so its first page needs no COUNT over every exemplar.
        "total": exemplars.count(),
    }


def filter_choices(index_page):
    """The movements, localities, years and tags the filter menus offer, computed once and kept in the cache.

    Reading them from the whole table cost four queries and most of the library's time at 10,000 exemplars.
    `signals.py` forgets them whenever a page is saved, published, unpublished, moved or deleted, or a locality,
    tag or tagging changes.
    """
    cached = cache.get(CHOICES_KEY)
    if cached is not None and cached[0] == index_page.pk:
        return cached[1]
    choices = _compute_filter_choices(index_page)
    cache.set(CHOICES_KEY, (index_page.pk, choices), CHOICES_SECONDS)
    return choices


def forget_filter_choices():
    cache.delete(CHOICES_KEY)
    # Again once the change is committed: a request that read the old rows in between must not keep them cached.
    transaction.on_commit(lambda: cache.delete(CHOICES_KEY))


def for_cards(exemplars):
    """What an exemplar card shows, read with the exemplars: locality and photo joined, the card's rendition
    prefetched (one query for the whole page), and not the story's body, which the card never shows."""
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=CARD_RENDITION)
    return (
        exemplars.defer("body")
        .select_related("locality", "photo")
        .prefetch_related(Prefetch("photo__renditions", queryset=renditions, to_attr="prefetched_renditions"))
    )


class CountingPaginator(Paginator):
    """Reads a page of rows and the number of rows in all with one query: COUNT(*) OVER () on the page's query.

    A separate COUNT cost as much again as the page itself. A page number past the end costs one more query (the
    count), then shows the last page as Django's paginator does.
    """

    def __init__(self, queryset, per_page, *, count=None):
        super().__init__(queryset, per_page)
        if count is not None:
            self.count = count

    def get_page(self, number):
        if "count" in self.__dict__:
            return super().get_page(number)
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list.annotate(total_rows=Window(Count("pk")))[bottom : bottom + self.per_page])
        if not rows:
            return super().get_page(number)
        self.count = rows[0].total_rows
        return self._get_page(rows, number, self)


def library_context(request, *, index_page):
    """Context for `/guong-dien-hinh/`: the filter form, one page of exemplars, and the URL of each filter set."""
    choices = filter_choices(index_page)
    form = LibraryFilterForm(
        request.GET,
        movements=choices["movements"],
        localities=choices["localities"],
        years=choices["years"],
        tags=choices["tags"],
    )
    values = form.cleaned()

    exemplars = library_exemplars(index_page)
    if values["movement"]:
        # The form only accepts a slug from the menu, so the movement's id is known without a join.
        movement_pk = next(m.pk for m in choices["movements"] if m.slug == values["movement"])
        exemplars = exemplars.filter(movement_id=movement_pk)
    if values["kind"]:
        exemplars = exemplars.filter(kind=values["kind"])
    if values["locality"]:
        exemplars = exemplars.filter(locality_id=int(values["locality"]))
    if values["year"]:
        exemplars = exemplars.filter(year_recognised=int(values["year"]))
    if values["tag"]:
        exemplars = exemplars.filter(
            pk__in=ExemplarTag.objects.filter(tag__slug=values["tag"]).values("content_object_id")
        )
    terms = search_terms(values["q"])
    if terms:
        exemplars = matching(exemplars, terms)
    ordering = LibraryFilterForm.ORDERINGS.get(values["sort"] or "moi-nhat")
    if terms:
        # A word that matches nearly every story is counted up to a cap, like the site search.
        paginator = SearchPaginator(
            exemplars.order_by(*ordering), PAGE_SIZE, limit=SEARCH_COUNT_LIMIT, fetch=for_cards(ExemplarPage.objects)
        )
    else:
        # Unfiltered, the total is known from the cached menus; otherwise it rides on the page's own query.
        total = None if form.narrows() else choices["total"]
        paginator = CountingPaginator(for_cards(exemplars.order_by(*ordering)), PAGE_SIZE, count=total)
    page = paginator.get_page(request.GET.get("page"))

    params = {LibraryFilterForm.PARAMS[name]: value for name, value in values.items() if value}
    return {
        "filter_form": form,
        "filters": values,
        "filter_params": params,
        "query_string": urlencode(params),
        "exemplars": page,
        "movement_choices": choices["movements"],
        "locality_choices": choices["localities"],
        "year_choices": choices["years"],
        "tag_choices": choices["tags"],
        "is_filtered": bool(params.keys() - {"sap-xep"}),
    }
