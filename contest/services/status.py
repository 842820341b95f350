"""The one way an entry's status changes: checked against the allowed transitions, locked, audited."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import log

from ..models import Entry
from ..statuses import EntryStatus, can_transition

STATUS_CHANGED = "contest.entry.status_changed"


class InvalidTransition(Exception):
    """The entry cannot move from its current status to the one asked for."""

    def __init__(self, current, new):
        self.current, self.new = EntryStatus(current), EntryStatus(new)
        super().__init__(
            _("An entry that is %(current)s cannot become %(new)s.")
            % {"current": self.current.label, "new": self.new.label}
        )


def set_entry_status(entry, new_status, *, user=None, reason=""):
    """Move `entry` to `new_status` and record who did it and why.

    Side effects: saves the entry (status, and the reason when one is given), writes one audit-log entry
    `contest.entry.status_changed` with the old and new status. Sends no e-mail: callers decide when authors
    are told (screening tells them at once, judging only when decisions are released).
    Raises InvalidTransition when the lifecycle does not allow the move.
    """
    new_status = EntryStatus(new_status)
    with transaction.atomic():
        locked = Entry.objects.select_for_update().get(pk=entry.pk)
        if locked.status == new_status:
            return locked
        if not can_transition(locked.status, new_status):
            raise InvalidTransition(locked.status, new_status)
        old_status = locked.status
        locked.status = new_status
        fields = ["status", "updated_at"]
        if reason or new_status == EntryStatus.INELIGIBLE:
            locked.screening_reason = reason
            fields.append("screening_reason")
        locked.save(update_fields=fields)
        log(locked, STATUS_CHANGED, user=user, data={"from": old_status, "to": new_status, "reason": reason})
    entry.status, entry.screening_reason = locked.status, locked.screening_reason
    return locked
