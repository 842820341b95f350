"""Movements and exemplars: agencies, localities, plans, movements and exemplar pages (one module per area)."""

from .core import Agency, ExemplarKind, Locality
from .exemplars import ExemplarAward, ExemplarIndexPage, ExemplarPage, ExemplarPhoto, ExemplarTag
from .movements import (
    MovementDocument,
    MovementIndexPage,
    MovementLeadAgency,
    MovementPage,
    MovementPartnerAgency,
    MovementTarget,
)
from .plans import PlanIndexPage, PlanMilestone, PlanPage, PlanPhase

__all__ = [
    "Agency",
    "ExemplarAward",
    "ExemplarIndexPage",
    "ExemplarKind",
    "ExemplarPage",
    "ExemplarPhoto",
    "ExemplarTag",
    "Locality",
    "MovementDocument",
    "MovementIndexPage",
    "MovementLeadAgency",
    "MovementPage",
    "MovementPartnerAgency",
    "MovementTarget",
    "PlanIndexPage",
    "PlanMilestone",
    "PlanPage",
    "PlanPhase",
]
