"""The contest's models: editions (pages), entries and, as they land, judging, voting and awards."""

from .editions import ContestIndexPage, ContestPage, EditionGenre, Phase, PrizeTier, ReceiptCounter, SubjectKind
from .entries import Entry, EntryPhoto, private_storage
from .voting import CountsVisibility, PerEntryRule, Vote, Voter, VoteRequest, VotingCandidate, VotingRules

__all__ = [
    "CountsVisibility",
    "PerEntryRule",
    "Vote",
    "VoteRequest",
    "Voter",
    "VotingCandidate",
    "VotingRules",
    "ContestIndexPage",
    "ContestPage",
    "EditionGenre",
    "Entry",
    "EntryPhoto",
    "Phase",
    "PrizeTier",
    "ReceiptCounter",
    "SubjectKind",
    "private_storage",
]
