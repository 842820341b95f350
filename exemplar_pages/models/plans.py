"""The province's plans (`/ke-hoach/`): number, dates, motto, phases and milestones; movements point to one."""

from modelcluster.fields import ParentalKey

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.blocks import StoryBlock
from home.models import BasePage

YEAR_VALIDATORS = [MinValueValidator(1945), MaxValueValidator(2100)]


class PlanIndexPage(BasePage):
    """`/ke-hoach/`: every plan of the province, newest first; past plans stay readable."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["exemplar_pages.PlanPage"]
    max_count = 1

    class Meta:
        verbose_name = _("plan index")

    def get_context(self, request, *args, **kwargs):
        from exemplar_pages.services.progress import plan_totals

        context = super().get_context(request, *args, **kwargs)
        plans = list(PlanPage.objects.child_of(self).live().public().order_by("-period_start", "-issued_on"))
        totals = plan_totals(plans=plans)
        for plan in plans:
            plan.progress = totals[plan.pk]
        context["plans"] = plans
        return context


class PlanPage(BasePage):
    """One plan (e.g. 310/KH-UBND, 2021–2025): its identity, phases, milestones and the movements it names."""

    number = models.CharField(_("number"), max_length=60, help_text=_("As written on the document, e.g. 310/KH-UBND"))
    issued_by = models.CharField(_("issued by"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    signed_by = models.CharField(_("signed by"), max_length=200, blank=True)
    period_start = models.PositiveSmallIntegerField(_("period starts (year)"), validators=YEAR_VALIDATORS)
    period_end = models.PositiveSmallIntegerField(_("period ends (year)"), validators=YEAR_VALIDATORS)
    motto = models.CharField(_("motto"), max_length=300, blank=True)
    coordinator = models.CharField(
        _("coordinator"), max_length=255, blank=True, help_text=_("The agency that follows up and reports.")
    )
    summary = models.TextField(_("summary"), blank=True)
    body = StreamField(StoryBlock(), blank=True, verbose_name=_("body"))
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("plan document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("number"),
                FieldRowPanel([FieldPanel("issued_on"), FieldPanel("issued_by"), FieldPanel("signed_by")]),
                FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")]),
                FieldPanel("document"),
            ],
            heading=_("Document"),
        ),
        FieldPanel("motto"),
        FieldPanel("coordinator"),
        FieldPanel("summary"),
        InlinePanel("phases", label=_("Phases"), heading=_("Phases")),
        InlinePanel("milestones", label=_("Milestones"), heading=_("Milestones")),
        FieldPanel("body"),
    ]
    parent_page_types = ["exemplar_pages.PlanIndexPage"]
    subpage_types = []
    folded_search_fields = ("title", "number", "motto", "summary")
    search_fields = BasePage.search_fields + [index.SearchField("summary"), index.SearchField("number")]
    api_fields = [
        APIField("number"),
        APIField("issued_on"),
        APIField("issued_by"),
        APIField("period_start"),
        APIField("period_end"),
        APIField("motto"),
        APIField("coordinator"),
        APIField("summary"),
        APIField("phases"),
        APIField("milestones"),
    ]

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="plan_period_ends_after_start"
            )
        ]

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period cannot end before it starts.")})

    @property
    def period_label(self):
        return f"{self.period_start}–{self.period_end}"

    def get_context(self, request, *args, **kwargs):
        from exemplar_pages.models import MovementPage
        from exemplar_pages.services.progress import movement_progress, plan_totals

        context = super().get_context(request, *args, **kwargs)
        movements = list(
            MovementPage.objects.live()
            .public()
            .filter(plan=self)
            .order_by("path")
            .prefetch_related("targets__lead_agency")
        )
        progress = movement_progress(movements=movements)
        for movement in movements:
            movement.progress = progress[movement.pk]
        context["movements"] = movements
        context["totals"] = plan_totals(plans=[self])[self.pk]
        context["phase_list"] = list(self.phases.all())
        context["milestone_list"] = list(self.milestones.all())
        return context


class PlanPhase(Orderable):
    """A phase of a plan (Giai đoạn 1: 2021–2023 …)."""

    plan = ParentalKey(PlanPage, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("name"), max_length=120)
    start_year = models.PositiveSmallIntegerField(_("from (year)"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("to (year)"), validators=YEAR_VALIDATORS)
    summary = models.TextField(_("summary"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("start_year"), FieldPanel("end_year")]),
        FieldPanel("summary"),
    ]
    api_fields = [APIField("name"), APIField("start_year"), APIField("end_year"), APIField("summary")]

    class Meta(Orderable.Meta):
        verbose_name = _("phase")
        verbose_name_plural = _("phases")


class PlanMilestone(Orderable):
    """A dated step of a plan; `when` is free text for recurring or year-only dates ("every 11 June", "2025")."""

    plan = ParentalKey(PlanPage, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("Leave empty when only a year is known."))
    when = models.CharField(
        _("when (as text)"),
        max_length=100,
        blank=True,
        help_text=_("Shown instead of the date, e.g. “2025” or “every year, 11 June”."),
    )
    what = models.TextField(_("what happens"))

    panels = [FieldRowPanel([FieldPanel("date"), FieldPanel("when")]), FieldPanel("what")]

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if not self.date and not self.when.strip():
            raise ValidationError({"date": _("Give a date, or say when in words.")})

    api_fields = [APIField("date"), APIField("when"), APIField("what")]

    class Meta(Orderable.Meta):
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
