"""The contest's models: editions (pages), entries and, as they land, judging, voting and awards."""

from .awards import Award, ResultsRelease, Verification
from .editions import ContestIndexPage, ContestPage, EditionGenre, Phase, PrizeTier, ReceiptCounter, SubjectKind
from .entries import Entry, EntryPhoto, private_storage
from .judging import (
    AdvancementRule,
    Aggregation,
    Assignment,
    ConflictOfInterest,
    Criterion,
    Decision,
    Round,
    RoundEntry,
    RoundState,
    Score,
    ScoreChange,
    ScoreSheet,
    ScoreVisibility,
    SheetState,
)
from .submissions import EntryVersion, SubmissionKey
from .voting import CountsVisibility, PerEntryRule, Vote, Voter, VoteRequest, VotingCandidate, VotingRules

__all__ = [
    "Award",
    "ResultsRelease",
    "Verification",
    "AdvancementRule",
    "Aggregation",
    "Assignment",
    "ConflictOfInterest",
    "Criterion",
    "Decision",
    "Round",
    "RoundEntry",
    "RoundState",
    "Score",
    "ScoreChange",
    "ScoreSheet",
    "ScoreVisibility",
    "SheetState",
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
    "EntryVersion",
    "Phase",
    "PrizeTier",
    "ReceiptCounter",
    "SubjectKind",
    "SubmissionKey",
    "private_storage",
]
