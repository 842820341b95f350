"""Admin screens for the coordinating board: the progress report and the spreadsheet import of exemplars."""

import datetime

import django_filters

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin.auth import permission_denied
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page
from wagtail.permissions import policy_registry

from .forms import ImportForm
from .models import ExemplarIndexPage, Locality, MovementTarget, PlanPage
from .services.importing import COLUMNS, SpreadsheetError, check_rows, import_exemplars, read_rows
from .services.progress import progress_for_targets


def _year_choices():
    this_year = datetime.date.today().year
    return [(year, str(year)) for year in range(this_year, 2014, -1)]


class ProgressFilterSet(WagtailFilterSet):
    plan = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Plan"), field_name="movement__plan", queryset=PlanPage.objects.order_by("-period_start")
    )
    # Year and locality narrow the exemplars counted, not the targets: the view reads them from the form.
    year = django_filters.ChoiceFilter(label=gettext_lazy("Year recognised"), choices=_year_choices, method="keep")
    locality = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Locality"), queryset=Locality.objects.order_by("-is_current", "name"), method="keep"
    )

    class Meta:
        model = MovementTarget
        fields = ["plan", "year", "locality"]

    def keep(self, queryset, name, value):
        return queryset


class ProgressReportView(ReportView):
    """Movement × lead agency × kind: target, published, gap; exported as CSV or XLSX."""

    page_title = gettext_lazy("Progress toward the plan's targets")
    header_icon = "list-ul"
    index_url_name = "tien-do:index"
    index_results_url_name = "tien-do:results"
    filterset_class = ProgressFilterSet
    paginate_by = 100
    export_filename = "tien-do-guong-dien-hinh"
    any_permission_required = ["add", "change", "publish"]
    columns = [
        Column("movement_title", label=gettext_lazy("Movement")),
        Column("lead_label", label=gettext_lazy("Lead agency")),
        Column("kind_label", label=gettext_lazy("Exemplar kind")),
        Column("minimum", label=gettext_lazy("Target")),
        Column("published", label=gettext_lazy("Published")),
        Column("gap", label=gettext_lazy("Gap")),
    ]
    list_export = ["plan_number", "movement_title", "lead_label", "kind_label", "minimum", "published", "gap"]
    export_headings = {
        "plan_number": gettext_lazy("Plan"),
        "movement_title": gettext_lazy("Movement"),
        "lead_label": gettext_lazy("Lead agency"),
        "kind_label": gettext_lazy("Exemplar kind"),
        "minimum": gettext_lazy("Target"),
        "published": gettext_lazy("Published"),
        "gap": gettext_lazy("Gap"),
    }

    @cached_property
    def permission_policy(self):
        return policy_registry.get_by_type(Page)

    def get_queryset(self):
        self.queryset = MovementTarget.objects.filter(movement__live=True).select_related(
            "movement__plan", "lead_agency"
        )
        queryset = self.filter_queryset(self.queryset)
        return queryset.order_by("-movement__plan__period_start", "movement__path", "sort_order", "pk")

    def decorate_paginated_queryset(self, object_list):
        cleaned = self.filters.form.cleaned_data if self.filters and self.filters.is_valid() else {}
        year = cleaned.get("year") or None
        rows = progress_for_targets(object_list, year=int(year) if year else None, locality=cleaned.get("locality"))
        for row in rows:
            target = row.target
            target.movement_title = target.movement.title
            target.plan_number = target.movement.plan.number if target.movement.plan_id else ""
            target.lead_label = target.lead_agency.name if target.lead_agency_id else _("All lead agencies")
            target.kind_label = row.kind_label
            target.published = row.published
            target.gap = row.gap
        return [row.target for row in rows]


def import_template(request):
    """A CSV with the expected headings and one example row, to fill in with Excel."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-guong-dien-hinh.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a byte-order mark
    response.write(",".join(heading for _key, heading in COLUMNS) + "\r\n")
    response.write(
        '"Nguyễn Văn A","cá nhân","nong-thon-moi","","Tân Biên","Nông nghiệp","2024",'
        '"Nông dân sản xuất giỏi","nông dân, nông thôn mới","Bằng khen của UBND tỉnh","Câu chuyện…"\r\n'
    )
    return response


def import_exemplars_view(request):
    """Upload a spreadsheet; “Check” lists every row's problems, “Import” creates all rows or none."""
    if not policy_registry.get_by_type(Page).user_has_any_permission(request.user, ["add", "publish"]):
        return permission_denied(request)
    index_page = ExemplarIndexPage.objects.first()
    context = {"columns": COLUMNS, "index_page": index_page}
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        action = request.POST.get("action", "check")
        if form.is_valid() and index_page is None:
            form.add_error(None, _("Create the exemplar library page first."))
        if form.is_valid():
            try:
                check = check_rows(read_rows(form.cleaned_data["file"]))
            except SpreadsheetError as error:
                form.add_error("file", str(error))
            else:
                context["check"] = check
                if action == "import":
                    if check.ok:
                        pages = import_exemplars(
                            check=check, index_page=index_page, user=request.user, publish=form.cleaned_data["publish"]
                        )
                        messages.success(request, _("%(count)s exemplars imported.") % {"count": len(pages)})
                        return redirect("wagtailadmin_explore", index_page.pk)
                    context["refused"] = True
    else:
        form = ImportForm()
    context["form"] = form
    return TemplateResponse(request, "exemplar_pages/admin/import.html", context)
