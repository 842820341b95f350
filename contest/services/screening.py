"""Screening by the organisers: an entry is found eligible or ineligible (with a reason), and its author is told."""

from django.db import transaction

from outbox.services import queue_message

from .. import messages
from ..statuses import EntryStatus
from .status import InvalidTransition, set_entry_status


def screen_entry(*, entry, eligible, reason="", user=None):
    """Mark one entry eligible or ineligible; return True when its status changed.

    Side effects: the status change through set_entry_status (one audit-log entry with the reason), and the
    screening message to the author (outbox, sent after commit) when the status really changed.
    Raises InvalidTransition when the lifecycle forbids it.
    """
    new_status = EntryStatus.ELIGIBLE if eligible else EntryStatus.INELIGIBLE
    with transaction.atomic():
        entry.refresh_from_db(fields=["status"])
        if entry.status == new_status:
            return False
        updated = set_entry_status(entry, new_status, user=user, reason=reason)
        queue_message(
            messages.SCREENING.key,
            to=updated.author_email,
            context={"entry": updated, "edition": updated.edition, "eligible": eligible, "reason": reason},
            related=updated,
        )
    return True


def screen_entries(*, entries, eligible, reason="", user=None):
    """Screen many entries the same way; return (changed, skipped) where skipped lists the entries left as they were."""
    changed, skipped = [], []
    for entry in entries:
        try:
            if screen_entry(entry=entry, eligible=eligible, reason=reason, user=user):
                changed.append(entry)
            else:
                skipped.append(entry)
        except InvalidTransition:
            skipped.append(entry)
    return changed, skipped
