"""The exemplar library's listing: filters, accent-free search, sorting and pages in a fixed number of queries."""

from urllib.parse import urlencode

from taggit.models import Tag

from django.core.paginator import Paginator
from django.db.models import Prefetch

from wagtail.images import get_image_model

from home.text import fold

from .forms import LibraryFilterForm
from .models import ExemplarPage, ExemplarTag, Locality, MovementPage

PAGE_SIZE = 12
CARD_RENDITION = "fill-400x300"


def matching_ids(query):
    """Primary keys of live exemplars whose folded text matches every word of `query`, accents ignored."""
    results = ExemplarPage.objects.live().search(fold(query), operator="and", order_by_relevance=False)
    return [page.pk for page in results]


def library_context(request, *, index_page):
    """Context for `/guong-dien-hinh/`: the filter form, one page of exemplars, and the URL of each filter set."""
    movements = list(MovementPage.objects.live().public().select_related("plan").only("title", "slug", "plan"))
    localities = list(Locality.objects.filter(exemplars__live=True).distinct().only("name").order_by("name"))
    base = ExemplarPage.objects.child_of(index_page).live().public()
    years = list(
        base.exclude(year_recognised=None)
        .order_by("-year_recognised")
        .values_list("year_recognised", flat=True)
        .distinct()
    )
    tags = list(
        Tag.objects.filter(exemplar_pages_exemplartag_items__content_object__live=True).distinct().order_by("name")
    )
    form = LibraryFilterForm(request.GET, movements=movements, localities=localities, years=years, tags=tags)
    values = form.cleaned()

    exemplars = base
    if values["movement"]:
        exemplars = exemplars.filter(movement__slug=values["movement"])
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
    if values["q"]:
        exemplars = exemplars.filter(pk__in=matching_ids(values["q"]))
    ordering = LibraryFilterForm.ORDERINGS.get(values["sort"] or "moi-nhat")
    exemplars = (
        exemplars.order_by(*ordering)
        .select_related("locality", "movement")
        .prefetch_related(
            Prefetch("photo", queryset=get_image_model().objects.prefetch_renditions(CARD_RENDITION)),
        )
    )
    paginator = Paginator(exemplars, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))

    params = {LibraryFilterForm.PARAMS[name]: value for name, value in values.items() if value}
    return {
        "filter_form": form,
        "filters": values,
        "filter_params": params,
        "query_string": urlencode(params),
        "exemplars": page,
        "movement_choices": movements,
        "locality_choices": localities,
        "year_choices": years,
        "tag_choices": tags,
        "is_filtered": bool(params.keys() - {"sap-xep"}),
    }
