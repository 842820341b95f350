"""The shared vocabulary of movements and exemplars: exemplar kinds, agencies and localities."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class ExemplarKind(models.TextChoices):
    """Kinds of exemplar the plan sets targets for; ANY is the plan's "gương điển hình" without a fixed kind."""

    COLLECTIVE = "collective", _("collective")
    INDIVIDUAL = "individual", _("individual")
    HOUSEHOLD = "household", _("household")
    COOPERATIVE = "cooperative", _("cooperative")
    COOPERATIVE_GROUP = "cooperative_group", _("cooperative group")
    ANY = "any", _("any kind")


class Agency(index.Indexed, models.Model):
    """An agency or organisation named by a plan: a lead agency or a partner of a movement."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("provincial department")
        PARTY = "party", _("Party body")
        MASS_ORGANISATION = "mass_organisation", _("mass organisation")
        ARMED_FORCES = "armed_forces", _("armed forces or police")
        ASSOCIATION = "association", _("association")
        LOCAL_GOVERNMENT = "local_government", _("local government")
        MEDIA = "media", _("press and media")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=255, unique=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.DEPARTMENT)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        help_text=_("The agency that took over after a merger or renaming; the old name stays on past plans."),
    )

    panels = [FieldPanel("name"), FieldPanel("short_name"), FieldPanel("kind"), FieldPanel("successor")]
    search_fields = [index.SearchField("name"), index.SearchField("short_name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Locality(index.Indexed, models.Model):
    """An administrative unit of the province. Units change (the 2025 merger): keep old ones with a successor."""

    class Kind(models.TextChoices):
        COMMUNE = "commune", _("commune (xã)")
        WARD = "ward", _("ward (phường)")
        TOWNSHIP = "township", _("township (thị trấn)")
        DISTRICT = "district", _("district (huyện)")
        TOWN = "town", _("town (thị xã)")
        CITY = "city", _("city (thành phố)")
        PROVINCE = "province", _("province")

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMMUNE)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    former_name = models.CharField(_("former name"), max_length=255, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        help_text=_("The unit this one became part of after a reorganisation."),
    )
    is_current = models.BooleanField(
        _("current unit"), default=True, help_text=_("Untick for units that no longer exist (kept for history).")
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("parent"),
        FieldPanel("former_name"),
        FieldPanel("successor"),
        FieldPanel("is_current"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.SearchField("former_name")]

    class Meta:
        verbose_name = _("locality")
        verbose_name_plural = _("localities")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "kind", "parent"], name="unique_locality_in_parent")]

    def __str__(self):
        return self.name
