"""Who may do what in the contest: predicates (django-rules) and the querysets they narrow, used by every view."""

import rules

from .roles import JURY, ORGANISERS

# ---- Shared roles (group membership read once per user object) ------------------------------------------------


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


# ---- Submission and screening (organisers) -------------------------------------------------------------------


@rules.predicate
def holds_entry_token(user, entry):
    """Set by the private-link views: the request carried the entry's own token."""
    return bool(entry is not None and getattr(entry, "_opened_with_token", False))


can_view_entry = is_organiser | holds_entry_token
can_screen_entry = is_organiser

rules.add_perm("contest.screen_entry", can_screen_entry)


def entries_for_user(user, queryset=None):
    """The entries `user` may see in the admin and in exports: all of them for organisers, none for anyone else."""
    from .models import Entry

    queryset = Entry.objects.all() if queryset is None else queryset
    if is_organiser(user):
        return queryset
    return queryset.none()


# ---- Awards, verification and results (organisers only) ------------------------------------------------------
rules.add_perm("contest.manage_awards", is_organiser)
rules.add_perm("contest.manage_verification", is_organiser)
rules.add_perm("contest.release_results", is_organiser)

# ---- Publication of entries as exemplar stories (organisers; editors then moderate the page) ---------------------
rules.add_perm("contest.publish_entry_as_story", is_organiser)


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


# --- Voting (issue 6) ---------------------------------------------------------------------------------------------
# Organisers set the voting rules, choose the entries open to the vote, audit the ledger and invalidate votes.
# Judges have no say in the readers' vote and do not see the ledger.

can_manage_voting = is_organiser
rules.add_perm("contest.manage_voting", can_manage_voting)


# --- Closing an edition (issue 7): the archive export and its restore are the organisers' alone -----------------
rules.add_perm("contest.archive_edition", is_organiser)
rules.add_perm("contest.import_edition_archive", is_organiser)
