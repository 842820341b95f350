"""Audit-log actions of the contest, shown in the admin's history; each area registers its own here or beside it."""

from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.log_actions import LogFormatter

from ..services import awards
from ..services.status import STATUS_CHANGED
from ..statuses import EntryStatus


@hooks.register("register_log_actions")
def register_contest_log_actions(actions):
    @actions.register_action(STATUS_CHANGED)
    class StatusChanged(LogFormatter):
        label = _("Change entry status")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            try:
                old, new = EntryStatus(data["from"]).label, EntryStatus(data["to"]).label
            except (KeyError, ValueError):
                return _("Changed the entry's status")
            return _("Changed status from %(old)s to %(new)s") % {"old": old, "new": new}

        def format_comment(self, log_entry):
            return (log_entry.data or {}).get("reason", "")


@hooks.register("register_log_actions")
def register_award_log_actions(actions):
    actions.register_action(
        awards.VERIFICATION_RECORDED, _("Record verification"), _("Recorded the locality's verification")
    )
    actions.register_action(
        awards.VERIFICATION_OVERRIDDEN, _("Override verification"), _("Allowed a prize without confirmation")
    )
    actions.register_action(awards.AWARD_DRAFTED, _("Draft prize"), _("Drafted a prize"))
    actions.register_action(awards.AWARD_REMOVED, _("Remove prize"), _("Removed a drafted prize"))
    actions.register_action(awards.RESULTS_RELEASED, _("Release results"), _("Released the results"))
