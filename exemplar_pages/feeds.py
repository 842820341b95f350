"""RSS and Atom feeds of new exemplar stories and news, for the whole site and per movement."""

import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from home.models import ArticlePage

from .models import ExemplarPage, MovementPage

FEED_SIZE = 30


NEVER = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def published_at(page):
    """When a live page went public; pages made live by code without publishing have no first publication time."""
    return page.first_published_at or page.last_published_at or page.latest_revision_created_at or NEVER


class LatestStoriesFeed(Feed):
    """The newest exemplar stories and news articles of the whole site, newest first."""

    title = _("Exemplary models of Tây Ninh: new stories")
    description = _("New exemplar stories and news from the province's emulation movements.")
    language = "vi"

    def link(self):
        return "/"

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return None

    def exemplars(self, movement=None):
        pages = ExemplarPage.objects.live().public().select_related("locality")
        if movement is not None:
            pages = pages.filter(movement=movement)
        return list(pages.order_by("-first_published_at")[:FEED_SIZE])

    def articles(self, movement=None):
        pages = ArticlePage.objects.live().public()
        if movement is not None:
            pages = pages.filter(movement=movement)
        return list(pages.order_by("-first_published_at")[:FEED_SIZE])

    def items(self, obj=None):
        pages = self.exemplars(obj) + self.articles(obj)
        pages.sort(key=published_at, reverse=True)
        return pages[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return getattr(item, "summary", "") or getattr(item, "intro", "") or item.search_description

    def item_link(self, item):
        return item.get_url(self.request)

    def item_guid(self, item):
        return f"{item.content_type.model}-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return published_at(item)

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        kind = getattr(item, "get_kind_display", None)
        return [kind()] if kind else [str(_("News"))]


class LatestStoriesAtomFeed(LatestStoriesFeed):
    feed_type = Atom1Feed
    subtitle = LatestStoriesFeed.description


class MovementFeed(LatestStoriesFeed):
    """New exemplar stories and news of one movement."""

    def get_object(self, request, slug):
        self.request = request
        return get_object_or_404(MovementPage.objects.live().public(), slug=slug)

    def title(self, obj):
        return _("%(movement)s: new stories") % {"movement": obj.title}

    def link(self, obj):
        return obj.get_url(self.request)

    def description(self, obj):
        return obj.summary or obj.title


class MovementAtomFeed(MovementFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)
