"""Judging in the admin: rounds and rubrics, assignment, the judge's screen, dashboard, ranking and exports."""

from django.utils.translation import gettext_lazy as _

from wagtail import hooks

from ..services import judging as services


@hooks.register("register_log_actions")
def register_judging_log_actions(actions):
    for action, label in services.LOG_ACTIONS.items():
        actions.register_action(action, label, label)
