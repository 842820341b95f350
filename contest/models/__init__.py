"""The contest's models: editions (pages), entries and, as they land, judging, voting and awards."""

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

__all__ = [
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
