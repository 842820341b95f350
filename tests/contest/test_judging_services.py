"""Judging services: balanced assignment, conflicts, scoring rules, aggregation by hand, advancement and locking."""

import math
from collections import Counter

import pytest

from django.core import mail
from django.db import IntegrityError, transaction

from wagtail.models import ModelLogEntry

from contest.models import (
    AdvancementRule,
    Aggregation,
    Assignment,
    ConflictOfInterest,
    Decision,
    Entry,
    RoundEntry,
    RoundState,
    Score,
    ScoreChange,
    ScoreSheet,
    SheetState,
)
from contest.services import judging
from contest.statuses import EntryStatus

from .fixtures_judging import edition_fixture, make_entries, make_judges, make_organiser, make_round  # noqa: F401

pytestmark = pytest.mark.django_db


def assert_balanced(round, k):
    assignments = list(Assignment.objects.filter(round=round).values_list("judge_id", "entry_id"))
    per_entry = Counter(e for _j, e in assignments)
    entries = set(round.round_entries.values_list("entry_id", flat=True))
    assert set(per_entry) == entries
    assert set(per_entry.values()) == {k}
    loads = Counter(j for j, _e in assignments)
    judges = set(round.judges.values_list("pk", flat=True))
    assert set(loads) <= judges
    all_loads = [loads.get(j, 0) for j in judges]
    assert max(all_loads) - min(all_loads) <= 1
    conflicts = set(ConflictOfInterest.objects.values_list("judge_id", "entry_id"))
    assert not conflicts & set(assignments)
    assert len(set(assignments)) == len(assignments)


@pytest.mark.parametrize(("n_entries", "n_judges", "k"), [(30, 5, 3), (31, 7, 2), (10, 3, 3), (1, 4, 1), (47, 6, 4)])
def test_assignment_is_balanced(edition, n_entries, n_judges, k):
    entries = make_entries(edition, n_entries)
    judges = make_judges(n_judges)
    round = make_round(edition, judges=judges, entries=entries, reviews_required=k)
    judging.assign_round(round, seed=1)
    assert_balanced(round, k)


def test_assignment_never_gives_a_conflicted_judge_and_stays_balanced(edition):
    entries = make_entries(edition, 24)
    judges = make_judges(5)
    round = make_round(edition, judges=judges, entries=entries, reviews_required=3)
    # Judge 1 is conflicted with a third of the entries, judge 2 with others: the greedy start alone would not do.
    for entry in entries[:8]:
        ConflictOfInterest.objects.create(judge=judges[0], entry=entry, reason="Người nhà")
    for entry in entries[4:12]:
        ConflictOfInterest.objects.create(judge=judges[1], entry=entry, reason="Đồng nghiệp")
    for seed in range(5):
        judging.assign_round(round, seed=seed)
        assert_balanced(round, 3)


def test_assignment_refuses_when_conflicts_make_it_impossible(edition):
    entries = make_entries(edition, 2)
    judges = make_judges(3)
    round = make_round(edition, judges=judges, entries=entries, reviews_required=3)
    ConflictOfInterest.objects.create(judge=judges[0], entry=entries[0], reason="Tác giả là vợ tôi")
    with pytest.raises(judging.JudgingError):
        judging.assign_round(round)
    assert not Assignment.objects.exists()


def test_each_judge_has_an_own_random_order(edition):
    entries = make_entries(edition, 40)
    judges = make_judges(2)
    round = make_round(edition, judges=judges, entries=entries, reviews_required=2)
    judging.assign_round(round)
    orders = [
        list(Assignment.objects.filter(round=round, judge=j).order_by("position").values_list("entry_id", flat=True))
        for j in judges
    ]
    assert sorted(orders[0]) == sorted(orders[1])
    assert orders[0] != orders[1]
    assert orders[0] != sorted(orders[0])


def test_declaring_a_conflict_reassigns_the_entry(edition):
    entries = make_entries(edition, 6)
    judges = make_judges(4)
    round = make_round(edition, judges=judges, entries=entries, reviews_required=2, state=RoundState.OPEN)
    judging.assign_round(round, seed=3)
    assignment = Assignment.objects.filter(round=round).first()
    conflicted, entry = assignment.judge, assignment.entry
    conflict, replacement = judging.declare_conflict(
        judge=conflicted, entry=entry, reason="Tôi quen tác giả", round=round
    )
    assert conflict.reason == "Tôi quen tác giả"
    readers = set(Assignment.objects.filter(round=round, entry=entry).values_list("judge_id", flat=True))
    assert conflicted.pk not in readers
    assert replacement in readers
    assert len(readers) == 2
    assert ModelLogEntry.objects.filter(action="contest.conflict.declared").count() == 1
    # A new automatic assignment still keeps the declared conflict out.
    judging.assign_round(round, seed=4)
    assert not Assignment.objects.filter(judge=conflicted, entry=entry).exists()


def test_manual_assignment_refuses_a_conflicted_judge(edition):
    entries = make_entries(edition, 2)
    judges = make_judges(2)
    round = make_round(edition, judges=judges, entries=entries, reviews_required=1)
    ConflictOfInterest.objects.create(judge=judges[0], entry=entries[0], reason="Người nhà")
    with pytest.raises(judging.JudgingError):
        judging.add_assignment(round, judge=judges[0], entry=entries[0])
    assignment = judging.add_assignment(round, judge=judges[1], entry=entries[0])
    assert assignment.pk
    judging.remove_assignment(assignment)
    assert not Assignment.objects.exists()


def score(assignment, values, *, comment="Nhận xét", submit=True):
    criteria = list(assignment.round.criteria.order_by("sort_order"))
    points = {c.pk: v for c, v in zip(criteria, values, strict=True)}
    return judging.save_sheet(assignment, points=points, comment=comment, submit=submit, user=assignment.judge)


def test_score_history_keeps_every_change(edition):
    entries = make_entries(edition, 1)
    judges = make_judges(1)
    round = make_round(edition, judges=judges, entries=entries, reviews_required=1, state=RoundState.OPEN)
    assignment = judging.add_assignment(round, judge=judges[0], entry=entries[0])
    score(assignment, [6], submit=False)
    sheet = ScoreSheet.objects.get()
    assert sheet.state == SheetState.DRAFT
    score(assignment, [8])
    score(assignment, [8])
    sheet.refresh_from_db()
    assert sheet.state == SheetState.SUBMITTED and sheet.submitted_at
    history = list(ScoreChange.objects.values_list("old_points", "new_points", "changed_by"))
    assert history == [(None, 6, judges[0].pk), (6, 8, judges[0].pk)]
    assert ModelLogEntry.objects.filter(action="contest.score.submitted").count() == 2


def test_database_refuses_points_outside_the_criterion_range(edition):
    entries = make_entries(edition, 1)
    judges = make_judges(1)
    round = make_round(edition, judges=judges, entries=entries, reviews_required=1, state=RoundState.OPEN)
    assignment = judging.add_assignment(round, judge=judges[0], entry=entries[0])
    sheet = ScoreSheet.objects.create(assignment=assignment)
    criterion = round.criteria.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(sheet=sheet, criterion=criterion, points=11, max_points=criterion.max_points)
    Score.objects.create(sheet=sheet, criterion=criterion, points=10, max_points=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.filter(sheet=sheet).update(points=12)
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(sheet=sheet, criterion=criterion, points=3, max_points=10)  # one score per criterion


def test_scores_are_refused_unless_the_round_is_open(edition):
    entries = make_entries(edition, 1)
    judges = make_judges(1)
    round = make_round(edition, judges=judges, entries=entries, reviews_required=1)
    assignment = judging.add_assignment(round, judge=judges[0], entry=entries[0])
    with pytest.raises(judging.RoundLocked):
        score(assignment, [5])
    judging.set_round_state(round, RoundState.OPEN)
    score(assignment, [5])
    judging.set_round_state(round, RoundState.CLOSED)
    with pytest.raises(judging.RoundLocked):
        score(assignment, [9])
    assert Score.objects.get().points == 5


@pytest.fixture
def scored_round(edition):
    """Three entries, five judges; criteria A (max 10, weight 2) and B (max 5, weight 1): total = 2a + b, max 25."""
    entries = make_entries(edition, 3)
    judges = make_judges(5)
    round = make_round(
        edition,
        judges=judges,
        entries=entries,
        reviews_required=3,
        state=RoundState.OPEN,
        criteria=(("Nội dung", 10, "2"), ("Hình thức", 5, "1")),
    )
    sheets = {
        entries[0]: [(8, 4), (7, 3), (9, 5), (5, 2), (10, 5)],  # totals 20, 17, 23, 12, 25
        entries[1]: [(6, 3), (6, 4), (8, 2), (4, 1), (9, 4)],  # totals 15, 16, 18, 9, 22
        entries[2]: [(3, 2), (5, 0), (7, 3)],  # totals 8, 10, 17 (judges 1-3 only)
    }
    for entry, values in sheets.items():
        for judge, pair in zip(judges, values, strict=False):
            score(judging.add_assignment(round, judge=judge, entry=entry), list(pair))
    return round, entries, judges


def by_entry(ranking):
    return {row.entry_id: row for row in ranking.rows}


def test_mean_median_and_trimmed_mean_match_hand_computation(scored_round):
    round, entries, _judges = scored_round
    rows = by_entry(judging.rank_round(round, method=Aggregation.MEAN))
    first, second, third = rows[entries[0].pk], rows[entries[1].pk], rows[entries[2].pk]
    assert sorted(first.totals) == [12, 17, 20, 23, 25]
    assert first.mean == pytest.approx((20 + 17 + 23 + 12 + 25) / 5)  # 19.4
    assert first.median == 20
    assert first.trimmed_mean == pytest.approx((20 + 17 + 23) / 3)  # 12 and 25 dropped
    assert second.mean == pytest.approx(80 / 5)
    assert second.median == 16
    assert second.trimmed_mean == pytest.approx((15 + 16 + 18) / 3)  # 9 and 22 dropped
    assert third.mean == pytest.approx(35 / 3)
    assert third.median == 10
    assert third.trimmed_mean == pytest.approx(35 / 3)  # fewer than five: nothing dropped
    assert first.spread == 13 and first.disagreement  # 13 > 25% of 25
    assert third.spread == 9 and third.disagreement
    assert [r.entry_id for r in judging.rank_round(round, method=Aggregation.MEDIAN).rows] == [e.pk for e in entries]


def test_normalised_mean_makes_a_harsh_and_a_lenient_judge_count_alike(edition):
    entries = make_entries(edition, 4)
    harsh, lenient = make_judges(2)
    round = make_round(
        edition,
        judges=[harsh, lenient],
        entries=entries,
        reviews_required=1,
        state=RoundState.OPEN,
        criteria=(("Nội dung", 25, "1"),),
    )
    score(judging.add_assignment(round, judge=harsh, entry=entries[0]), [10])
    score(judging.add_assignment(round, judge=harsh, entry=entries[1]), [6])
    score(judging.add_assignment(round, judge=lenient, entry=entries[2]), [20])
    score(judging.add_assignment(round, judge=lenient, entry=entries[3]), [16])
    ranking = judging.rank_round(round, method=Aggregation.NORMALISED_MEAN)
    rows = by_entry(ranking)
    # Harsh: mean 8, sd 2, so z = +1 / -1; lenient: mean 18, sd 2, z = +1 / -1.
    # All four totals: mean 13, population sd sqrt((9 + 49 + 49 + 9) / 4) = sqrt(29).
    top, bottom = 13 + math.sqrt(29), 13 - math.sqrt(29)
    assert rows[entries[0].pk].normalised_mean == pytest.approx(top)
    assert rows[entries[2].pk].normalised_mean == pytest.approx(top)
    assert rows[entries[1].pk].normalised_mean == pytest.approx(bottom)
    assert rows[entries[3].pk].normalised_mean == pytest.approx(bottom)
    # Ties broken by the plain mean, then the receipt number: deterministic.
    assert [r.entry_id for r in ranking.rows] == [entries[2].pk, entries[0].pk, entries[3].pk, entries[1].pk]
    mean_order = [r.entry_id for r in judging.rank_round(round, method=Aggregation.MEAN).rows]
    assert mean_order == [entries[2].pk, entries[3].pk, entries[0].pk, entries[1].pk]


def test_ranking_uses_a_fixed_number_of_queries(scored_round, django_assert_max_num_queries):
    round, _entries, _judges = scored_round
    with django_assert_max_num_queries(3):
        judging.rank_round(round, method=Aggregation.TRIMMED_MEAN)


def test_advancement_release_and_finalising(scored_round, mailoutbox, django_capture_on_commit_callbacks):
    round, entries, judges = scored_round
    final = make_round(round.edition, judges=judges, order=2, name="Vòng chung khảo")
    with pytest.raises(judging.JudgingError):
        judging.draft_decisions(round, rule=AdvancementRule.TOP_N, value=2)  # still open
    judging.set_round_state(round, RoundState.CLOSED)
    assert judging.draft_decisions(round, rule=AdvancementRule.TOP_N, value=2, method=Aggregation.MEAN) == 2
    decisions = dict(RoundEntry.objects.filter(round=round).values_list("entry_id", "decision"))
    assert decisions == {
        entries[0].pk: Decision.ADVANCES,
        entries[1].pk: Decision.ADVANCES,
        entries[2].pk: Decision.STOPS,
    }
    assert mailoutbox == []  # nobody is told before release
    assert not final.round_entries.exists()
    assert judging.draft_decisions(round, rule=AdvancementRule.THRESHOLD, value="16") == 2
    with pytest.raises(judging.JudgingError):
        judging.finalise_round(round)  # decisions not yet released
    with django_capture_on_commit_callbacks(execute=True):
        judging.release_decisions(round)
    assert set(final.round_entries.values_list("entry_id", flat=True)) == {entries[0].pk, entries[1].pk}
    statuses = dict(Entry.objects.values_list("pk", "status"))
    assert statuses[entries[0].pk] == EntryStatus.FINALIST  # advancing into the last round makes a finalist
    assert statuses[entries[2].pk] == EntryStatus.ELIGIBLE
    assert len(mail.outbox) == 3
    assert {m.to[0] for m in mail.outbox} == {e.author_email for e in entries}
    judging.finalise_round(round)
    round.refresh_from_db()
    assert round.state == RoundState.FINALISED
    # Nothing changes after finalising.
    assignment = Assignment.objects.filter(round=round).first()
    for attempt in (
        lambda: score(assignment, [1, 1]),
        lambda: judging.draft_decisions(round, rule=AdvancementRule.TOP_N, value=1),
        lambda: judging.set_round_state(round, RoundState.OPEN),
        lambda: judging.assign_round(round),
        lambda: judging.remove_assignment(assignment),
        lambda: judging.set_decision(RoundEntry.objects.filter(round=round).first(), decision=Decision.STOPS),
        lambda: judging.finalise_round(round),
    ):
        with pytest.raises(judging.JudgingError):
            attempt()
    assert RoundEntry.objects.filter(round=round, decision=Decision.ADVANCES).count() == 2


def test_first_round_takes_the_eligible_entries(edition):
    eligible = make_entries(edition, 3)
    make_entries(edition, 2, status=EntryStatus.SUBMITTED)
    round = make_round(edition, order=1)
    later = make_round(edition, order=2)
    assert judging.add_round_entries(round) == 3
    assert set(round.round_entries.values_list("entry_id", flat=True)) == {e.pk for e in eligible}
    assert judging.add_round_entries(round) == 0
    with pytest.raises(judging.JudgingError):
        judging.add_round_entries(later)
