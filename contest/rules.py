"""Who may do what in the contest: predicates and queryset narrowing used by every view and export."""

import rules

from .roles import JURY, ORGANISERS


@rules.predicate
def is_organiser(user):
    return user.is_authenticated and (user.is_superuser or user.groups.filter(name=ORGANISERS).exists())


@rules.predicate
def is_judge(user):
    return user.is_authenticated and user.groups.filter(name=JURY).exists()


# --- Awards, verification and results (organisers only) ---
rules.add_perm("contest.manage_awards", is_organiser)
rules.add_perm("contest.manage_verification", is_organiser)
rules.add_perm("contest.release_results", is_organiser)
