"""An entry's statuses and the transitions allowed between them: the one place that defines the lifecycle."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    WITHDRAWN = "withdrawn", _("withdrawn")
    ELIGIBLE = "eligible", _("eligible")
    INELIGIBLE = "ineligible", _("ineligible")
    FINALIST = "finalist", _("finalist")
    AWARDED = "awarded", _("awarded")


# Only services change an entry's status, and only along these edges.
TRANSITIONS = {
    EntryStatus.SUBMITTED: {EntryStatus.ELIGIBLE, EntryStatus.INELIGIBLE, EntryStatus.WITHDRAWN},
    EntryStatus.ELIGIBLE: {EntryStatus.INELIGIBLE, EntryStatus.FINALIST, EntryStatus.WITHDRAWN},
    EntryStatus.INELIGIBLE: {EntryStatus.ELIGIBLE},
    EntryStatus.FINALIST: {EntryStatus.ELIGIBLE, EntryStatus.AWARDED, EntryStatus.INELIGIBLE},
    EntryStatus.AWARDED: {EntryStatus.FINALIST},
    EntryStatus.WITHDRAWN: set(),
}

# Statuses in which the author may still amend or withdraw (until the deadline).
AMENDABLE = {EntryStatus.SUBMITTED, EntryStatus.ELIGIBLE}
# Statuses that count toward "entries per author" and duplicate-text checks.
ACTIVE = {s for s in EntryStatus if s != EntryStatus.WITHDRAWN}


def can_transition(current, new):
    return EntryStatus(new) in TRANSITIONS[EntryStatus(current)]
