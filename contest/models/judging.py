"""Judging: rounds and their rubrics, who reads what, conflicts of interest, score sheets and their history."""

from decimal import Decimal

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from .editions import ContestPage
from .entries import Entry


class RoundState(models.TextChoices):
    SET_UP = "set_up", _("being set up")
    OPEN = "open", _("open for scoring")
    CLOSED = "closed", _("closed")
    FINALISED = "finalised", _("finalised")


class ScoreVisibility(models.TextChoices):
    NEVER = "never", _("never")
    AFTER_OWN = "after_own", _("after submitting their own")


class Aggregation(models.TextChoices):
    MEAN = "mean", _("mean")
    MEDIAN = "median", _("median")
    TRIMMED_MEAN = "trimmed_mean", _("trimmed mean (drops the highest and lowest of five or more)")
    NORMALISED_MEAN = "normalised_mean", _("per-judge normalised mean")


class AdvancementRule(models.TextChoices):
    TOP_N = "top_n", _("the top N entries")
    THRESHOLD = "threshold", _("every entry at or above a score")


class Decision(models.TextChoices):
    PENDING = "pending", _("not decided")
    ADVANCES = "advances", _("advances")
    STOPS = "stops", _("does not advance")


class Round(ClusterableModel):
    """One judging round of an edition (sơ khảo, chung khảo): its rubric, jury, rules and state."""

    edition = models.ForeignKey(
        ContestPage, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="judging_rounds"
    )
    name = models.CharField(_("name"), max_length=120, help_text=_("E.g. Vòng sơ khảo."))
    order = models.PositiveSmallIntegerField(
        _("order"), default=1, help_text=_("Rounds run in this order; entries advance to the next one.")
    )
    opens_on = models.DateField(_("scoring opens"), null=True, blank=True)
    closes_on = models.DateField(_("scoring closes"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=RoundState.choices, default=RoundState.SET_UP)
    judges = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judges"),
        related_name="judging_rounds",
        blank=True,
        help_text=_("Members of the jury group who score this round."),
    )
    reviews_required = models.PositiveSmallIntegerField(
        _("judges per entry"), default=3, validators=[MinValueValidator(1)]
    )
    is_blind = models.BooleanField(
        _("blind"), default=True, help_text=_("Judges never see the author's name or contact details.")
    )
    score_visibility = models.CharField(
        _("judges see other judges' scores"),
        max_length=20,
        choices=ScoreVisibility.choices,
        default=ScoreVisibility.NEVER,
    )
    aggregation = models.CharField(
        _("ranking method"), max_length=20, choices=Aggregation.choices, default=Aggregation.MEAN
    )
    advancement_rule = models.CharField(
        _("advancement rule"), max_length=20, choices=AdvancementRule.choices, default=AdvancementRule.TOP_N
    )
    advancement_value = models.DecimalField(
        _("how many advance, or the minimum score"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(0)],
    )
    disagreement_percent = models.PositiveSmallIntegerField(
        _("disagreement flag (% of the maximum)"),
        default=25,
        help_text=_("Flag an entry when its judges' totals differ by more than this share of the maximum total."),
    )
    decisions_released_at = models.DateTimeField(_("decisions released"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("edition"),
        FieldRowPanel([FieldPanel("name"), FieldPanel("order")]),
        FieldRowPanel([FieldPanel("opens_on"), FieldPanel("closes_on")]),
        FieldPanel("judges"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("reviews_required"), FieldPanel("is_blind")]),
                FieldPanel("score_visibility"),
                FieldPanel("aggregation"),
                FieldPanel("disagreement_percent"),
                FieldRowPanel([FieldPanel("advancement_rule"), FieldPanel("advancement_value")]),
            ],
            heading=_("Rules of the round"),
        ),
        InlinePanel("criteria", heading=_("Rubric"), label=_("criterion"), min_num=1),
    ]

    class Meta:
        verbose_name = _("judging round")
        verbose_name_plural = _("judging rounds")
        ordering = ["edition", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "order"], name="unique_round_order_per_edition"),
            models.CheckConstraint(condition=Q(reviews_required__gte=1), name="round_reviews_required_positive"),
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(opens_on__isnull=True) | Q(closes_on__gte=F("opens_on")),
                name="round_closes_after_it_opens",
            ),
        ]

    def __str__(self):
        return f"{self.edition.title} — {self.name}" if self.edition_id else self.name

    def clean(self):
        super().clean()
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("A round must close after it opens.")})

    @property
    def accepts_scores(self):
        return self.state == RoundState.OPEN

    @property
    def is_locked(self):
        return self.state == RoundState.FINALISED

    def max_total(self, criteria=None):
        """The highest weighted total a sheet can reach on this round's rubric."""
        criteria = self.criteria.all() if criteria is None else criteria
        return sum((Decimal(c.max_points) * c.weight for c in criteria), Decimal(0))


class Criterion(Orderable):
    """One line of a round's rubric (thang điểm): what is judged, its maximum points and weight."""

    round = ParentalKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=160)
    description = models.TextField(_("what the judge looks for"), blank=True)
    max_points = models.PositiveSmallIntegerField(_("maximum points"), default=10, validators=[MinValueValidator(1)])
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(0.01)]
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("max_points"), FieldPanel("weight")]),
        FieldPanel("description"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(condition=Q(max_points__gte=1), name="criterion_max_points_positive"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self):
        return self.name


class RoundEntry(models.Model):
    """An entry taking part in a round, with the decision drafted for it (told to the author only at release)."""

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="round_entries")
    entry = models.ForeignKey(Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="round_entries")
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=3, null=True, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("entry in a round")
        verbose_name_plural = _("entries in a round")
        ordering = ["round", "entry__receipt_number"]
        constraints = [models.UniqueConstraint(fields=["round", "entry"], name="unique_entry_per_round")]

    def __str__(self):
        return f"{self.round_id}: {self.entry_id}"


class Assignment(models.Model):
    """One judge reading one entry in one round; `position` is the judge's own random reading order."""

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="assignments")
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("judge"), on_delete=models.PROTECT, related_name="assignments"
    )
    entry = models.ForeignKey(Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="assignments")
    position = models.PositiveIntegerField(_("position in the judge's queue"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["round", "judge", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "judge", "entry"], name="unique_assignment_per_judge_entry")
        ]
        indexes = [models.Index(fields=["round", "judge", "position"])]

    def __str__(self):
        return f"{self.round_id}: {self.judge_id} → {self.entry_id}"


class ConflictOfInterest(models.Model):
    """A judge's declaration that they cannot judge an entry fairly (a relative, a colleague, the subject)."""

    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("judge"), on_delete=models.CASCADE, related_name="conflicts"
    )
    entry = models.ForeignKey(Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="conflicts")
    round = models.ForeignKey(
        Round,
        verbose_name=_("declared in round"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conflicts",
    )
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["-declared_at"]
        constraints = [models.UniqueConstraint(fields=["judge", "entry"], name="unique_conflict_per_judge_entry")]

    def __str__(self):
        return f"{self.judge_id} ≠ {self.entry_id}"


class SheetState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("score sheet", "draft")
    SUBMITTED = "submitted", pgettext_lazy("score sheet", "submitted")


class ScoreSheet(models.Model):
    """A judge's phiếu chấm for one assignment: one score per criterion and a comment."""

    assignment = models.OneToOneField(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="sheet"
    )
    comment = models.TextField(_("comment"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=SheetState.choices, default=SheetState.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(submitted_at__isnull=False), name="submitted_sheet_has_time"
            )
        ]

    def __str__(self):
        return f"{self.assignment}"


class Score(models.Model):
    """Points on one criterion. The criterion's maximum is copied here so the database itself bounds the points."""

    sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("score sheet"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="+")
    points = models.PositiveSmallIntegerField(_("points"))
    max_points = models.PositiveSmallIntegerField(_("maximum points"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="unique_score_per_sheet_criterion"),
            models.CheckConstraint(
                condition=Q(points__gte=0) & Q(points__lte=F("max_points")), name="score_within_criterion_range"
            ),
        ]

    def __str__(self):
        return f"{self.points}/{self.max_points}"


class ScoreChange(models.Model):
    """The history of every score: who changed it, when, from what to what. Kept even if the assignment goes."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="score_changes")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="score_changes")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="score_changes_made"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    old_points = models.PositiveSmallIntegerField(null=True)
    new_points = models.PositiveSmallIntegerField(null=True)

    class Meta:
        verbose_name = _("score change")
        verbose_name_plural = _("score changes")
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.old_points} → {self.new_points}"
