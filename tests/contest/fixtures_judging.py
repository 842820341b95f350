"""Builders for judging tests: an edition with eligible entries, a jury, a round with its rubric."""

import datetime
import itertools
from decimal import Decimal

import pytest

from django.contrib.auth.models import Group, User
from django.utils import timezone

from contest.models import ContestIndexPage, ContestPage, Criterion, EditionGenre, Entry, Round, RoundEntry
from contest.roles import JURY, ORGANISERS
from contest.statuses import EntryStatus
from exemplar_pages.models import Locality

_counter = itertools.count(1)


def make_edition(home_page, year=2025):
    index = ContestIndexPage.objects.first()
    if index is None:
        index = ContestIndexPage(title="Cuộc thi", slug="cuoc-thi")
        home_page.add_child(instance=index)
    now = timezone.now()
    edition = ContestPage(
        title=f"Gương người tốt quanh ta {year}",
        slug=str(year),
        year=year,
        code_prefix=f"GNT{year}",
        submissions_open=now - datetime.timedelta(days=60),
        submissions_close=now - datetime.timedelta(days=10),
    )
    index.add_child(instance=edition)
    EditionGenre.objects.create(edition=edition, name="Ký", max_words=1600)
    return edition


def make_entries(edition, count, status=EntryStatus.ELIGIBLE):
    genre = edition.genres.first()
    locality = Locality.objects.first() or Locality.objects.create(name="Tân Ninh", kind=Locality.Kind.WARD)
    start = (
        Entry.objects.filter(edition=edition)
        .order_by("-receipt_number")
        .values_list("receipt_number", flat=True)
        .first()
        or 0
    ) + 1
    entries = []
    for number in range(start, start + count):
        unique = next(_counter)
        entries.append(
            Entry(
                edition=edition,
                receipt_number=number,
                code=f"{edition.code_prefix}-{number:04d}",
                status=status,
                author_name=f"Tácgiả Bímật{unique}",
                author_birth_year=1980,
                author_phone=f"09{unique:08d}",
                author_email=f"tacgia{unique}@example.vn",
                author_address="Tây Ninh",
                subject_kind="individual",
                subject_name=f"Nhân vật {unique}",
                subject_locality=locality,
                subject_address="Tân Ninh",
                subject_contact="Ông C, 0911111111",
                title=f"Bài viết số {number}",
                genre=genre,
                body=f"Nội dung bài viết số {number} về một người tốt.",
                text_hash=f"{unique:064d}",
                access_token_hash=f"t{unique:063d}",
            )
        )
    return Entry.objects.bulk_create(entries)


def make_user(username, group=None, **extra):
    user = User.objects.create_user(username=username, password="mat-khau-rat-dai-123", **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def make_judges(count, prefix="giamkhao"):
    return [
        make_user(f"{prefix}{i}", JURY, first_name=f"Giám khảo {i}", last_name="", email=f"{prefix}{i}@example.vn")
        for i in range(1, count + 1)
    ]


def make_organiser(username="bantochuc"):
    return make_user(username, ORGANISERS, first_name="Ban", last_name="Tổ chức", email=f"{username}@example.vn")


def make_round(edition, *, judges=(), entries=(), criteria=(("Nội dung", 10, "1"),), order=1, **fields):
    round = Round.objects.create(edition=edition, name=fields.pop("name", f"Vòng {order}"), order=order, **fields)
    for position, (name, max_points, weight) in enumerate(criteria):
        Criterion.objects.create(
            round=round, name=name, max_points=max_points, weight=Decimal(weight), sort_order=position
        )
    round.judges.set(judges)
    RoundEntry.objects.bulk_create([RoundEntry(round=round, entry=e) for e in entries])
    return round


@pytest.fixture(name="edition")
def edition_fixture(home_page):
    return make_edition(home_page)
