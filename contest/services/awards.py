"""Verification by localities, prizes drafted and released together, and the release of results."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from home.page_cache import invalidate_page_cache
from outbox.services import queue_message

from .. import messages
from ..models import Award, Entry, PrizeTier, ResultsRelease, Verification
from ..statuses import EntryStatus
from .status import set_entry_status

VERIFICATION_RECORDED = "contest.verification.recorded"
VERIFICATION_OVERRIDDEN = "contest.verification.overridden"
AWARD_DRAFTED = "contest.award.drafted"
AWARD_REMOVED = "contest.award.removed"
RESULTS_RELEASED = "contest.results.released"

AWARDABLE = {EntryStatus.ELIGIBLE, EntryStatus.FINALIST}


class AwardRefused(Exception):
    """A prize cannot be given or changed; the message says why, in Vietnamese, for the organiser."""


def record_verification(
    entry,
    *,
    user,
    locality,
    letter_number="",
    letter_date=None,
    outcome,
    answered_on=None,
    note="",
    reply_document=None,
):
    """Create or update the entry's verification; tell the author when the request letter is first recorded.

    Side effects: one audit-log entry `contest.verification.recorded`; the message `contest.verification_requested`
    to the author (on commit) the first time a letter number and date are recorded.
    """
    with transaction.atomic():
        verification = Verification.objects.select_for_update().filter(entry=entry).first()
        letter_was_recorded = bool(verification and verification.letter_number and verification.letter_date)
        if verification is None:
            verification = Verification(entry=entry)
        verification.locality = locality
        verification.letter_number = letter_number
        verification.letter_date = letter_date
        verification.outcome = outcome
        verification.answered_on = answered_on
        verification.note = note
        if reply_document is not None:
            verification.reply_document = reply_document
        verification.save()
        log(entry, VERIFICATION_RECORDED, user=user, data={"outcome": outcome, "letter_number": letter_number})
        if letter_number and letter_date and not letter_was_recorded:
            queue_message(
                messages.VERIFICATION_REQUESTED.key,
                to=entry.author_email,
                context={"entry": entry, "edition": entry.edition, "verification": verification},
                related=entry,
            )
    return verification


def override_verification(verification, *, user, reason):
    """Let an unconfirmed entry receive a prize; the reason and the organiser are recorded."""
    reason = (reason or "").strip()
    if not reason:
        raise AwardRefused(_("Give the reason for awarding an entry its locality has not confirmed."))
    with transaction.atomic():
        verification.override_reason = reason
        verification.overridden_by = user
        verification.save(update_fields=["override_reason", "overridden_by", "updated_at"])
        log(verification.entry, VERIFICATION_OVERRIDDEN, user=user, data={"reason": reason})
    return verification


def assign_award(entry, tier, *, user):
    """Draft `tier` for `entry` in the next free place of the tier.

    Refuses (AwardRefused) when results are already released, the entry is of another edition or not eligible,
    its locality has not confirmed it (without an organiser's recorded override), it already has a prize, or the
    tier is full. The tier row is locked so two organisers cannot both take its last place.
    """
    with transaction.atomic():
        tier = PrizeTier.objects.select_for_update().get(pk=tier.pk)
        entry = Entry.objects.select_related("edition").get(pk=entry.pk)
        if entry.edition_id != tier.edition_id:
            raise AwardRefused(_("This prize belongs to another edition."))
        if ResultsRelease.objects.filter(edition_id=tier.edition_id).exists():
            raise AwardRefused(_("The results have been released; prizes can no longer change."))
        if entry.status not in AWARDABLE:
            raise AwardRefused(
                _("Entry %(code)s is %(status)s and cannot receive a prize.")
                % {"code": entry.code, "status": EntryStatus(entry.status).label}
            )
        verification = Verification.objects.filter(entry=entry).first()
        if not tier.is_readers_choice and (verification is None or not verification.allows_award):
            raise AwardRefused(
                _("The locality has not confirmed entry %(code)s; record its answer or an override with a reason.")
                % {"code": entry.code}
            )
        if Award.objects.filter(entry=entry).exists():
            raise AwardRefused(_("Entry %(code)s already has a prize.") % {"code": entry.code})
        taken = set(Award.objects.filter(tier=tier).values_list("slot", flat=True))
        free = [slot for slot in range(1, tier.count + 1) if slot not in taken]
        if not free:
            raise AwardRefused(
                _("All %(count)s places of “%(tier)s” are taken.") % {"count": tier.count, "tier": tier.name}
            )
        try:
            with transaction.atomic():
                award = Award.objects.create(tier=tier, entry=entry, slot=free[0], created_by=user)
        except IntegrityError as error:
            raise AwardRefused(_("Someone assigned this place at the same moment; please try again.")) from error
        log(entry, AWARD_DRAFTED, user=user, data={"tier": tier.name, "slot": award.slot})
    return award


def remove_award(award, *, user):
    with transaction.atomic():
        if ResultsRelease.objects.filter(edition_id=award.tier.edition_id).exists():
            raise AwardRefused(_("The results have been released; prizes can no longer change."))
        log(award.entry, AWARD_REMOVED, user=user, data={"tier": award.tier.name})
        award.delete()


def release_results(edition, *, user, results_link=""):
    """Publish every drafted prize of `edition` at once.

    Side effects: a ResultsRelease row (a second release is refused), awards stamped as released, each winner's
    entry moved to AWARDED (through FINALIST where needed), one `contest.prize` message per winner on commit,
    one audit-log entry, and the page cache made stale so readers see the results at once.
    """
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                release = ResultsRelease.objects.create(edition=edition, released_by=user)
        except IntegrityError as error:
            raise AwardRefused(_("The results of this edition have already been released.")) from error
        awards = list(Award.objects.filter(tier__edition=edition).select_related("entry", "tier"))
        if not awards:
            raise AwardRefused(_("No prize has been assigned yet."))
        Award.objects.filter(pk__in=[award.pk for award in awards]).update(released_at=now)
        for award in awards:
            if award.entry.status == EntryStatus.ELIGIBLE:
                set_entry_status(award.entry, EntryStatus.FINALIST, user=user)
            set_entry_status(award.entry, EntryStatus.AWARDED, user=user)
            queue_message(
                messages.PRIZE.key,
                to=award.entry.author_email,
                context={"entry": award.entry, "edition": edition, "award": award, "results_link": results_link},
                related=award.entry,
            )
        log(edition, RESULTS_RELEASED, user=user, data={"awards": len(awards)})
        transaction.on_commit(invalidate_page_cache)
    return release
