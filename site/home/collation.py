"""Vietnamese alphabetical order, in Python (`vietnamese_sort_key`) and in the database (`vietnamese_order`).

The order is the one of Vietnamese dictionaries and of CLDR's Vietnamese collation (which PostgreSQL's ICU
collation `vi-x-icu` implements), so Python and both databases agree:

1. Letters first, compared without tones: A Ă Â B C D Đ E Ê G H I K L M N O Ô Ơ P Q R S T U Ư V X Y, with the
   letters of foreign words at their Latin places (F after Ê, J after I, W after V, Z after Y). A space sorts
   before any letter ("Bà Rịa" before "Bàu Đồn"), and "Đà Nẵng" comes after every name in D.
2. Only between names equal without tones: tones left to right, in the order
   không dấu (a) < huyền (à) < hỏi (ả) < ngã (ã) < sắc (á) < nặng (ạ).
3. Then lower case before upper case, then the text itself, so the order is total.

Unicode code-point order, by contrast, puts "Đ" after "Z" and "Ấ" after every plain letter.
"""

import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import F
from django.db.models.expressions import OrderBy
from django.db.models.functions import Collate

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
LETTER_RANK = {letter: index for index, letter in enumerate(ALPHABET)}
# Combining tone marks (after NFD) in the dictionary order of tones; the shape marks of ă, â, ê, ô, ơ, ư stay.
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
SPACE_RANK = 0
SYMBOL_BASE = 1  # digits and punctuation: after a space, before letters
LETTER_BASE = 1_000
OTHER_BASE = 2_000  # letters of other alphabets: after the Vietnamese ones

SQLITE_COLLATION = "vietnamese"
POSTGRESQL_COLLATION = "vi-x-icu"


def _split(character: str) -> tuple[str, int]:
    """A character without its tone (shape marks kept, e.g. 'ấ' -> 'â') and the tone's rank."""
    decomposed = unicodedata.normalize("NFD", character)
    tone = 0
    kept = []
    for mark in decomposed:
        if mark in TONES:
            tone = TONES[mark]
        else:
            kept.append(mark)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def _primary(base: str) -> int:
    lower = base.lower()
    if lower in LETTER_RANK:
        return LETTER_BASE + LETTER_RANK[lower]
    if lower.isspace():
        return SPACE_RANK
    if not lower.isalpha():
        return SYMBOL_BASE + ord(lower) if len(lower) == 1 else OTHER_BASE
    # Another letter with a mark Vietnamese does not use (ç, ñ, ö): sort it with its plain Latin letter.
    plain = unicodedata.normalize("NFD", lower)[0]
    if plain in LETTER_RANK:
        return LETTER_BASE + LETTER_RANK[plain]
    return OTHER_BASE + ord(plain)


def vietnamese_sort_key(text: str) -> tuple:
    """A key for `sorted(..., key=vietnamese_sort_key)` giving Vietnamese alphabetical order."""
    text = unicodedata.normalize("NFC", " ".join((text or "").split()))
    primary, tones, cases = [], [], []
    for character in text:
        base, tone = _split(character)
        primary.append(_primary(base))
        tones.append(tone)
        cases.append(0 if base == base.lower() else 1)
    return (tuple(primary), tuple(tones), tuple(cases), text)


def vietnamese_sorted(items, key=None) -> list:
    """`items` in Vietnamese order; `key` picks the text from each item (default: the item itself)."""
    pick = key or (lambda item: item)
    return sorted(items, key=lambda item: vietnamese_sort_key(pick(item)))


def compare(left: str | None, right: str | None) -> int:
    """The three-way comparison SQLite's collation interface wants."""
    left_key, right_key = vietnamese_sort_key(left or ""), vietnamese_sort_key(right or "")
    return (left_key > right_key) - (left_key < right_key)


class VietnameseCollate(Collate):
    """`expression COLLATE <the database's Vietnamese collation>`, chosen when the SQL is compiled."""

    def __init__(self, expression):
        super().__init__(expression, SQLITE_COLLATION)

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor == "postgresql":
            extra_context["collation"] = connection.ops.quote_name(POSTGRESQL_COLLATION)
        elif connection.vendor != "sqlite":
            # No known Vietnamese collation: keep the database's own order rather than fail.
            return compiler.compile(self.source_expressions[0])
        return super().as_sql(compiler, connection, **extra_context)


def vietnamese_order(field: str, *, descending: bool = False, nulls_last: bool | None = None) -> OrderBy:
    """For `order_by()`: order by a text field in Vietnamese order, e.g.
    `Locality.objects.order_by(vietnamese_order("name"))`."""
    collated = VietnameseCollate(F(field))
    if descending:
        return collated.desc(nulls_last=nulls_last)
    return collated.asc(nulls_last=nulls_last)


def register_sqlite_collation(sender, connection, **kwargs):
    """connection_created receiver: teach every new SQLite connection the `vietnamese` collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, compare)


def connect_signals():
    connection_created.connect(register_sqlite_collation, dispatch_uid="home.collation.sqlite")
