"""The contest's models: editions (pages), entries and, as they land, judging, voting and awards."""

from .awards import Award, ResultsRelease, Verification
from .editions import ContestIndexPage, ContestPage, EditionGenre, Phase, PrizeTier, ReceiptCounter, SubjectKind
from .entries import Entry, EntryPhoto, private_storage
from .submissions import EntryVersion, SubmissionKey

__all__ = [
    "Award",
    "ResultsRelease",
    "Verification",
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
