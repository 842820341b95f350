"""set_entry_status: only allowed transitions, every change in the audit log."""

import datetime

import pytest

from django.utils import timezone

from wagtail.models import ModelLogEntry

from contest.models import ContestIndexPage, ContestPage, EditionGenre, Entry
from contest.services.status import InvalidTransition, set_entry_status
from contest.statuses import EntryStatus
from exemplar_pages.models import Locality

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(home_page):
    index = ContestIndexPage(title="Cuộc thi", slug="cuoc-thi")
    home_page.add_child(instance=index)
    now = timezone.now()
    edition = ContestPage(
        title="Gương người tốt quanh ta 2025",
        slug="2025",
        year=2025,
        code_prefix="GNT2025",
        submissions_open=now - datetime.timedelta(days=10),
        submissions_close=now + datetime.timedelta(days=10),
    )
    index.add_child(instance=edition)
    genre = EditionGenre.objects.create(edition=edition, name="Ký", max_words=1600)
    locality = Locality.objects.create(name="Tân Ninh", kind=Locality.Kind.WARD)
    return Entry.objects.create(
        edition=edition,
        receipt_number=1,
        code="GNT2025-0001",
        author_name="Nguyễn Văn A",
        author_birth_year=1980,
        author_phone="0900000000",
        author_email="a@example.vn",
        author_address="Tây Ninh",
        subject_kind="individual",
        subject_name="Trần Thị B",
        subject_locality=locality,
        subject_address="Tân Ninh",
        subject_contact="Ông C, 0911111111",
        title="Người tốt",
        genre=genre,
        body="Nội dung",
        text_hash="x" * 64,
        access_token_hash="y" * 64,
    )


def test_allowed_transition_is_saved_and_logged(entry, admin_user):
    set_entry_status(entry, EntryStatus.INELIGIBLE, user=admin_user, reason="Quá số chữ")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.INELIGIBLE
    assert entry.screening_reason == "Quá số chữ"
    log = ModelLogEntry.objects.get(action="contest.entry.status_changed", object_id=str(entry.pk))
    assert log.data == {"from": "submitted", "to": "ineligible", "reason": "Quá số chữ"}
    assert log.user == admin_user
    assert "không hợp lệ" in str(log.message)


def test_forbidden_transition_is_refused_and_changes_nothing(entry):
    with pytest.raises(InvalidTransition):
        set_entry_status(entry, EntryStatus.AWARDED)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    assert not ModelLogEntry.objects.filter(object_id=str(entry.pk)).exists()


def test_withdrawn_is_final(entry):
    set_entry_status(entry, EntryStatus.WITHDRAWN)
    with pytest.raises(InvalidTransition):
        set_entry_status(entry, EntryStatus.ELIGIBLE)
