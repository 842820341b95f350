"""Fixtures for submission tests: an open edition, localities, real photos and a valid form's data."""

import datetime
import io
import shutil
import uuid

import pytest
from PIL import Image

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contest.models import ContestIndexPage, ContestPage, EditionGenre, PrizeTier
from contest.services.submission import submit_entry
from exemplar_pages.models import Locality

# Star-imported by test modules: only the fixtures (helpers are imported by name).
__all__ = ["clean_slate", "edition", "locality"]

WORDS = [
    "Chị",
    "Lan",
    "dậy",
    "từ",
    "bốn",
    "giờ",
    "sáng",
    "để",
    "nấu",
    "cháo",
    "mang",
    "vào",
    "bệnh",
    "viện",
    "cho",
    "người",
    "nghèo",
    "ở",
    "xã",
    "Tân",
    "Ninh",
]


def text_of(words, seed=""):
    """A text of exactly `words` words; `seed` makes it unique."""
    body = [WORDS[i % len(WORDS)] for i in range(words - 1)]
    return " ".join([f"{seed}mở-đầu", *body])


def jpeg_bytes(size=(640, 480), colour=(200, 40, 40), with_gps=True):
    image = Image.new("RGB", size, colour)
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0110] = "Model X"
    if with_gps:
        exif[0x8825] = {1: "N", 2: (11.0, 18.0, 36.0), 3: "E", 4: (106.0, 6.0, 0.0)}
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def photo_upload(name="anh.jpg", **kwargs):
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


@pytest.fixture
def clean_slate(settings):
    """An empty cache (rate limits) and an empty private storage folder, so a test sees only its own files."""
    cache.clear()
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT, ignore_errors=True)
    yield
    cache.clear()


def make_edition(home_page, *, year=2025, opens=-10, closes=10, **extra):
    index = ContestIndexPage.objects.first()
    if index is None:
        index = ContestIndexPage(title="Cuộc thi viết", slug="cuoc-thi")
        home_page.add_child(instance=index)
        index.save_revision().publish()
    now = timezone.now()
    edition = ContestPage(
        title=f"Gương người tốt quanh ta {year}",
        slug=str(year),
        year=year,
        code_prefix=f"GNT{year}",
        submissions_open=now + datetime.timedelta(days=opens),
        submissions_close=now + datetime.timedelta(days=closes),
        min_words=50,
        min_photos=1,
        max_photos=3,
        max_photo_megabytes=2,
        entries_per_author=2,
        partners="Hội Nhà báo tỉnh\nBáo Tây Ninh",
        **extra,
    )
    index.add_child(instance=edition)
    EditionGenre.objects.create(edition=edition, name="Ký chân dung", max_words=300, sort_order=0)
    EditionGenre.objects.create(edition=edition, name="Phóng sự", max_words=500, sort_order=1)
    PrizeTier.objects.create(edition=edition, name="Giải Nhất", count=1, amount=30_000_000)
    edition.save_revision().publish()
    return ContestPage.objects.get(pk=edition.pk)


@pytest.fixture
def edition(home_page):
    return make_edition(home_page)


@pytest.fixture
def locality(db):
    return Locality.objects.create(name="Tân Ninh", kind=Locality.Kind.WARD)


def form_data(edition, locality, **overrides):
    data = {
        "author_name": "Nguyễn Thị Hoa",
        "author_birth_year": "1985",
        "author_phone": "0912 345 678",
        "author_email": "hoa@example.vn",
        "author_address": "Phường Tân Ninh, Tây Ninh",
        "author_workplace": "Trường THCS Tân Ninh",
        "co_authors": "",
        "subject_kind": "individual",
        "subject_name": "Bà Trần Thị Lan",
        "subject_locality": str(locality.pk),
        "subject_address": "Khu phố 3, phường Tân Ninh",
        "subject_contact": "Ông Sáu, trưởng khu phố, 0909 000 111",
        "movement": "",
        "title": "Nồi cháo tình thương",
        "genre": str(edition.genres.first().pk),
        "body": text_of(120, seed=str(uuid.uuid4())[:8]),
        "declares_own_work": "on",
        "declares_unpublished": "on",
        "consents_to_publication": "on",
        "consents_to_data_processing": "on",
        "website": "",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def submit_url(edition):
    return edition.url + edition.reverse_subpage("submit")


def entry_data(edition, locality, n=1, **overrides):
    """Cleaned data as SubmissionForm.entry_data() returns it."""
    data = {
        "author_name": f"Tác giả {n}",
        "author_birth_year": 1980,
        "author_phone": "0912345678",
        "author_email": f"tacgia{n}@example.vn",
        "author_address": "Tây Ninh",
        "author_workplace": "",
        "co_authors": "",
        "subject_kind": "individual",
        "subject_name": f"Nhân vật {n}",
        "subject_locality": locality,
        "subject_address": "Tân Ninh",
        "subject_contact": "Trưởng ấp, 0909000111",
        "movement": None,
        "title": f"Bài số {n}",
        "genre": edition.genres.first(),
        "body": text_of(100, seed=f"bai{n}-"),
        "declares_own_work": True,
        "declares_unpublished": True,
        "consents_to_publication": True,
        "consents_to_data_processing": True,
    }
    data.update(overrides)
    return data


def make_entry(edition, locality, n=1, photos=1, **overrides):
    """An entry sent through the service with real processed photos; returns (entry, token)."""
    from contest.photos import process_photo

    processed = [(process_photo(photo_upload(f"{i}.jpg"), max_bytes=5 * 1024 * 1024), "") for i in range(photos)]
    return submit_entry(edition=edition, data=entry_data(edition, locality, n, **overrides), photos=processed)


def status_path(entry, token, route="entry_status", *args):
    return entry.edition.url + entry.edition.reverse_subpage(route, args=[token, *args])
