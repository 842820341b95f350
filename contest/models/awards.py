"""Local verification of finalists, prizes drafted and released together, and the release of an edition's results."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .editions import ContestPage, PrizeTier
from .entries import Entry, private_storage


def reply_document_path(verification, filename):
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "pdf"
    return f"entries/{verification.entry.edition_id}/{verification.entry.receipt_number:04d}/verification.{extension}"


class Verification(models.Model):
    """A locality's confirmation that an entry's exemplar is real, asked for by official letter."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("pending")
        CONFIRMED = "confirmed", _("confirmed")
        NOT_CONFIRMED = "not_confirmed", _("not confirmed")

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="verification")
    locality = models.ForeignKey(
        "exemplar_pages.Locality", verbose_name=_("locality asked"), on_delete=models.PROTECT, related_name="+"
    )
    letter_number = models.CharField(_("letter number"), max_length=60, blank=True)
    letter_date = models.DateField(_("letter date"), null=True, blank=True)
    outcome = models.CharField(_("answer"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    reply_document = models.FileField(
        _("reply document"), storage=private_storage, upload_to=reply_document_path, blank=True, max_length=255
    )
    override_reason = models.TextField(
        _("reason for awarding without confirmation"),
        blank=True,
        help_text=_("Only organisers may award an unconfirmed entry, and only with a recorded reason."),
    )
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")

    def __str__(self):
        return f"{self.entry.code}: {self.get_outcome_display()}"

    @property
    def allows_award(self):
        return self.outcome == self.Outcome.CONFIRMED or bool(self.override_reason)


class Award(models.Model):
    """A prize tier given to an entry. Drafted one by one, released together; slots keep tier counts exact."""

    tier = models.ForeignKey(PrizeTier, verbose_name=_("prize"), on_delete=models.PROTECT, related_name="awards")
    entry = models.OneToOneField(Entry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="award")
    slot = models.PositiveSmallIntegerField(_("place within the prize"))
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["tier__sort_order", "slot"]
        constraints = [
            # Two organisers assigning the last place of a tier at once: the database lets only one through.
            models.UniqueConstraint(fields=["tier", "slot"], name="unique_slot_per_prize_tier"),
            models.CheckConstraint(condition=Q(slot__gte=1), name="award_slot_positive"),
        ]

    def __str__(self):
        return f"{self.tier.name}: {self.entry.code}"


class ResultsRelease(models.Model):
    """The moment an edition's results became public; until it exists the results page, search and feeds hide them."""

    edition = models.OneToOneField(ContestPage, on_delete=models.CASCADE, related_name="results_release")
    released_at = models.DateTimeField(_("released"), auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("results release")

    def __str__(self):
        return f"{self.edition}: {self.released_at:%d/%m/%Y}"
