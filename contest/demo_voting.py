"""Demo content for the readers' vote: voting rules, entries open to the vote and a few confirmed votes; idempotent."""

import datetime
import hashlib

from django.db import transaction
from django.utils import timezone

from exemplar_pages.models import Locality
from home.demo import ensure_site

from .models import (
    ContestIndexPage,
    ContestPage,
    EditionGenre,
    Entry,
    ReceiptCounter,
    Vote,
    Voter,
    VotingCandidate,
    VotingRules,
)
from .services import voting
from .statuses import EntryStatus

DEMO_ENTRIES = [
    (
        "Người giữ lửa bếp ăn 0 đồng",
        "Bà Nguyễn Thị Hoa",
        "Cả xóm gọi bà là “má Hoa”: mười năm nay, bếp ăn của bà nấu cơm miễn phí cho người bệnh.",
    ),
    (
        "Thầy giáo trên sông Vàm Cỏ",
        "Thầy Trần Văn Lợi",
        "Mỗi sáng, chiếc xuồng nhỏ của thầy đưa học trò vùng ven sông đến lớp.",
    ),
    (
        "Tổ tự quản đường quê sáng đèn",
        "Tổ tự quản ấp Tân Hòa",
        "Từ những bóng đèn góp nhặt, tổ tự quản thắp sáng năm cây số đường quê.",
    ),
]
DEMO_VOTERS = ["docgia1@example.vn", "docgia2@example.vn", "docgia3@example.vn"]


def _edition(home):
    edition = ContestPage.objects.order_by("-year", "-pk").first()
    if edition is not None:
        return edition
    index = ContestIndexPage.objects.first()
    if index is None:
        index = ContestIndexPage(title="Cuộc thi viết “Gương người tốt quanh ta”", slug="cuoc-thi")
        home.add_child(instance=index)
        index.save_revision().publish()
    now = timezone.now()
    edition = ContestPage(
        title="Gương người tốt quanh ta 2025",
        slug="2025",
        year=2025,
        code_prefix="GNT2025",
        submissions_open=now - datetime.timedelta(days=120),
        submissions_close=now - datetime.timedelta(days=60),
    )
    index.add_child(instance=edition)
    EditionGenre.objects.create(edition=edition, name="Ký", max_words=1600)
    edition.save_revision().publish()
    return edition


def _open_window(edition):
    """A demo needs a vote to try: give an edition without a voting window one around today."""
    if edition.voting_open and edition.voting_close:
        return
    now = timezone.now()
    edition.voting_open = now - datetime.timedelta(days=2)
    edition.voting_close = now + datetime.timedelta(days=28)
    edition.save_revision().publish()


def _entries(edition):
    existing = list(
        Entry.objects.filter(edition=edition, status__in=voting.VOTABLE_STATUSES, consents_to_publication=True)[:6]
    )
    if existing:
        return existing
    genre = edition.genres.first() or EditionGenre.objects.create(edition=edition, name="Ký", max_words=1600)
    locality = Locality.objects.first() or Locality.objects.create(name="Tân Ninh", kind=Locality.Kind.WARD)
    counter, _ = ReceiptCounter.objects.select_for_update().get_or_create(edition=edition)
    created = []
    for title, subject, opening in DEMO_ENTRIES:
        counter.last_number += 1
        body = f"{opening}\n\n" + "Câu chuyện về những việc làm tốt, lặng lẽ mà bền bỉ, được bà con kể lại. " * 30
        created.append(
            Entry.objects.create(
                edition=edition,
                receipt_number=counter.last_number,
                code=f"{edition.code_prefix}-{counter.last_number:04d}",
                status=EntryStatus.FINALIST,
                author_name="Tác giả minh họa",
                author_birth_year=1985,
                author_phone="0900000000",
                author_email=f"tacgia{counter.last_number}@example.vn",
                author_address="Tây Ninh",
                subject_kind="individual",
                subject_name=subject,
                subject_locality=locality,
                subject_address=locality.name,
                subject_contact="Ban Tổ chức, 0276 3822 000",
                title=title,
                genre=genre,
                body=body,
                word_count=len(body.split()),
                text_hash=hashlib.sha256(body.encode()).hexdigest(),
                access_token_hash=hashlib.sha256(f"demo-{edition.pk}-{counter.last_number}".encode()).hexdigest(),
                declares_own_work=True,
                declares_unpublished=True,
                consents_to_publication=True,
                consents_to_data_processing=True,
            )
        )
    counter.save()
    return created


@transaction.atomic
def load():
    home = ensure_site()
    edition = _edition(home)
    _open_window(edition)
    VotingRules.objects.get_or_create(
        edition=edition, defaults={"max_entries_per_voter": 3, "counts_visibility": "live", "session_minutes": 60}
    )
    entries = _entries(edition)
    for position, entry in enumerate(entries):
        VotingCandidate.objects.get_or_create(edition=edition, entry=entry, defaults={"sort_order": position})
    edition = ContestPage.objects.get(pk=edition.pk)
    votes = 0
    if not Vote.objects.filter(edition=edition).exists() and voting.voting_state(edition, timezone.now()) == "open":
        for number, address in enumerate(DEMO_VOTERS):
            voter, _ = Voter.objects.get_or_create(
                edition=edition,
                email_hash=voting.keyed_hash("email", address),
                defaults={"email": address, "email_domain": "example.vn", "confirmed_at": timezone.now()},
            )
            for entry in entries[: number + 1]:
                voting.vote_in_session(
                    edition=edition, voter=voter, entry=entry, ip=f"192.0.2.{number + 1}", user_agent="Demo"
                )
                votes += 1
    return f"voting ready on {edition.title}: {len(entries)} entries open to the vote, {votes} new demo votes"
