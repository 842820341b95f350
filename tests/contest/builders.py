"""Builders for contest tests: an edition under the contest index, and entries with sensible defaults."""

import datetime
import hashlib
import itertools

from django.utils import timezone

from contest.models import ContestIndexPage, ContestPage, EditionGenre, Entry, PrizeTier
from exemplar_pages.models import Locality

_numbers = itertools.count(1)


def make_edition(home_page, *, year=2025, slug=None, tiers=(("Giải Nhất", 1, 30_000_000),), **fields):
    index = ContestIndexPage.objects.first()
    if index is None:
        index = ContestIndexPage(title="Cuộc thi", slug="cuoc-thi")
        home_page.add_child(instance=index)
        index.save_revision().publish()
    now = timezone.now()
    defaults = {
        "title": f"Gương người tốt quanh ta {year}",
        "slug": slug or str(year),
        "year": year,
        "code_prefix": f"GNT{year}",
        "submissions_open": now - datetime.timedelta(days=60),
        "submissions_close": now - datetime.timedelta(days=30),
        "results_date": (now + datetime.timedelta(days=30)).date(),
    }
    edition = ContestPage(**{**defaults, **fields})
    index.add_child(instance=edition)
    edition.save_revision().publish()
    EditionGenre.objects.create(edition=edition, name="Ký chân dung", max_words=1600)
    for order, (name, count, amount) in enumerate(tiers):
        PrizeTier.objects.create(edition=edition, name=name, count=count, amount=amount, sort_order=order)
    return edition


def make_entry(edition, **fields):
    number = next(_numbers)
    locality = (
        fields.pop("subject_locality", None)
        or Locality.objects.get_or_create(name="Tân Ninh", kind=Locality.Kind.WARD, parent=None)[0]
    )
    defaults = {
        "edition": edition,
        "receipt_number": number,
        "code": f"{edition.code_prefix}-{number:04d}",
        "author_name": f"Tác giả {number}",
        "author_birth_year": 1980,
        "author_phone": "0900000000",
        "author_email": f"tacgia{number}@example.vn",
        "author_address": "Tây Ninh",
        "subject_kind": "individual",
        "subject_name": f"Nhân vật {number}",
        "subject_locality": locality,
        "subject_address": "Khu phố 1",
        "subject_contact": "Ông Tư, 0911111111",
        "title": f"Bài viết số {number}",
        "genre": edition.genres.first(),
        "body": f"Nội dung bài viết số {number}.",
        "word_count": 5,
        "text_hash": hashlib.sha256(f"text-{number}".encode()).hexdigest(),
        "access_token_hash": hashlib.sha256(f"token-{number}".encode()).hexdigest(),
    }
    return Entry.objects.create(**{**defaults, **fields})
