"""The site's URL map: admin, documents, search, health, syndication, then Wagtail's page tree."""

from django.conf import settings
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from contest.voting_routes import confirm_vote_link
from exemplar_pages import feeds
from home import views as home_views

from .api import api_router

urlpatterns = [
    # Before the admin's own URLs: the second sign-in step for staff (see accounts.middleware).
    path("admin/2fa/", include("accounts.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("tim-kiem/", home_views.search, name="search"),
    path("healthz", home_views.healthz, name="healthz"),
    # The vote confirmation link, outside the page tree: it is the write path under load (see confirm_vote_link).
    path("xac-nhan-binh-chon/<int:edition_id>/", confirm_vote_link, name="contest_vote_confirm"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("api/v2/", api_router.urls),
    path("rss.xml", feeds.LatestStoriesFeed(), name="feed_rss"),
    path("atom.xml", feeds.LatestStoriesAtomFeed(), name="feed_atom"),
    path("phong-trao/<slug:slug>/rss.xml", feeds.MovementFeed(), name="movement_feed_rss"),
    path("phong-trao/<slug:slug>/atom.xml", feeds.MovementAtomFeed(), name="movement_feed_atom"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
