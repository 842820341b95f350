"""Factories shared by the suite; each app keeps its own section."""

import factory
import wagtail_factories

from django.utils import timezone

# --- Movements and exemplars (exemplar_pages) -------------------------------------------------------------------
from exemplar_pages.models import (
    Agency,
    ExemplarIndexPage,
    ExemplarKind,
    ExemplarPage,
    Locality,
    MovementIndexPage,
    MovementLeadAgency,
    MovementPage,
    MovementTarget,
    PlanIndexPage,
    PlanPage,
)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Sở Thử nghiệm số {n}")
    kind = Agency.Kind.DEPARTMENT


class LocalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Locality

    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    kind = Locality.Kind.COMMUNE


class PublishedPageFactory(wagtail_factories.PageFactory):
    """A live page with a first-publication time, as publishing leaves it."""

    class Meta:
        abstract = True

    slug = ""  # the page makes its own ASCII slug from the Vietnamese title, as in the admin
    first_published_at = factory.LazyFunction(timezone.now)
    last_published_at = factory.LazyFunction(timezone.now)


class PlanIndexPageFactory(PublishedPageFactory):
    class Meta:
        model = PlanIndexPage

    title = "Kế hoạch"
    slug = "ke-hoach"


class PlanPageFactory(PublishedPageFactory):
    class Meta:
        model = PlanPage

    title = factory.Sequence(lambda n: f"Kế hoạch thử nghiệm {n}")
    number = factory.Sequence(lambda n: f"{n}/KH-UBND")
    period_start = 2021
    period_end = 2025


class MovementIndexPageFactory(PublishedPageFactory):
    class Meta:
        model = MovementIndexPage

    title = "Phong trào thi đua"
    slug = "phong-trao"


class MovementPageFactory(PublishedPageFactory):
    class Meta:
        model = MovementPage

    title = factory.Sequence(lambda n: f"Phong trào thử nghiệm {n}")
    kind = MovementPage.Kind.MOVEMENT


class ExemplarIndexPageFactory(PublishedPageFactory):
    class Meta:
        model = ExemplarIndexPage

    title = "Gương điển hình"
    slug = "guong-dien-hinh"


class ExemplarPageFactory(PublishedPageFactory):
    class Meta:
        model = ExemplarPage

    title = factory.Sequence(lambda n: f"Gương thử nghiệm {n}")
    kind = ExemplarKind.INDIVIDUAL
    summary = "Một tấm gương tiêu biểu."
    year_recognised = 2023


def add_lead(movement, agency, *, requested=False):
    return MovementLeadAgency.objects.create(movement=movement, agency=agency, requested=requested)


def add_target(movement, kind, minimum, *, lead_agency=None):
    return MovementTarget.objects.create(movement=movement, kind=kind, minimum=minimum, lead_agency=lead_agency)
