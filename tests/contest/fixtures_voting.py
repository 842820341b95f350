"""Fixtures for the readers' vote: an edition in its voting window, entries open to the vote, a photo."""

import datetime
import io

import pytest
from PIL import Image

from django.core.files.base import ContentFile
from django.utils import timezone

from contest.models import ContestIndexPage, ContestPage, EditionGenre, Entry, EntryPhoto, VotingCandidate, VotingRules
from contest.statuses import EntryStatus
from exemplar_pages.models import Locality


def make_edition(home_page, *, opens_in=-datetime.timedelta(days=1), lasts=datetime.timedelta(days=7), slug="2025"):
    index = ContestIndexPage.objects.first()
    if index is None:
        index = ContestIndexPage(title="Cuộc thi", slug="cuoc-thi")
        home_page.add_child(instance=index)
    now = timezone.now()
    edition = ContestPage(
        title=f"Gương người tốt quanh ta {slug}",
        slug=slug,
        year=int(slug) if slug.isdigit() else 2025,
        code_prefix=f"GNT{slug}",
        submissions_open=now - datetime.timedelta(days=90),
        submissions_close=now - datetime.timedelta(days=60),
        voting_open=now + opens_in,
        voting_close=now + opens_in + lasts,
    )
    index.add_child(instance=edition)
    edition.save_revision().publish()
    EditionGenre.objects.create(edition=edition, name="Ký", max_words=1600)
    return edition


def make_entry(edition, number, *, status=EntryStatus.FINALIST, open_to_vote=True, locality=None):
    locality = locality or Locality.objects.get_or_create(name="Tân Ninh", kind=Locality.Kind.WARD)[0]
    entry = Entry.objects.create(
        edition=edition,
        receipt_number=number,
        code=f"{edition.code_prefix}-{number:04d}",
        status=status,
        author_name="Nguyễn Văn A",
        author_birth_year=1980,
        author_phone="0900000000",
        author_email=f"tacgia{number}@example.vn",
        author_address="Tây Ninh",
        subject_kind="individual",
        subject_name=f"Bà Trần Thị {number}",
        subject_locality=locality,
        subject_address="Tân Ninh",
        subject_contact="Ông C, 0911111111",
        title=f"Người tốt số {number}",
        genre=edition.genres.first(),
        body="Bà là người hàng xóm tốt bụng, giúp đỡ mọi người.\n\nCâu chuyện về bà được cả xóm kể lại. " * 10,
        text_hash=f"{edition.pk}-{number}".ljust(64, "x"),
        access_token_hash=f"{edition.pk}-{number}".ljust(64, "y"),
        consents_to_publication=True,
    )
    if open_to_vote:
        VotingCandidate.objects.create(edition=edition, entry=entry, sort_order=number)
    return entry


def add_photo(entry):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 30, 30)).save(buffer, "JPEG")
    photo = EntryPhoto(entry=entry, caption="Chân dung", sha256="0" * 64)
    photo.image.save("photo.jpg", ContentFile(buffer.getvalue()), save=False)
    photo.thumbnail.save("thumb.jpg", ContentFile(buffer.getvalue()), save=False)
    photo.width, photo.height = 64, 48
    photo.save()
    return photo


@pytest.fixture
def edition(home_page):
    edition = make_edition(home_page)
    VotingRules.objects.create(edition=edition, max_entries_per_voter=3)
    return edition


@pytest.fixture
def entries(edition):
    return [make_entry(edition, number) for number in (1, 2, 3, 4)]
