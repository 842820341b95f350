"""Who may do what in the contest: predicates and the queryset narrowing every view and export goes through."""

import rules

from .roles import JURY, ORGANISERS

# ---- Shared roles ------------------------------------------------------------------------------------------------

is_organiser = rules.is_superuser | rules.is_group_member(ORGANISERS)
is_judge = rules.is_group_member(JURY)

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
