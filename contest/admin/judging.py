"""Judging in the admin: rounds and rubrics, assignment, the judge's screen, dashboard, ranking and exports."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from ..forms.judging import RoundAdminForm
from ..models import Round, RoundState, SheetState
from ..roles import ORGANISERS
from ..rules import is_judge, is_organiser, rounds_for_judge
from ..services import judging as services
from ..views import judging as views
from ..views import judging_exports as exports
from ..views import judging_files as files
from . import ContestMenuItem


class OrganiserPolicy(BasePermissionPolicy):
    """Rounds and rubrics are the organisers' (and superusers'): judges never edit them."""

    def user_has_permission(self, user, action):
        return is_organiser(user)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(Q(is_superuser=True) | Q(groups__name=ORGANISERS)).distinct()


register_permission_policy(Round, OrganiserPolicy(Round))


class RoundViewSet(ModelViewSet):
    model = Round
    icon = "tasks"
    menu_label = _("Judging rounds")
    add_to_admin_menu = False
    url_prefix = "contest/rounds"
    name = "contest_rounds"
    list_display = ["name", "edition", "order", "state", "reviews_required", "is_blind"]
    list_filter = ["state", "edition"]
    search_fields = ["name"]
    inspect_view_enabled = False
    edit_handler = ObjectList(Round.panels, base_form_class=RoundAdminForm)


round_viewset = RoundViewSet()


@hooks.register("register_admin_viewset")
def register_round_viewset():
    return round_viewset


class JudgingPanel(Component):
    """On a judge's admin dashboard: their open rounds and how far they are, one click from their queue."""

    name = "contest_judging"
    order = 10
    template_name = "contest/judging/home_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        user = self.request.user
        rounds = (
            rounds_for_judge(user)
            .filter(state=RoundState.OPEN)
            .select_related("edition")
            .annotate(
                assigned=Count("assignments", filter=Q(assignments__judge=user), distinct=True),
                submitted=Count(
                    "assignments",
                    filter=Q(assignments__judge=user, assignments__sheet__state=SheetState.SUBMITTED),
                    distinct=True,
                ),
            )
            .order_by("closes_on", "pk")
        )
        return {"rounds": list(rounds)}


@hooks.register("construct_homepage_panels")
def add_judging_panel(request, panels):
    if is_judge(request.user):
        panels.append(JudgingPanel(request))


@hooks.register("register_contest_menu_item")
def judging_menu_item():
    return ContestMenuItem(
        _("Judging"),
        reverse("contest_judging_home"),
        icon_name="form",
        name="judging",
        order=300,
        predicate=lambda user: is_judge(user) or is_organiser(user),
    )


@hooks.register("register_contest_menu_item")
def rounds_menu_item():
    return ContestMenuItem(
        _("Judging rounds"),
        reverse("contest_rounds:index"),
        icon_name="tasks",
        name="judging-rounds",
        order=310,
        predicate=is_organiser,
    )


@hooks.register("register_contest_menu_item")
def conflicts_menu_item():
    return ContestMenuItem(
        _("Conflicts of interest"),
        reverse("contest_judging_conflicts"),
        icon_name="warning",
        name="judging-conflicts",
        order=320,
        predicate=is_organiser,
    )


@hooks.register("register_admin_urls")
def judging_urls():
    patterns = [
        path("contest/judging/", views.judging_home, name="contest_judging_home"),
        path("contest/judging/conflicts/", views.conflicts, name="contest_judging_conflicts"),
        path("contest/judging/round/<int:round_id>/", views.judge_queue, name="contest_judging_queue"),
        path("contest/judging/round/<int:round_id>/dashboard/", views.dashboard, name="contest_judging_dashboard"),
        path("contest/judging/round/<int:round_id>/action/", views.round_action, name="contest_judging_round_action"),
        path(
            "contest/judging/round/<int:round_id>/assignments/", views.assignments, name="contest_judging_assignments"
        ),
        path(
            "contest/judging/round/<int:round_id>/entry/<int:entry_id>/anonymise/",
            views.anonymise_entry,
            name="contest_judging_anonymise",
        ),
        path("contest/judging/round/<int:round_id>/history/", views.score_history, name="contest_judging_history"),
        path("contest/judging/round/<int:round_id>/ranking/", views.ranking, name="contest_judging_ranking"),
        path("contest/judging/round/<int:round_id>/results.xlsx", exports.results_xlsx, name="contest_judging_results"),
        path(
            "contest/judging/round/<int:round_id>/sheet.xlsx",
            exports.judge_sheet_xlsx,
            name="contest_judging_export_sheet",
        ),
        path("contest/judging/round/<int:round_id>/minutes/", exports.minutes, name="contest_judging_minutes"),
        path("contest/judging/assignment/<int:assignment_id>/", views.score_sheet, name="contest_judging_sheet"),
        path(
            "contest/judging/assignment/<int:assignment_id>/conflict/",
            views.declare_conflict,
            name="contest_judging_conflict",
        ),
        path(
            "contest/judging/assignment/<int:assignment_id>/photo/<int:photo_id>/<str:size>/",
            files.assignment_photo,
            name="contest_judging_photo",
        ),
    ]
    for pattern in patterns:
        pattern.callback = views.forbidden_as_403(pattern.callback)
    return patterns


@hooks.register("register_log_actions")
def register_judging_log_actions(actions):
    for action, label in services.LOG_ACTIONS.items():
        actions.register_action(action, label, label)
