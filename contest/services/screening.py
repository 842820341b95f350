"""Screening by the organisers: an entry is found eligible or ineligible (with a reason), and its author is told."""

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from ..statuses import EntryStatus
from .status import InvalidTransition, set_entry_status


def _tell_author(entry):
    context = {"entry": entry, "eligible": entry.status == EntryStatus.ELIGIBLE}
    subject = render_to_string("contest/email/screened_subject.txt", context).strip()
    body = render_to_string("contest/email/screened.txt", context)
    send_mail(subject, body, None, [entry.author_email])


def screen_entry(*, entry, eligible, reason="", user=None):
    """Mark one entry eligible or ineligible; return True when its status changed.

    Side effects: the status change through set_entry_status (one audit-log entry with the reason), and an e-mail
    to the author after commit when the status really changed. Raises InvalidTransition when the lifecycle forbids it.
    """
    new_status = EntryStatus.ELIGIBLE if eligible else EntryStatus.INELIGIBLE
    with transaction.atomic():
        entry.refresh_from_db(fields=["status"])
        if entry.status == new_status:
            return False
        updated = set_entry_status(entry, new_status, user=user, reason=reason)
        transaction.on_commit(lambda: _tell_author(updated))
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
