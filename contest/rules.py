"""Who may do what in the contest: predicates (django-rules) and the querysets they narrow, used by every view."""

import rules

from .roles import JURY, ORGANISERS

# --- Shared roles (the submission branch defines the same two predicates: keep one copy when merging) ------------


def _in_group(user, name):
    if not user or not user.is_authenticated:
        return False
    cache = getattr(user, "_contest_groups", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._contest_groups = cache
    return name in cache


@rules.predicate
def is_organiser(user):
    return bool(user and user.is_authenticated and (user.is_superuser or _in_group(user, ORGANISERS)))


@rules.predicate
def is_judge(user):
    return _in_group(user, JURY)


# --- Judging (issue 5) ------------------------------------------------------------------------------------------
# Judges reach only their own assignments; organisers reach every round of every edition.


@rules.predicate
def is_judge_of_round(user, round):
    if not user or not user.is_authenticated or round is None:
        return False
    return round.judges.filter(pk=user.pk).exists()


@rules.predicate
def is_assigned_judge(user, assignment):
    return bool(user and user.is_authenticated and assignment is not None and assignment.judge_id == user.pk)


def assignments_for_judge(user, round=None):
    """The assignments a judge may open: their own, in their own random order."""
    from .models import Assignment

    if not user or not user.is_authenticated:
        return Assignment.objects.none()
    queryset = Assignment.objects.filter(judge=user)
    if round is not None:
        queryset = queryset.filter(round=round)
    return queryset.order_by("position", "pk")


def entries_for_judge(user, round):
    """The entries a judge reads in a round (never those of another judge's queue)."""
    from .models import Entry

    if not user or not user.is_authenticated:
        return Entry.objects.none()
    return Entry.objects.filter(assignments__round=round, assignments__judge=user)


def rounds_for_judge(user):
    from .models import Round

    if not user or not user.is_authenticated:
        return Round.objects.none()
    return Round.objects.filter(judges=user)


rules.add_perm("contest.manage_judging", is_organiser)
rules.add_perm("contest.score_assignment", is_assigned_judge)
rules.add_perm("contest.view_assignment", is_assigned_judge | is_organiser)
rules.add_perm("contest.judge_round", is_judge_of_round)
# --- end of judging ---------------------------------------------------------------------------------------------
