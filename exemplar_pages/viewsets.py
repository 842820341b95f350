"""Admin viewsets: agencies, localities, the progress report and the import, grouped in one menu."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from home.models import NewsCategory

from . import admin_views
from .models import Agency, Locality


class AgencyViewSet(ModelViewSet):
    model = Agency
    icon = "group"
    menu_label = _("Agencies")
    list_display = ["name", "short_name", "kind", "successor"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    form_fields = ["name", "short_name", "kind", "successor"]
    inspect_view_enabled = True
    copy_view_enabled = False


class LocalityViewSet(ModelViewSet):
    model = Locality
    icon = "site"
    menu_label = _("Localities")
    list_display = ["name", "kind", "is_current", "successor"]
    list_filter = ["kind", "is_current"]
    search_fields = ["name", "former_name"]
    form_fields = ["name", "kind", "parent", "former_name", "successor", "is_current"]
    inspect_view_enabled = True
    copy_view_enabled = False


class NewsCategoryViewSet(ModelViewSet):
    model = NewsCategory
    icon = "tag"
    menu_label = _("News categories")
    list_display = ["name", "slug"]
    form_fields = ["name", "slug"]
    copy_view_enabled = False


class ProgressReportViewSet(ViewSet):
    name = "tien-do"
    icon = "list-ul"
    menu_label = _("Progress report")

    def get_urlpatterns(self):
        return [
            path("", admin_views.ProgressReportView.as_view(), name="index"),
            path("results/", admin_views.ProgressReportView.as_view(results_only=True), name="results"),
        ]


class ImportViewSet(ViewSet):
    name = "nhap-guong-dien-hinh"
    icon = "upload"
    menu_label = _("Import exemplars")

    def get_urlpatterns(self):
        return [
            path("", admin_views.import_exemplars_view, name="index"),
            path("mau.csv", admin_views.import_template, name="template"),
        ]


class MovementsAdminGroup(ViewSetGroup):
    menu_label = _("Movements and exemplars")
    menu_icon = "pick"
    menu_order = 250
    items = (
        ProgressReportViewSet,
        ImportViewSet,
        AgencyViewSet("agencies"),
        LocalityViewSet("localities"),
        NewsCategoryViewSet("news-categories"),
    )
