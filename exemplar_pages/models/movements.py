"""Movement pages (`/phong-trao/<slug>/`): who leads and partners, the criteria, and the targets per exemplar kind."""

from modelcluster.fields import ParentalKey

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.blocks import StoryBlock
from home.models import BasePage

from .core import ExemplarKind
from .plans import YEAR_VALIDATORS


class MovementIndexPage(BasePage):
    """`/phong-trao/`: every movement of every plan, grouped by plan (newest plan first)."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["exemplar_pages.MovementPage"]
    max_count = 1

    class Meta:
        verbose_name = _("movement index")

    def get_context(self, request, *args, **kwargs):
        from exemplar_pages.services.progress import movement_progress

        context = super().get_context(request, *args, **kwargs)
        movements = list(
            MovementPage.objects.child_of(self)
            .live()
            .public()
            .select_related("plan")
            .prefetch_related("lead_agencies__agency", "targets__lead_agency")
            .order_by("path")
        )
        progress = movement_progress(movements=movements)
        groups = {}
        for movement in movements:
            movement.progress = progress[movement.pk]
            groups.setdefault(movement.plan, []).append(movement)
        # Newest plan first; movements without a plan last.
        context["plan_groups"] = sorted(
            groups.items(), key=lambda item: (item[0] is None, -(item[0].period_start if item[0] else 0))
        )
        return context


class MovementPage(BasePage):
    """An emulation movement, campaign, scheme or field that a plan names, with its lead agencies and targets."""

    class Kind(models.TextChoices):
        MOVEMENT = "movement", _("emulation movement")
        CAMPAIGN = "campaign", _("campaign")
        SCHEME = "scheme", _("scheme")
        FIELD = "field", _("field")
        DEFENCE = "defence", _("defence and security task")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MOVEMENT)
    summary = models.TextField(_("summary"), blank=True)
    plan = models.ForeignKey(
        "exemplar_pages.PlanPage",
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movements",
        help_text=_("The plan that names this movement; a movement continued in a new plan gets a new page."),
    )
    period_start = models.PositiveSmallIntegerField(_("from (year)"), null=True, blank=True, validators=YEAR_VALIDATORS)
    period_end = models.PositiveSmallIntegerField(_("to (year)"), null=True, blank=True, validators=YEAR_VALIDATORS)
    criteria = RichTextField(_("criteria"), blank=True, help_text=_("What makes an exemplar of this movement."))
    body = StreamField(StoryBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [
        FieldPanel("plan"),
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")], heading=_("Period")),
        FieldPanel("summary"),
        InlinePanel("lead_agencies", label=_("Lead agency"), heading=_("Lead agencies"), min_num=1),
        InlinePanel("partner_agencies", label=_("Partner agency"), heading=_("Partner agencies")),
        InlinePanel(
            "targets",
            label=_("Target"),
            heading=_("Targets"),
            help_text=_("Minimum number of exemplars per kind; name a lead agency when each lead has its own target."),
        ),
        MultiFieldPanel(
            [FieldPanel("criteria"), InlinePanel("criteria_documents", label=_("Document"))], heading=_("Criteria")
        ),
        FieldPanel("body"),
    ]
    parent_page_types = ["exemplar_pages.MovementIndexPage"]
    subpage_types = []
    route_select_related = ("plan",)
    folded_search_fields = ("title", "summary")
    search_fields = BasePage.search_fields + [index.SearchField("summary"), index.FilterField("plan")]
    api_fields = [
        APIField("kind"),
        APIField("summary"),
        APIField("plan"),
        APIField("period_start"),
        APIField("period_end"),
        APIField("criteria"),
        APIField("lead_agencies"),
        APIField("partner_agencies"),
        APIField("targets"),
    ]

    class Meta:
        verbose_name = _("movement")
        verbose_name_plural = _("movements")

    @property
    def period_label(self):
        start = self.period_start or (self.plan.period_start if self.plan_id else None)
        end = self.period_end or (self.plan.period_end if self.plan_id else None)
        if start and end:
            return f"{start}–{end}"
        return ""

    def get_context(self, request, *args, **kwargs):
        from exemplar_pages.models import ExemplarPage
        from exemplar_pages.services.progress import progress_for_targets
        from home.fragments import public

        context = super().get_context(request, *args, **kwargs)
        # Lazy (a callable, a queryset): the template's cached fragments run them only when they render afresh.
        context["progress"] = lambda: progress_for_targets(self.targets.select_related("lead_agency"))
        context["leads"] = list(self.lead_agencies.select_related("agency"))
        context["partners"] = list(self.partner_agencies.select_related("agency"))
        context["documents"] = list(self.criteria_documents.select_related("document"))
        context["latest_exemplars"] = public(
            ExemplarPage.objects.live()
            .filter(movement=self)
            .select_related("locality", "photo")
            .prefetch_related("photo__renditions")
            .order_by("-first_published_at", "-pk")
        )[:6]
        return context


class MovementLeadAgency(Orderable):
    """A lead agency (cơ quan chủ trì) of a movement; `requested` when the plan asks a Party or mass body (đề nghị)."""

    movement = ParentalKey(MovementPage, on_delete=models.CASCADE, related_name="lead_agencies")
    agency = models.ForeignKey(
        "exemplar_pages.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    requested = models.BooleanField(
        _("requested, not assigned"),
        default=False,
        help_text=_("The plan asks (đề nghị) this Party or mass body rather than assigning it."),
    )

    panels = [FieldPanel("agency"), FieldPanel("requested")]
    api_fields = [APIField("agency_name"), APIField("requested")]

    class Meta(Orderable.Meta):
        verbose_name = _("lead agency")
        verbose_name_plural = _("lead agencies")
        constraints = [models.UniqueConstraint(fields=["movement", "agency"], name="unique_movement_lead_agency")]

    @property
    def agency_name(self):
        return self.agency.name


class MovementPartnerAgency(Orderable):
    """An agency that works with the lead agencies on a movement (cơ quan phối hợp)."""

    movement = ParentalKey(MovementPage, on_delete=models.CASCADE, related_name="partner_agencies")
    agency = models.ForeignKey(
        "exemplar_pages.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )

    panels = [FieldPanel("agency")]
    api_fields = [APIField("agency_name")]

    class Meta(Orderable.Meta):
        verbose_name = _("partner agency")
        verbose_name_plural = _("partner agencies")
        constraints = [models.UniqueConstraint(fields=["movement", "agency"], name="unique_movement_partner_agency")]

    @property
    def agency_name(self):
        return self.agency.name


class MovementTarget(Orderable):
    """The minimum number of exemplars of one kind a movement must build, for one lead agency where the plan says so."""

    movement = ParentalKey(MovementPage, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(_("exemplar kind"), max_length=30, choices=ExemplarKind.choices)
    lead_agency = models.ForeignKey(
        "exemplar_pages.Agency",
        verbose_name=_("for lead agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Only when each lead agency has its own target (e.g. defence and security)."),
    )
    minimum = models.PositiveIntegerField(_("minimum number"), validators=[MinValueValidator(1)])

    panels = [FieldRowPanel([FieldPanel("kind"), FieldPanel("lead_agency"), FieldPanel("minimum")])]
    api_fields = [APIField("kind"), APIField("lead_agency_id"), APIField("minimum")]

    class Meta(Orderable.Meta):
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["movement", "kind", "lead_agency"], name="unique_movement_target_per_lead"),
            models.UniqueConstraint(
                fields=["movement", "kind"],
                condition=models.Q(lead_agency__isnull=True),
                name="unique_movement_target_without_lead",
            ),
            models.CheckConstraint(condition=models.Q(minimum__gte=1), name="movement_target_minimum_positive"),
        ]

    def clean(self):
        super().clean()
        if self.lead_agency_id and self.movement_id:
            lead_ids = {lead.agency_id for lead in self.movement.lead_agencies.all()}
            if lead_ids and self.lead_agency_id not in lead_ids:
                raise ValidationError({"lead_agency": _("Choose one of this movement's lead agencies.")})


class MovementDocument(Orderable):
    """A document attached to a movement's criteria (a decision, a form, a guide)."""

    movement = ParentalKey(MovementPage, on_delete=models.CASCADE, related_name="criteria_documents")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=255, blank=True, help_text=_("Defaults to the document's title."))

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("criteria document")
        verbose_name_plural = _("criteria documents")

    @property
    def display_title(self):
        return self.title or self.document.title
