"""Public voting: an edition's voting rules, the entries open to the vote, voters, confirmation requests and votes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel

from ..statuses import EntryStatus
from .editions import ContestPage
from .entries import Entry

# The window key of a vote when the edition allows one vote per person per entry for the whole window.
WHOLE_WINDOW = "once"


class PerEntryRule(models.TextChoices):
    ONCE = "once", _("once for the whole voting window")
    DAILY = "daily", _("once per day")


class CountsVisibility(models.TextChoices):
    LIVE = "live", _("shown live")
    AFTER_CLOSE = "after_close", _("hidden until voting closes")


class VotingRules(models.Model):
    """How an edition's readers' vote works; kept beside the page so editing the page never touches it."""

    edition = models.OneToOneField(
        ContestPage, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="voting_rules"
    )
    per_entry = models.CharField(
        _("votes per person per entry"), max_length=10, choices=PerEntryRule.choices, default=PerEntryRule.ONCE
    )
    max_entries_per_voter = models.PositiveSmallIntegerField(
        _("entries one person may vote for"), default=3, help_text=_("0 means no limit.")
    )
    counts_visibility = models.CharField(
        _("vote counts"), max_length=12, choices=CountsVisibility.choices, default=CountsVisibility.AFTER_CLOSE
    )
    session_minutes = models.PositiveSmallIntegerField(
        _("minutes a confirmed reader may vote without confirming again"), default=60
    )
    retention_days = models.PositiveSmallIntegerField(
        _("days voters' personal data is kept after voting closes"), default=90
    )

    panels = [
        FieldPanel("edition"),
        FieldRowPanel([FieldPanel("per_entry"), FieldPanel("max_entries_per_voter")]),
        FieldPanel("counts_visibility"),
        FieldRowPanel([FieldPanel("session_minutes"), FieldPanel("retention_days")]),
    ]

    class Meta:
        verbose_name = _("voting rules")
        verbose_name_plural = _("voting rules")
        constraints = [
            models.CheckConstraint(condition=Q(session_minutes__gte=1), name="voting_session_at_least_a_minute"),
        ]

    def __str__(self):
        return str(self.edition)

    def counts_are_public(self, now):
        if self.counts_visibility == CountsVisibility.LIVE:
            return True
        return bool(self.edition.voting_close and now >= self.edition.voting_close)


class VotingCandidate(models.Model):
    """An entry the organisers opened to the readers' vote in its edition."""

    edition = models.ForeignKey(
        ContestPage, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="voting_candidates"
    )
    entry = models.OneToOneField(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="voting_candidate"
    )
    is_open_to_vote = models.BooleanField(_("open to the vote"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order in the gallery"), default=0)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    panels = [FieldPanel("entry"), FieldRowPanel([FieldPanel("is_open_to_vote"), FieldPanel("sort_order")])]

    class Meta:
        verbose_name = _("entry open to the vote")
        verbose_name_plural = _("entries open to the vote")
        ordering = ["edition", "sort_order", "entry__receipt_number"]
        indexes = [models.Index(fields=["edition", "is_open_to_vote"])]

    def __str__(self):
        return str(self.entry)

    def clean(self):
        if not self.entry_id:
            return
        errors = []
        if self.edition_id and self.entry.edition_id != self.edition_id:
            errors.append(_("The entry belongs to another edition."))
        if self.entry.status not in (EntryStatus.ELIGIBLE, EntryStatus.FINALIST, EntryStatus.AWARDED):
            errors.append(_("Only eligible entries, finalists or prize winners can be opened to the vote."))
        if not self.entry.consents_to_publication:
            errors.append(_("The author has not consented to publication."))
        if errors:
            raise ValidationError({"entry": errors})


class Voter(models.Model):
    """A reader who votes in one edition, known by a normalised e-mail address until the data is purged."""

    edition = models.ForeignKey(ContestPage, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="voters")
    email = models.EmailField(_("e-mail (normalised)"), max_length=254, blank=True)
    # A keyed hash of the normalised address: finds the voter without a case-sensitive or raw lookup; cleared on purge.
    email_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    # Kept after purge: bursts of new addresses on one domain are an audit signal, the domain alone names nobody.
    email_domain = models.CharField(_("e-mail domain"), max_length=253, db_index=True)
    created_at = models.DateTimeField(_("first request"), auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(_("first confirmed"), null=True, blank=True)
    purged_at = models.DateTimeField(_("personal data removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        constraints = [
            models.UniqueConstraint(fields=["edition", "email_hash"], name="unique_voter_per_edition"),
        ]

    def __str__(self):
        return self.email or f"#{self.pk}"


class VoteRequest(models.Model):
    """A vote waiting for its e-mail confirmation: a one-time link and a 6-digit code, both hashed at rest."""

    edition = models.ForeignKey(ContestPage, on_delete=models.CASCADE, related_name="vote_requests")
    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="requests")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="vote_requests")
    # Not a secret: names the request in the code form's URL; the code proves the reader holds the mailbox.
    public_id = models.CharField(max_length=32, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    code_hash = models.CharField(max_length=64, editable=False)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)
    network_hash = models.CharField(max_length=64, blank=True)
    user_agent_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("vote request")
        verbose_name_plural = _("vote requests")

    def __str__(self):
        return self.public_id


class Vote(models.Model):
    """One confirmed vote: never deleted; organisers invalidate it with a reason and it stays in the ledger."""

    edition = models.ForeignKey(ContestPage, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(Voter, verbose_name=_("voter"), on_delete=models.PROTECT, related_name="votes")
    entry = models.ForeignKey(Entry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="votes")
    # The date (Asia/Ho_Chi_Minh) for once-per-day editions, WHOLE_WINDOW otherwise.
    window = models.CharField(_("window"), max_length=10)
    request = models.OneToOneField(
        VoteRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="vote", editable=False
    )
    cast_at = models.DateTimeField(_("cast"), default=timezone.now, db_index=True)
    ip_hash = models.CharField(_("IP address (keyed hash)"), max_length=64, blank=True)
    network_hash = models.CharField(_("network (keyed hash)"), max_length=64, blank=True, db_index=True)
    user_agent_hash = models.CharField(_("browser (keyed hash)"), max_length=64, blank=True, db_index=True)
    is_valid = models.BooleanField(_("valid"), default=True)
    invalidated_at = models.DateTimeField(_("invalidated"), null=True, blank=True)
    invalidated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invalidated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invalidation_reason = models.TextField(_("reason for invalidation"), blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["cast_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["voter", "entry", "window"], name="one_vote_per_voter_entry_window"),
            models.CheckConstraint(
                condition=Q(is_valid=True) | ~Q(invalidation_reason=""), name="invalidated_vote_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["edition", "is_valid", "entry"])]

    def __str__(self):
        return f"{self.entry_id} @ {self.cast_at:%Y-%m-%d %H:%M}"
