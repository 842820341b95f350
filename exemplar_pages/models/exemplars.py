"""Exemplar stories (`/guong-dien-hinh/`): the library and each exemplar's page with awards, photos and tags."""

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.blocks import StoryBlock
from home.models import BasePage

from .core import ExemplarKind


def recognition_year_validators():
    return [MinValueValidator(1945), MaxValueValidator(2100)]


class ExemplarIndexPage(BasePage):
    """`/guong-dien-hinh/`: the library of exemplars, with filters, accent-free search, sorting and pages."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["exemplar_pages.ExemplarPage"]
    max_count = 1

    class Meta:
        verbose_name = _("exemplar library")

    def get_context(self, request, *args, **kwargs):
        from exemplar_pages.views import library_context

        context = super().get_context(request, *args, **kwargs)
        context.update(library_context(request, index_page=self))
        return context


class ExemplarTag(TaggedItemBase):
    """Tags on exemplars (nông dân, khuyết tật vượt khó …)."""

    content_object = ParentalKey("exemplar_pages.ExemplarPage", on_delete=models.CASCADE, related_name="tagged_items")


class ExemplarPage(BasePage):
    """One exemplar: a person, household, collective or cooperative, told as a story with photos and awards."""

    kind = models.CharField(_("exemplar kind"), max_length=30, choices=ExemplarKind.choices)
    movement = models.ForeignKey(
        "exemplar_pages.MovementPage",
        verbose_name=_("movement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exemplars",
    )
    lead_agency = models.ForeignKey(
        "exemplar_pages.Agency",
        verbose_name=_("lead agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exemplars",
        help_text=_("Where a movement has several lead agencies with their own targets, the one this counts for."),
    )
    locality = models.ForeignKey(
        "exemplar_pages.Locality",
        verbose_name=_("locality"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exemplars",
    )
    field = models.CharField(_("field"), max_length=150, blank=True, help_text=_("E.g. agriculture, education."))
    year_recognised = models.PositiveSmallIntegerField(
        _("year recognised"), null=True, blank=True, validators=recognition_year_validators()
    )
    summary = models.TextField(
        _("summary"), max_length=500, blank=True, help_text=_("Two or three sentences; shown in lists and when shared.")
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("main photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(StoryBlock(), blank=True, verbose_name=_("story"))
    tags = ClusterTaggableManager(through=ExemplarTag, blank=True, verbose_name=_("tags"))
    source_entry = models.ForeignKey(
        "contest.Entry",
        verbose_name=_("contest entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stories",
        help_text=_("The contest entry this story came from, if any."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("kind"), FieldPanel("year_recognised")]),
                FieldPanel("movement"),
                FieldPanel("lead_agency"),
                FieldRowPanel([FieldPanel("locality"), FieldPanel("field")]),
                FieldPanel("tags"),
                FieldPanel("source_entry", read_only=True),
            ],
            heading=_("About the exemplar"),
        ),
        FieldPanel("photo"),
        InlinePanel("awards", label=_("Award or title"), heading=_("Awards and titles")),
        FieldPanel("body"),
        InlinePanel("gallery", label=_("Photo"), heading=_("Photo gallery")),
    ]
    parent_page_types = ["exemplar_pages.ExemplarIndexPage"]
    subpage_types = []
    route_select_related = ("photo", "locality", "movement", "lead_agency")
    folded_search_fields = ("title", "summary", "field", "locality_name", "tag_names")
    search_fields = BasePage.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("kind"),
        index.FilterField("movement"),
        index.FilterField("locality"),
        index.FilterField("year_recognised"),
        index.FilterField("first_published_at"),
        index.FilterField("title"),
    ]
    api_fields = [
        APIField("kind"),
        APIField("summary"),
        APIField("movement"),
        APIField("lead_agency_name"),
        APIField("locality_name"),
        APIField("field"),
        APIField("year_recognised"),
        APIField("tag_names"),
        APIField("photo"),
        APIField("photo_thumbnail", serializer=ImageRenditionField("fill-600x400", source="photo")),
        APIField("awards"),
        APIField("body"),
    ]

    class Meta:
        verbose_name = _("exemplar")
        verbose_name_plural = _("exemplars")

    def save(self, *args, **kwargs):
        result = super().save(*args, **kwargs)
        # The search index is updated on post_save, before modelcluster commits the tags; index again so the
        # folded tag words are searchable too.
        index.insert_or_update_object(self)
        return result

    def locality_name(self):
        return self.locality.name if self.locality_id else ""

    def lead_agency_name(self):
        return self.lead_agency.name if self.lead_agency_id else ""

    def tag_names(self):
        return " ".join(tag.name for tag in self.tags.all())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["awards"] = list(self.awards.all())
        context["photos"] = list(self.gallery.select_related("image").prefetch_related("image__renditions"))
        context["tag_list"] = list(self.tags.all())
        context["page_url"] = request.build_absolute_uri(self.get_url(request))
        return context

    def get_sitemap_urls(self, request=None):
        # Stories are what the newspaper and portals republish: ask crawlers to visit them before section pages.
        return [{**entry, "priority": 0.8} for entry in super().get_sitemap_urls(request)]


class ExemplarAward(Orderable):
    """An award or honorary title the exemplar received (Bằng khen, Chiến sĩ thi đua …)."""

    exemplar = ParentalKey(ExemplarPage, on_delete=models.CASCADE, related_name="awards")
    title = models.CharField(_("award or title"), max_length=255)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, validators=recognition_year_validators())
    conferred_by = models.CharField(_("conferred by"), max_length=255, blank=True)

    panels = [FieldPanel("title"), FieldRowPanel([FieldPanel("year"), FieldPanel("conferred_by")])]
    api_fields = [APIField("title"), APIField("year"), APIField("conferred_by")]

    class Meta(Orderable.Meta):
        verbose_name = _("award")
        verbose_name_plural = _("awards")


class ExemplarPhoto(Orderable):
    """One photo of the exemplar's gallery."""

    exemplar = ParentalKey(ExemplarPage, on_delete=models.CASCADE, related_name="gallery")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(_("caption"), max_length=250, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
