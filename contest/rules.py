"""Who may do what in the contest: predicates and queryset-narrowing functions, one place for every area."""

import rules

from .roles import JURY, ORGANISERS


@rules.predicate
def is_organiser(user):
    return bool(user and user.is_active and (user.is_superuser or user.groups.filter(name=ORGANISERS).exists()))


@rules.predicate
def is_judge(user):
    return bool(user and user.is_active and user.groups.filter(name=JURY).exists())


# --- Voting (issue 6) ---------------------------------------------------------------------------------------------
# Organisers set the voting rules, choose the entries open to the vote, audit the ledger and invalidate votes.
# Judges have no say in the readers' vote and do not see the ledger.

can_manage_voting = is_organiser
rules.add_perm("contest.manage_voting", can_manage_voting)
