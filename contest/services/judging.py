"""Judging's domain changes: assignment, conflicts, scoring, ranking, advancement, release and finalising."""

import math
import random
import secrets
import statistics
from collections import defaultdict, deque
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import log

from outbox.services import queue_message

from .. import messages
from ..models import (
    AdvancementRule,
    Aggregation,
    Assignment,
    ConflictOfInterest,
    Decision,
    Entry,
    Round,
    RoundEntry,
    RoundState,
    Score,
    ScoreChange,
    ScoreSheet,
    SheetState,
)
from ..statuses import EntryStatus
from .status import set_entry_status

ROUND_ASSIGNED = "contest.round.assigned"
ROUND_STATE_CHANGED = "contest.round.state_changed"
ROUND_ENTRIES_ADDED = "contest.round.entries_added"
DECISIONS_DRAFTED = "contest.round.decisions_drafted"
DECISIONS_RELEASED = "contest.round.decisions_released"
ASSIGNMENT_ADDED = "contest.assignment.added"
ASSIGNMENT_REMOVED = "contest.assignment.removed"
CONFLICT_DECLARED = "contest.conflict.declared"
SHEET_SAVED = "contest.score.saved"
SHEET_SUBMITTED = "contest.score.submitted"

POSITION_RANGE = 2**31 - 1


class JudgingError(Exception):
    """A judging change the round's state or the rules do not allow; the message is shown to the user."""


class RoundLocked(JudgingError):
    """The round no longer accepts this change (closed or finalised)."""


def _new_position():
    # A random key per assignment: each judge's queue is ordered by it, so no entry is always read first.
    return secrets.randbelow(POSITION_RANGE)


def _lock_round(round):
    return Round.objects.select_for_update().get(pk=round.pk)


def _refuse_if_locked(round, message=None):
    if round.state == RoundState.FINALISED:
        raise RoundLocked(message or gettext("This round is finalised: nothing in it can change."))


# --- Rounds and their entries ---------------------------------------------------------------------------------


def add_round_entries(round, *, user=None):
    """Put the entries a round starts with into it: every eligible entry for the first round of an edition.

    Later rounds get their entries when the previous round's decisions are released. Returns how many were added.
    """
    with transaction.atomic():
        round = _lock_round(round)
        _refuse_if_locked(round)
        if round.state != RoundState.SET_UP:
            raise JudgingError(gettext("Entries can only be added while the round is being set up."))
        earlier = Round.objects.filter(edition_id=round.edition_id, order__lt=round.order).exists()
        if earlier:
            raise JudgingError(gettext("Entries reach a later round only by advancing from the round before it."))
        present = set(round.round_entries.values_list("entry_id", flat=True))
        eligible = Entry.objects.filter(edition_id=round.edition_id, status=EntryStatus.ELIGIBLE).exclude(
            pk__in=present
        )
        new = [RoundEntry(round=round, entry_id=pk) for pk in eligible.values_list("pk", flat=True)]
        RoundEntry.objects.bulk_create(new)
        if new:
            log(round, ROUND_ENTRIES_ADDED, user=user, data={"count": len(new)})
    return len(new)


def judge_name(user):
    return user.get_full_name() or user.get_username()


def judging_queue_url(round):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("contest_judging_queue", args=[round.pk])


def _tell_judges(round, judge_ids):
    """Queue each judge's assignment message: how many entries they read in the round, when, and where.

    Counts and a link only, never an entry: the mail must not reveal who wrote what (blind judging).
    """
    if not judge_ids:
        return
    judges = (
        get_user_model()
        .objects.filter(pk__in=judge_ids)
        .exclude(email="")
        .annotate(count=Count("assignments", filter=Q(assignments__round=round)))
        .order_by("pk")
    )
    edition = round.edition
    link = judging_queue_url(round)
    for judge in judges:
        if judge.count:
            queue_message(
                messages.JUDGE_ASSIGNMENT.key,
                to=judge.email,
                context={
                    "judge_name": judge_name(judge),
                    "round": round,
                    "edition": edition,
                    "count": judge.count,
                    "link": link,
                },
                related=judge,
            )


_NEXT_STATE = {
    RoundState.SET_UP: {RoundState.OPEN},
    RoundState.OPEN: {RoundState.CLOSED},
    RoundState.CLOSED: {RoundState.OPEN},
}


def set_round_state(round, new_state, *, user=None, notify_judges=True):
    """Open, close or re-open a round (finalising has its own service). Logs `contest.round.state_changed`.

    Opening a round for the first time queues each judge's assignment message (`notify_judges=False` skips it:
    demo data for `make run`).
    """
    new_state = RoundState(new_state)
    with transaction.atomic():
        locked = _lock_round(round)
        _refuse_if_locked(locked)
        if new_state not in _NEXT_STATE.get(RoundState(locked.state), set()):
            raise JudgingError(
                gettext("A round that is %(current)s cannot become %(new)s.")
                % {"current": RoundState(locked.state).label, "new": new_state.label}
            )
        if new_state == RoundState.OPEN and not locked.criteria.exists():
            raise JudgingError(gettext("Give the round a rubric before opening it."))
        if new_state == RoundState.OPEN and locked.decisions_released_at:
            raise JudgingError(gettext("Decisions of this round are already released; it cannot re-open."))
        old = locked.state
        locked.state = new_state
        locked.save(update_fields=["state"])
        log(locked, ROUND_STATE_CHANGED, user=user, data={"from": old, "to": new_state})
        if notify_judges and old == RoundState.SET_UP and new_state == RoundState.OPEN:
            # Judges hear of their work when it can start; draws before opening do not mail them each time.
            _tell_judges(locked, list(Assignment.objects.filter(round=locked).values_list("judge_id", flat=True)))
    round.state = locked.state
    return locked


# --- Assignment -----------------------------------------------------------------------------------------------


@dataclass
class _Flow:
    """Bipartite judges → entries max flow (Edmonds–Karp on a tiny graph), seeded with a greedy assignment."""

    judges: list
    entries: list
    allowed: dict  # judge -> set of entries they may read
    need: dict  # entry -> how many more judges it needs
    load: dict  # judge -> current load (fixed assignments included)
    chosen: set = field(default_factory=set)  # (judge, entry) pairs added by this run

    def greedy(self, cap, rng):
        order = sorted(self.entries, key=lambda e: (sum(1 for j in self.judges if e in self.allowed[j]), e))
        for entry in order:
            while self.need[entry] > 0:
                candidates = [
                    j
                    for j in self.judges
                    if self.load[j] < cap[j] and entry in self.allowed[j] and (j, entry) not in self.chosen
                ]
                if not candidates:
                    break
                lowest = min(self.load[j] for j in candidates)
                judge = rng.choice([j for j in candidates if self.load[j] == lowest])
                self._take(judge, entry)

    def _take(self, judge, entry):
        self.chosen.add((judge, entry))
        self.load[judge] += 1
        self.need[entry] -= 1

    def augment(self, cap):
        """Repeat shortest augmenting paths source → judge → entry (→ judge → entry …) → sink until none is left."""
        while True:
            # BFS over judges; from a judge we may go to an entry not yet chosen by them; from an entry either
            # to the sink (it still needs a judge) or back to a judge who reads it (undoing that choice).
            parents = {}
            queue = deque()
            for judge in self.judges:
                if self.load[judge] < cap[judge]:
                    parents[("j", judge)] = None
                    queue.append(("j", judge))
            end = None
            seen_entries = set()
            while queue and end is None:
                kind, node = queue.popleft()
                if kind != "j":
                    continue
                for entry in self.allowed[node]:
                    if (node, entry) in self.chosen or entry in seen_entries:
                        continue
                    seen_entries.add(entry)
                    parents[("e", entry)] = ("j", node)
                    if self.need[entry] > 0:
                        end = entry
                        break
                    for other in self.judges:
                        if (other, entry) in self.chosen and ("j", other) not in parents:
                            parents[("j", other)] = ("e", entry)
                            queue.append(("j", other))
            if end is None:
                return
            node = ("e", end)
            self.need[end] -= 1
            while node is not None:
                parent = parents[node]
                if node[0] == "e":
                    self.chosen.add((parent[1], node[1]))
                elif parent is not None:
                    self.chosen.discard((node[1], parent[1]))
                else:
                    self.load[node[1]] += 1
                node = parent


def plan_assignment(*, judges, entries, k, conflicts, fixed=(), seed=None):
    """Choose judges for entries: each entry gets exactly `k` judges, loads differ by at most one, no conflicts.

    `fixed` (judge, entry) pairs are kept as they are (sheets already started). Returns the set of new pairs.
    Raises JudgingError when the jury is too small or the conflicts leave no balanced assignment.
    """
    judges, entries = sorted(set(judges)), sorted(set(entries))
    if not entries:
        return set()
    if len(judges) < k:
        raise JudgingError(
            gettext("The round needs %(k)s judges per entry but has only %(n)s judges.") % {"k": k, "n": len(judges)}
        )
    rng = random.Random(seed)  # noqa: S311 - spreads ties between equally loaded judges; seeded in tests
    fixed = {(j, e) for j, e in fixed if e in set(entries)}
    entry_set = set(entries)
    allowed = {j: {e for e in entries if (j, e) not in conflicts and (j, e) not in fixed} for j in judges}
    need = dict.fromkeys(entries, k)
    load = dict.fromkeys(judges, 0)
    for judge, entry in fixed:
        need[entry] -= 1
        load[judge] = load.get(judge, 0) + 1
    if any(n < 0 for n in need.values()):
        raise JudgingError(gettext("Some entries already have more judges than the round requires."))
    floor_load, extra = divmod(len(entries) * k, len(judges))
    flow = _Flow(judges=judges, entries=list(entry_set), allowed=allowed, need=need, load=load)
    floor_cap = {j: max(floor_load, load[j]) for j in judges}
    flow.greedy(floor_cap, rng)
    flow.augment(floor_cap)
    ceil_cap = {j: max(floor_load + (1 if extra else 0), load[j]) for j in judges}
    flow.greedy(ceil_cap, rng)
    flow.augment(ceil_cap)
    if any(n > 0 for n in flow.need.values()):
        raise JudgingError(
            gettext(
                "No balanced assignment exists with the declared conflicts; add judges or lower the judges per entry."
            )
        )
    return flow.chosen


def assign_round(round, *, user=None, seed=None):
    """Assign the round's entries to its judges automatically (balanced, conflicts respected).

    Assignments that already have a score sheet stay; the others are drawn again. Each new assignment gets a random
    place in its judge's queue. Logs `contest.round.assigned`. Returns the number of assignments in the round.
    """
    with transaction.atomic():
        round = _lock_round(round)
        _refuse_if_locked(round)
        if round.state not in (RoundState.SET_UP, RoundState.OPEN):
            raise RoundLocked(gettext("Assignments can change only before the round closes."))
        judges = list(round.judges.values_list("pk", flat=True))
        entries = list(round.round_entries.values_list("entry_id", flat=True))
        conflicts = set(
            ConflictOfInterest.objects.filter(entry__round_entries__round=round).values_list("judge_id", "entry_id")
        )
        started = Assignment.objects.filter(round=round, sheet__isnull=False)
        fixed = {(j, e) for j, e in started.values_list("judge_id", "entry_id") if j in set(judges)}
        Assignment.objects.filter(round=round, sheet__isnull=True).delete()
        pairs = plan_assignment(
            judges=judges, entries=entries, k=round.reviews_required, conflicts=conflicts, fixed=fixed, seed=seed
        )
        Assignment.objects.bulk_create(
            [Assignment(round=round, judge_id=j, entry_id=e, position=_new_position()) for j, e in sorted(pairs)]
        )
        count = Assignment.objects.filter(round=round).count()
        log(round, ROUND_ASSIGNED, user=user, data={"assignments": count, "kept": len(fixed)})
        if round.state == RoundState.OPEN:
            _tell_judges(round, sorted({judge for judge, _entry in pairs}))
    return count


def add_assignment(round, *, judge, entry, user=None):
    """A manual assignment by an organiser; refuses a conflicted judge or someone outside the round's jury."""
    with transaction.atomic():
        round = _lock_round(round)
        _refuse_if_locked(round)
        if round.state not in (RoundState.SET_UP, RoundState.OPEN):
            raise RoundLocked(gettext("Assignments can change only before the round closes."))
        if not round.judges.filter(pk=judge.pk).exists():
            raise JudgingError(gettext("This person is not a judge of the round."))
        if not round.round_entries.filter(entry=entry).exists():
            raise JudgingError(gettext("This entry is not in the round."))
        if ConflictOfInterest.objects.filter(judge=judge, entry=entry).exists():
            raise JudgingError(gettext("This judge has declared a conflict of interest with the entry."))
        assignment, created = Assignment.objects.get_or_create(
            round=round, judge=judge, entry=entry, defaults={"position": _new_position()}
        )
        if created:
            log(assignment, ASSIGNMENT_ADDED, user=user, data={"judge": judge.pk, "entry": entry.pk})
            if round.state == RoundState.OPEN:
                _tell_judges(round, [judge.pk])
    return assignment


def remove_assignment(assignment, *, user=None):
    """Take an entry out of a judge's queue; refused once the judge has submitted a sheet for it."""
    with transaction.atomic():
        round = _lock_round(assignment.round)
        _refuse_if_locked(round)
        if round.state not in (RoundState.SET_UP, RoundState.OPEN):
            raise RoundLocked(gettext("Assignments can change only before the round closes."))
        if ScoreSheet.objects.filter(assignment=assignment, state=SheetState.SUBMITTED).exists():
            raise JudgingError(gettext("The judge has already submitted scores for this entry."))
        log(
            assignment, ASSIGNMENT_REMOVED, user=user, data={"judge": assignment.judge_id, "entry": assignment.entry_id}
        )
        assignment.delete()


def declare_conflict(*, judge, entry, reason, round=None):
    """A judge declares a conflict of interest: the entry leaves their queues and goes to another judge.

    The replacement is the least-loaded judge of the round who is free of conflicts and not yet reading the entry.
    Logs `contest.conflict.declared`. Returns the conflict and the replacement judge (None if nobody is free).
    """
    replacements = []
    with transaction.atomic():
        conflict, _created = ConflictOfInterest.objects.get_or_create(
            judge=judge, entry=entry, defaults={"reason": reason, "round": round}
        )
        for assignment in Assignment.objects.select_related("round").filter(judge=judge, entry=entry):
            locked = _lock_round(assignment.round)
            if locked.state in (RoundState.CLOSED, RoundState.FINALISED):
                continue
            assignment.delete()
            replacements.append(_reassign(locked, entry))
        log(conflict, CONFLICT_DECLARED, user=judge, data={"entry": entry.pk, "reason": reason})
    return conflict, (replacements[0] if replacements else None)


def _reassign(round, entry):
    taken = set(Assignment.objects.filter(round=round, entry=entry).values_list("judge_id", flat=True))
    if len(taken) >= round.reviews_required:
        return None
    conflicted = set(ConflictOfInterest.objects.filter(entry=entry).values_list("judge_id", flat=True))
    loads = defaultdict(int)
    for judge_id in Assignment.objects.filter(round=round).values_list("judge_id", flat=True):
        loads[judge_id] += 1
    free = [j for j in round.judges.values_list("pk", flat=True) if j not in taken and j not in conflicted]
    if not free:
        return None
    lowest = min(loads[j] for j in free)
    judge_id = secrets.choice([j for j in free if loads[j] == lowest])
    Assignment.objects.create(round=round, judge_id=judge_id, entry=entry, position=_new_position())
    if round.state == RoundState.OPEN:
        _tell_judges(round, [judge_id])
    return judge_id


# --- Scoring --------------------------------------------------------------------------------------------------


def save_sheet(assignment, *, points, comment, submit, user):
    """Save a judge's scores for an assignment, as a draft or submitted; every changed score is kept in history.

    `points` maps criterion ids to integers (validated by the form; the database bounds them again).
    Refused with RoundLocked unless the round is open. Logs `contest.score.saved` or `contest.score.submitted`.
    """
    with transaction.atomic():
        round = _lock_round(assignment.round)
        if not round.accepts_scores:
            raise RoundLocked(gettext("The round is not open for scoring: scores can no longer change."))
        criteria = {c.pk: c for c in round.criteria.all()}
        sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(assignment=assignment)
        existing = {s.criterion_id: s for s in sheet.scores.all()}
        changes, creates, updates = [], [], []
        for criterion_id, criterion in criteria.items():
            value = points.get(criterion_id)
            if value is None:
                continue
            score = existing.get(criterion_id)
            old_points = None if score is None else score.points
            if score is None:
                creates.append(Score(sheet=sheet, criterion=criterion, points=value, max_points=criterion.max_points))
            elif score.points != value or score.max_points != criterion.max_points:
                score.points, score.max_points = value, criterion.max_points
                updates.append(score)
            if old_points != value:
                changes.append(
                    ScoreChange(
                        round=round,
                        entry_id=assignment.entry_id,
                        judge_id=assignment.judge_id,
                        criterion=criterion,
                        changed_by=user,
                        old_points=old_points,
                        new_points=value,
                    )
                )
        Score.objects.bulk_create(creates)
        if updates:
            Score.objects.bulk_update(updates, ["points", "max_points"])
        ScoreChange.objects.bulk_create(changes)
        sheet.comment = comment
        if submit:
            sheet.state = SheetState.SUBMITTED
            sheet.submitted_at = timezone.now()
        sheet.save()
        log(
            sheet,
            SHEET_SUBMITTED if submit else SHEET_SAVED,
            user=user,
            data={"entry": assignment.entry_id, "changes": len(changes)},
        )
    return sheet


# --- Aggregation and ranking ----------------------------------------------------------------------------------


@dataclass
class RankedEntry:
    """One line of a round's ranking: the entry, its judges' weighted totals and each aggregate of them."""

    round_entry_id: int
    entry_id: int
    code: str
    title: str
    receipt_number: int
    decision: str
    totals: list
    mean: float | None = None
    median: float | None = None
    trimmed_mean: float | None = None
    normalised_mean: float | None = None
    spread: float | None = None
    disagreement: bool = False
    complete: bool = False
    score: float | None = None
    rank: int | None = None

    @property
    def reviews(self):
        return len(self.totals)


@dataclass
class Ranking:
    round: Round
    method: str
    max_total: float
    rows: list
    sheet_totals: list  # (judge_id, entry_id, total) of every submitted sheet, for charts and exports


def trimmed_mean(values):
    """The mean without the single highest and lowest value once there are at least five values."""
    values = sorted(values)
    if len(values) >= 5:
        values = values[1:-1]
    return statistics.fmean(values)


def normalised_totals(sheet_totals, *, max_total):
    """Each judge's totals standardised (z-score against their own mean and spread), mapped back to the rubric.

    A harsh and a lenient judge then count alike: z is placed on the round's overall mean and standard deviation and
    clamped to 0..max_total. A judge with one sheet, or who gave every entry the same total, contributes the
    overall mean. Returns {(judge_id, entry_id): value}.
    """
    if not sheet_totals:
        return {}
    everything = [t for _j, _e, t in sheet_totals]
    overall_mean = statistics.fmean(everything)
    overall_sd = statistics.pstdev(everything) if len(everything) > 1 else 0.0
    by_judge = defaultdict(list)
    for judge_id, _entry_id, total in sheet_totals:
        by_judge[judge_id].append(total)
    judge_stats = {}
    for judge_id, totals in by_judge.items():
        sd = statistics.pstdev(totals) if len(totals) > 1 else 0.0
        judge_stats[judge_id] = (statistics.fmean(totals), sd)
    result = {}
    for judge_id, entry_id, total in sheet_totals:
        mean, sd = judge_stats[judge_id]
        z = (total - mean) / sd if sd > 0 else 0.0
        result[(judge_id, entry_id)] = min(max(overall_mean + z * overall_sd, 0.0), max_total)
    return result


def sheet_totals_for_round(round):
    """Every submitted sheet's weighted total in one aggregate query: [(judge_id, entry_id, total)]."""
    weighted = ExpressionWrapper(
        F("scores__points") * F("scores__criterion__weight"), output_field=DecimalField(max_digits=12, decimal_places=3)
    )
    rows = (
        ScoreSheet.objects.filter(assignment__round=round, state=SheetState.SUBMITTED)
        .values("assignment__judge_id", "assignment__entry_id")
        .annotate(total=Sum(weighted))
        .order_by("assignment__entry_id", "assignment__judge_id")
    )
    return [(r["assignment__judge_id"], r["assignment__entry_id"], float(r["total"] or 0)) for r in rows]


def _tie_break_key(row):
    # Highest score first; ties go to the higher mean, then the higher median, then more reviews, and finally the
    # earlier receipt number, so the order never depends on the database's row order.
    def neg(value):
        return -(value if value is not None else -math.inf)

    return (row.score is None, neg(row.score), neg(row.mean), neg(row.median), -row.reviews, row.receipt_number)


def rank_round(round, *, method=None):
    """The round's ranking by `method` (the round's own by default), from one aggregate query and Python.

    Queries: the criteria (for the maximum total), the sheets' totals (one GROUP BY), the round's entries.
    """
    method = Aggregation(method or round.aggregation)
    criteria = list(round.criteria.all())
    max_total = float(round.max_total(criteria))
    sheet_totals = sheet_totals_for_round(round)
    by_entry = defaultdict(list)
    for judge_id, entry_id, total in sheet_totals:
        by_entry[entry_id].append((judge_id, total))
    normalised = normalised_totals(sheet_totals, max_total=max_total)
    threshold = max_total * round.disagreement_percent / 100
    rows = []
    for re_id, entry_id, code, title, receipt, decision in RoundEntry.objects.filter(round=round).values_list(
        "pk", "entry_id", "entry__code", "entry__title", "entry__receipt_number", "decision"
    ):
        pairs = by_entry.get(entry_id, [])
        totals = [t for _j, t in pairs]
        row = RankedEntry(re_id, entry_id, code, title, receipt, decision, totals)
        if totals:
            row.mean = statistics.fmean(totals)
            row.median = statistics.median(totals)
            row.trimmed_mean = trimmed_mean(totals)
            row.spread = max(totals) - min(totals)
            row.disagreement = len(totals) > 1 and row.spread > threshold
            row.normalised_mean = statistics.fmean(normalised[(j, entry_id)] for j, _t in pairs)
            row.score = {
                Aggregation.MEAN: row.mean,
                Aggregation.MEDIAN: row.median,
                Aggregation.TRIMMED_MEAN: row.trimmed_mean,
                Aggregation.NORMALISED_MEAN: row.normalised_mean,
            }[method]
        row.complete = len(totals) >= round.reviews_required
        rows.append(row)
    rows.sort(key=_tie_break_key)
    for position, row in enumerate(rows, start=1):
        row.rank = position
    return Ranking(round=round, method=method, max_total=max_total, rows=rows, sheet_totals=sheet_totals)


# --- Advancement, release, finalising --------------------------------------------------------------------------


def _next_round(round):
    return Round.objects.filter(edition_id=round.edition_id, order__gt=round.order).order_by("order").first()


def _is_last_round(round):
    return not Round.objects.filter(edition_id=round.edition_id, order__gt=round.order).exists()


def draft_decisions(round, *, rule, value, method=None, user=None):
    """Draft who advances: the top `value` entries, or every entry scoring at least `value`, by `method`.

    Only a closed round whose decisions are not yet released. Nothing is told to anyone until release.
    Saves the rank, score and decision of every entry in the round; logs `contest.round.decisions_drafted`.
    """
    rule = AdvancementRule(rule)
    value = Decimal(value)
    with transaction.atomic():
        locked = _lock_round(round)
        _refuse_if_locked(locked)
        if locked.state != RoundState.CLOSED:
            raise JudgingError(gettext("Close the round before deciding who advances."))
        if locked.decisions_released_at:
            raise JudgingError(gettext("The decisions of this round are already released."))
        if method:
            locked.aggregation = Aggregation(method)
        locked.advancement_rule, locked.advancement_value = rule, value
        locked.save(update_fields=["aggregation", "advancement_rule", "advancement_value"])
        ranking = rank_round(locked)
        updates = []
        advancing = 0
        for row in ranking.rows:
            if row.score is None:
                advances = False
            elif rule == AdvancementRule.TOP_N:
                advances = advancing < int(value)
            else:
                advances = Decimal(str(round_half(row.score))) >= value
            advancing += advances
            updates.append(
                RoundEntry(
                    pk=row.round_entry_id,
                    rank=row.rank,
                    score=None if row.score is None else Decimal(str(round_half(row.score))),
                    decision=Decision.ADVANCES if advances else Decision.STOPS,
                )
            )
        RoundEntry.objects.bulk_update(updates, ["rank", "score", "decision"])
        log(
            locked,
            DECISIONS_DRAFTED,
            user=user,
            data={"rule": rule, "value": str(value), "method": locked.aggregation, "advancing": advancing},
        )
    return advancing


def round_half(value):
    """Scores are kept and compared to three decimals."""
    return float(Decimal(str(value)).quantize(Decimal("0.001")))


def set_decision(round_entry, *, decision, user=None):
    """An organiser's change to one drafted decision before release."""
    with transaction.atomic():
        locked = _lock_round(round_entry.round)
        _refuse_if_locked(locked)
        if locked.decisions_released_at or locked.state != RoundState.CLOSED:
            raise JudgingError(gettext("Decisions can change only while the round is closed and not yet released."))
        round_entry.decision = Decision(decision)
        round_entry.save(update_fields=["decision"])
        log(locked, DECISIONS_DRAFTED, user=user, data={"entry": round_entry.entry_id, "decision": decision})
    return round_entry


def release_decisions(round, *, user=None):
    """Release every drafted decision at once: advancing entries enter the next round, and authors are told.

    Entries that advance into the edition's last round (or out of it, when it is the only one) become finalists
    through `set_entry_status`. One message per author (outbox, sent after commit).
    Logs `contest.round.decisions_released`.
    """
    with transaction.atomic():
        locked = _lock_round(round)
        _refuse_if_locked(locked)
        if locked.state != RoundState.CLOSED:
            raise JudgingError(gettext("Close the round before releasing its decisions."))
        if locked.decisions_released_at:
            raise JudgingError(gettext("The decisions of this round are already released."))
        round_entries = list(locked.round_entries.select_related("entry"))
        if not round_entries or any(re.decision == Decision.PENDING for re in round_entries):
            raise JudgingError(gettext("Draft a decision for every entry before releasing them."))
        advancing = [re.entry for re in round_entries if re.decision == Decision.ADVANCES]
        target = _next_round(locked)
        if target is not None:
            if target.state != RoundState.SET_UP:
                raise JudgingError(gettext("The next round has already started; entries cannot join it now."))
            present = set(target.round_entries.values_list("entry_id", flat=True))
            RoundEntry.objects.bulk_create(
                [RoundEntry(round=target, entry=entry) for entry in advancing if entry.pk not in present]
            )
        makes_finalists = target is None or _is_last_round(target)
        if makes_finalists:
            for entry in advancing:
                if entry.status == EntryStatus.ELIGIBLE:
                    set_entry_status(entry, EntryStatus.FINALIST, user=user, reason="")
        locked.decisions_released_at = timezone.now()
        locked.save(update_fields=["decisions_released_at"])
        log(
            locked,
            DECISIONS_RELEASED,
            user=user,
            data={"advancing": len(advancing), "next_round": target.pk if target else None},
        )
        for round_entry in round_entries:
            _tell_decision(locked, round_entry, target, makes_finalists=makes_finalists)
    round.decisions_released_at = locked.decisions_released_at
    return len(advancing)


def _tell_decision(round, round_entry, target, *, makes_finalists):
    """Queue the author's message about one released decision: finalist, advancing, or not advancing."""
    entry = round_entry.entry
    advances = round_entry.decision == Decision.ADVANCES
    kind = messages.FINALIST if advances and makes_finalists else messages.ROUND_RESULT
    queue_message(
        kind.key,
        to=entry.author_email,
        context={
            "entry": entry,
            "edition": round.edition,
            "round": round,
            "advances": advances,
            "next_round": target,
        },
        related=entry,
    )


def finalise_round(round, *, user=None):
    """Lock a round for good once its decisions are released: no score, assignment or decision changes after."""
    with transaction.atomic():
        locked = _lock_round(round)
        _refuse_if_locked(locked, gettext("This round is already finalised."))
        if locked.state != RoundState.CLOSED or not locked.decisions_released_at:
            raise JudgingError(gettext("Release the round's decisions before finalising it."))
        locked.state = RoundState.FINALISED
        locked.save(update_fields=["state"])
        log(locked, ROUND_STATE_CHANGED, user=user, data={"from": RoundState.CLOSED, "to": RoundState.FINALISED})
    round.state = locked.state
    return locked


LOG_ACTIONS = {
    ROUND_ASSIGNED: _("Assign entries to judges"),
    ROUND_STATE_CHANGED: _("Change round state"),
    ROUND_ENTRIES_ADDED: _("Add entries to a round"),
    DECISIONS_DRAFTED: _("Draft decisions"),
    DECISIONS_RELEASED: _("Release decisions"),
    ASSIGNMENT_ADDED: _("Add an assignment"),
    ASSIGNMENT_REMOVED: _("Remove an assignment"),
    CONFLICT_DECLARED: _("Declare a conflict of interest"),
    SHEET_SAVED: _("Save a score sheet draft"),
    SHEET_SUBMITTED: _("Submit a score sheet"),
}


ENTRY_ANONYMISED = "contest.entry.anonymised"
LOG_ACTIONS[ENTRY_ANONYMISED] = _("Edit the anonymised text")


def set_anonymised_text(entry, *, text, user=None):
    """Organisers' anonymised copy of an entry's text, what judges read in blind rounds (empty: the text as sent)."""
    with transaction.atomic():
        locked = Entry.objects.select_for_update().get(pk=entry.pk)
        text = text.strip()
        if text == locked.body.strip():
            text = ""
        if locked.anonymised_body == text:
            return locked
        locked.anonymised_body = text
        locked.save(update_fields=["anonymised_body", "updated_at"])
        log(locked, ENTRY_ANONYMISED, user=user, data={"length": len(text)})
    entry.anonymised_body = locked.anonymised_body
    return locked
