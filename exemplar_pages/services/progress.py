"""Progress toward a plan's targets: published (live) exemplars counted per movement, lead agency and kind.

Every function here runs one aggregate query for the counts, whatever the number of movements or targets.
"""

from dataclasses import dataclass

from django.db.models import Count

from exemplar_pages.models import ExemplarKind, ExemplarPage, MovementTarget


@dataclass
class TargetProgress:
    """One target row: how many published exemplars count toward it and how many are still missing."""

    target: MovementTarget
    published: int

    @property
    def kind_label(self):
        return ExemplarKind(self.target.kind).label

    @property
    def minimum(self):
        return self.target.minimum

    @property
    def counted(self):
        """Exemplars beyond the minimum do not make up for another target's gap."""
        return min(self.published, self.target.minimum)

    @property
    def gap(self):
        return max(self.target.minimum - self.published, 0)

    @property
    def percent(self):
        return round(100 * self.counted / self.target.minimum) if self.target.minimum else 100


def published_counts(*, movement_ids=None, year=None, locality=None):
    """{(movement_id, lead_agency_id, kind): number of live exemplars}, in one query."""
    exemplars = ExemplarPage.objects.live().filter(movement__isnull=False)
    if movement_ids is not None:
        exemplars = exemplars.filter(movement_id__in=list(movement_ids))
    if year:
        exemplars = exemplars.filter(year_recognised=year)
    if locality:
        exemplars = exemplars.filter(locality=locality)
    rows = exemplars.order_by().values_list("movement_id", "lead_agency_id", "kind").annotate(number=Count("pk"))
    return {(movement_id, agency_id, kind): number for movement_id, agency_id, kind, number in rows}


def published_for_target(target, counts):
    """Live exemplars that count toward `target`: same movement, same kind (any for ANY), same lead if it names one."""
    total = 0
    for (movement_id, agency_id, kind), number in counts.items():
        if movement_id != target.movement_id:
            continue
        if target.kind != ExemplarKind.ANY and kind != target.kind:
            continue
        if target.lead_agency_id and agency_id != target.lead_agency_id:
            continue
        total += number
    return total


def progress_for_targets(targets, *, year=None, locality=None):
    """TargetProgress for each target given, counting with one query."""
    targets = list(targets)
    counts = published_counts(movement_ids={t.movement_id for t in targets}, year=year, locality=locality)
    return [TargetProgress(target=target, published=published_for_target(target, counts)) for target in targets]


def movement_progress(*, movements, year=None, locality=None):
    """{movement.pk: [TargetProgress, …]} for movements whose `targets` are prefetched (or fetched once here)."""
    movements = list(movements)
    targets = []
    for movement in movements:
        targets.extend(movement.targets.all())
    rows = progress_for_targets(targets, year=year, locality=locality)
    result = {movement.pk: [] for movement in movements}
    for row in rows:
        result[row.target.movement_id].append(row)
    return result


@dataclass
class PlanTotals:
    target: int = 0
    counted: int = 0
    published: int = 0

    @property
    def percent(self):
        return round(100 * self.counted / self.target) if self.target else 0

    @property
    def gap(self):
        return self.target - self.counted


def plan_totals(*, plans):
    """{plan.pk: PlanTotals} over the live movements of each plan: two queries in all."""
    plans = list(plans)
    targets = MovementTarget.objects.filter(movement__plan__in=plans, movement__live=True).select_related("movement")
    totals = {plan.pk: PlanTotals() for plan in plans}
    for row in progress_for_targets(targets):
        total = totals[row.target.movement.plan_id]
        total.target += row.minimum
        total.counted += row.counted
        total.published += row.published
    return totals
