"""Contest editions as pages: the published rules, dates, limits, genres and prize tiers of each run."""

from modelcluster.fields import ParentalKey

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.models import BasePage

from ..views.results import ResultsRoutesMixin
from ..voting_routes import VotingRoutesMixin


class SubjectKind(models.TextChoices):
    """The contest's categories: an entry is about one person or one collective."""

    INDIVIDUAL = "individual", _("individual")
    COLLECTIVE = "collective", _("collective")


class Phase(models.TextChoices):
    """Where an edition stands, computed from its dates."""

    UPCOMING = "upcoming", _("opening soon")
    SUBMISSION = "submission", _("accepting entries")
    JUDGING = "judging", _("judging")
    VOTING = "voting", _("readers' vote")
    AWAITING_RESULTS = "awaiting_results", _("awaiting results")
    RESULTS = "results", _("results announced")


class ContestIndexPage(BasePage):
    """`/cuoc-thi/`: every edition, newest first."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["contest.ContestPage"]
    max_count = 1

    class Meta:
        verbose_name = _("contest index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["editions"] = ContestPage.objects.child_of(self).live().public().order_by("-year", "-pk")
        return context


class ContestPage(VotingRoutesMixin, ResultsRoutesMixin, RoutablePageMixin, BasePage):
    """One edition (`/cuoc-thi/2025/`): rules, timeline, limits and prizes; sub-routes serve its public forms."""

    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The edition's year, e.g. 2025."))
    code_prefix = models.CharField(
        _("receipt code prefix"),
        max_length=12,
        help_text=_("Receipt codes are this prefix, a dash and a four-digit number, e.g. GNT2025-0042."),
    )
    organiser = models.CharField(
        _("organiser"), max_length=255, default="Sở Văn hóa, Thể thao và Du lịch tỉnh Tây Ninh"
    )
    partners = models.TextField(_("partners"), blank=True, help_text=_("One per line."))
    contact = models.CharField(_("contact for writers"), max_length=255, blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    rules = RichTextField(_("rules"), blank=True)
    rules_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("rules document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    submissions_open = models.DateTimeField(_("submissions open"))
    submissions_close = models.DateTimeField(_("submissions close"))
    judging_start = models.DateField(_("judging starts"), null=True, blank=True)
    judging_end = models.DateField(_("judging ends"), null=True, blank=True)
    voting_open = models.DateTimeField(_("voting opens"), null=True, blank=True)
    voting_close = models.DateTimeField(_("voting closes"), null=True, blank=True)
    results_date = models.DateField(_("results announced"), null=True, blank=True)

    min_words = models.PositiveIntegerField(_("minimum words"), default=300)
    max_photos = models.PositiveSmallIntegerField(_("maximum photos"), default=5)
    min_photos = models.PositiveSmallIntegerField(_("minimum photos"), default=0)
    max_photo_megabytes = models.PositiveSmallIntegerField(_("maximum size of a photo (MB)"), default=10)
    entries_per_author = models.PositiveSmallIntegerField(
        _("entries allowed per author"), default=3, help_text=_("Counted by the author's e-mail address.")
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("year"), FieldPanel("code_prefix")]),
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("organiser"), FieldPanel("partners"), FieldPanel("contact")], heading=_("Organisers")
        ),
        FieldPanel("rules"),
        FieldPanel("rules_document"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("submissions_open"), FieldPanel("submissions_close")]),
                FieldRowPanel([FieldPanel("judging_start"), FieldPanel("judging_end")]),
                FieldRowPanel([FieldPanel("voting_open"), FieldPanel("voting_close")]),
                FieldPanel("results_date"),
            ],
            heading=_("Timeline"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("min_words"), FieldPanel("entries_per_author")]),
                FieldRowPanel([FieldPanel("min_photos"), FieldPanel("max_photos"), FieldPanel("max_photo_megabytes")]),
            ],
            heading=_("Limits"),
        ),
        InlinePanel("genres", heading=_("Genres and word limits"), min_num=1),
        InlinePanel("prize_tiers", heading=_("Prize tiers")),
    ]
    parent_page_types = ["contest.ContestIndexPage"]
    subpage_types = []
    route_select_related = ("rules_document", "voting_rules")
    folded_search_fields = ("title", "intro")
    search_fields = BasePage.search_fields + [index.SearchField("intro"), index.FilterField("year")]

    class Meta:
        verbose_name = _("contest edition")
        verbose_name_plural = _("contest editions")

    def clean(self):
        super().clean()
        errors = {}
        if self.submissions_open and self.submissions_close and self.submissions_close <= self.submissions_open:
            errors["submissions_close"] = _("Submissions must close after they open.")
        if self.voting_open and self.voting_close and self.voting_close <= self.voting_open:
            errors["voting_close"] = _("Voting must close after it opens.")
        if self.min_photos > self.max_photos:
            errors["min_photos"] = _("The minimum number of photos cannot exceed the maximum.")
        if errors:
            raise ValidationError(errors)

    def phase(self, now=None):
        """The phase the edition is in at `now`, from its dates alone."""
        now = now or timezone.now()
        today = timezone.localdate(now)
        if now < self.submissions_open:
            return Phase.UPCOMING
        if now < self.submissions_close:
            return Phase.SUBMISSION
        if self.results_date and today >= self.results_date:
            return Phase.RESULTS
        if self.voting_open and self.voting_close and self.voting_open <= now < self.voting_close:
            return Phase.VOTING
        if self.voting_close and now >= self.voting_close:
            return Phase.AWAITING_RESULTS
        return Phase.JUDGING

    def is_accepting_entries(self, now=None):
        return self.phase(now) == Phase.SUBMISSION

    def partner_list(self):
        return [line.strip() for line in self.partners.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["phase"] = self.phase()
        # Lazy: the edition's sub-pages (the voting gallery) render with this context and never read them.
        context["genres"] = self.genres.all()
        context["prize_tiers"] = self.prize_tiers.all()
        return context

    # ---- Submission routes (contest/views.py) ----------------------------------------------------------------

    @path("gui-bai/", name="submit")
    def submit_route(self, request):
        from ..views.submission import submit

        return submit(request, self)

    @path("cam-on/", name="thank_you")
    def thank_you_route(self, request):
        from ..views.submission import thank_you

        return thank_you(request, self)

    @path("bai-du-thi/<str:token>/", name="entry_status")
    def entry_status_route(self, request, token):
        from ..views.submission import entry_status

        return entry_status(request, self, token)

    @path("bai-du-thi/<str:token>/sua/", name="entry_amend")
    def entry_amend_route(self, request, token):
        from ..views.submission import amend

        return amend(request, self, token)

    @path("bai-du-thi/<str:token>/rut/", name="entry_withdraw")
    def entry_withdraw_route(self, request, token):
        from ..views.submission import withdraw

        return withdraw(request, self, token)

    @path("bai-du-thi/<str:token>/anh/<int:photo_id>/", name="entry_photo")
    def entry_photo_route(self, request, token, photo_id):
        from ..views.submission import entry_photo

        return entry_photo(request, self, token, photo_id)

    @path("bai-du-thi/<str:token>/anh/<int:photo_id>/nho/", name="entry_thumbnail")
    def entry_thumbnail_route(self, request, token, photo_id):
        from ..views.submission import entry_photo

        return entry_photo(request, self, token, photo_id, size="thumb")


class EditionGenre(Orderable):
    """A genre the edition accepts, with its own word limit (e.g. ký 1,600 words, truyện ngắn 2,500)."""

    edition = ParentalKey(ContestPage, on_delete=models.CASCADE, related_name="genres")
    name = models.CharField(_("genre"), max_length=100)
    max_words = models.PositiveIntegerField(_("maximum words"), default=1600)

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("max_words")])]

    class Meta(Orderable.Meta):
        verbose_name = _("genre")
        verbose_name_plural = _("genres")

    def __str__(self):
        return self.name


class PrizeTier(Orderable):
    """A prize tier of an edition: its name, how many are given and the amount of each."""

    edition = ParentalKey(ContestPage, on_delete=models.CASCADE, related_name="prize_tiers")
    name = models.CharField(_("prize"), max_length=100)
    count = models.PositiveSmallIntegerField(_("how many"), default=1)
    amount = models.PositiveBigIntegerField(_("amount (đồng)"), default=0)
    is_readers_choice = models.BooleanField(_("decided by the readers' vote"), default=False)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("count"), FieldPanel("amount")]),
        FieldPanel("is_readers_choice"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("prize tier")
        verbose_name_plural = _("prize tiers")

    def __str__(self):
        return self.name


class ReceiptCounter(models.Model):
    """The last receipt number issued per edition; kept off the page so publishing a revision never rewinds it."""

    edition = models.OneToOneField(ContestPage, on_delete=models.CASCADE, related_name="receipt_counter")
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("receipt counter")

    def __str__(self):
        return f"{self.edition_id}: {self.last_number}"
