"""Demo judging for `make run`: two rounds on the demo edition, five judges, assignments and scores (idempotent)."""

import datetime
import hashlib
import random
import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from exemplar_pages.models import Locality

from .models import (
    Assignment,
    ContestIndexPage,
    ContestPage,
    Criterion,
    EditionGenre,
    Entry,
    ReceiptCounter,
    Round,
    RoundState,
    ScoreSheet,
)
from .roles import JURY
from .services import judging
from .statuses import EntryStatus

JUDGES = [
    ("giamkhao1", "Nguyễn Thanh", "Hải"),
    ("giamkhao2", "Trần Thị Mỹ", "Linh"),
    ("giamkhao3", "Lê Văn", "Phúc"),
    ("giamkhao4", "Phạm Ngọc", "Trâm"),
    ("giamkhao5", "Võ Minh", "Tâm"),
]
# Known only on a developer's machine (DEBUG); elsewhere the demo judges cannot log in until given a password.
DEMO_PASSWORD = "giamkhao-demo-2025"  # noqa: S105

PRELIMINARY_RUBRIC = [
    ("Nội dung, tư tưởng", "Gương người tốt cụ thể, có ý nghĩa lan tỏa, đúng chủ đề cuộc thi.", 30, "1"),
    ("Tính chân thực", "Nhân vật, sự việc có thật, có địa chỉ xác minh.", 25, "1"),
    ("Nghệ thuật thể hiện", "Bố cục chặt chẽ, ngôn ngữ trong sáng, giàu cảm xúc.", 25, "1"),
    ("Sức lan tỏa", "Khả năng truyền cảm hứng, nhân rộng điển hình.", 20, "1"),
]
FINAL_RUBRIC = [
    ("Nội dung, tư tưởng", "Giá trị tư tưởng và tính điển hình của nhân vật.", 10, "3"),
    ("Tính chân thực", "Đã được địa phương xác nhận.", 10, "2"),
    ("Nghệ thuật thể hiện", "Chất văn, cách dẫn dắt câu chuyện.", 10, "3"),
    ("Sức lan tỏa", "Tác động đến người đọc và cộng đồng.", 10, "2"),
]
SUBJECTS = [
    "Người thầy giáo làng",
    "Cô y tá tận tụy",
    "Bác nông dân hiến đất làm đường",
    "Chàng trai cứu người đuối nước",
    "Người mẹ nuôi mười hai đứa trẻ mồ côi",
    "Tổ phụ nữ tự quản đường hoa",
    "Ông lão sửa xe miễn phí",
    "Chiến sĩ biên phòng và lớp học tình thương",
    "Nữ doanh nhân tạo việc làm cho người khuyết tật",
    "Đội thanh niên tình nguyện ven biên",
]


def _edition():
    edition = ContestPage.objects.order_by("-year", "-pk").first()
    if edition:
        return edition
    from home.demo import ensure_site

    home = ensure_site()
    index = ContestIndexPage.objects.first()
    if index is None:
        index = ContestIndexPage(title="Cuộc thi viết", slug="cuoc-thi")
        home.add_child(instance=index)
        index.save_revision().publish()
    now = timezone.now()
    edition = ContestPage(
        title="Gương người tốt quanh ta 2025",
        slug="2025",
        year=2025,
        code_prefix="GNT2025",
        intro="Cuộc thi viết về những tấm gương người tốt, việc tốt trên địa bàn tỉnh Tây Ninh.",
        submissions_open=now - datetime.timedelta(days=90),
        submissions_close=now - datetime.timedelta(days=20),
        judging_start=timezone.localdate() - datetime.timedelta(days=15),
        judging_end=timezone.localdate() + datetime.timedelta(days=20),
    )
    index.add_child(instance=edition)
    edition.save_revision().publish()
    return edition


def _eligible_entries(edition, wanted=30):
    """The edition's eligible entries; when the submission demo left too few, add some already screened."""
    have = Entry.objects.filter(edition=edition, status=EntryStatus.ELIGIBLE).count()
    if have >= 10:
        return have
    genre = edition.genres.first() or EditionGenre.objects.create(edition=edition, name="Ký", max_words=1600)
    locality = Locality.objects.first() or Locality.objects.create(name="Tân Ninh", kind=Locality.Kind.WARD)
    rng = random.Random(2025)  # noqa: S311 - demo text only
    start = (Entry.objects.filter(edition=edition).aggregate(m=Max("receipt_number"))["m"] or 0) + 1
    entries = []
    for number in range(start, start + wanted - have):
        subject = SUBJECTS[number % len(SUBJECTS)]
        body = (
            f"{subject} ở {locality.name} đã lặng lẽ làm việc tốt suốt nhiều năm. "
            f"Bài viết số {number} kể lại những việc làm giản dị mà bền bỉ ấy, qua lời kể của bà con lối xóm. "
        ) * rng.randint(8, 14)
        entries.append(
            Entry(
                edition=edition,
                receipt_number=number,
                code=f"{edition.code_prefix}-{number:04d}",
                status=EntryStatus.ELIGIBLE,
                author_name=f"Tác giả demo {number}",
                author_birth_year=1960 + number % 40,
                author_phone=f"09{number:08d}",
                author_email=f"tacgia{number}@example.vn",
                author_address="Tây Ninh",
                subject_kind="individual" if number % 5 else "collective",
                subject_name=subject,
                subject_locality=locality,
                subject_address=locality.name,
                subject_contact="UBND phường, 0276 3822 000",
                title=f"{subject} (bài {number})",
                genre=genre,
                body=body,
                word_count=len(body.split()),
                text_hash=hashlib.sha256(body.encode()).hexdigest(),
                access_token_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
                declares_own_work=True,
                declares_unpublished=True,
                consents_to_publication=True,
                consents_to_data_processing=True,
            )
        )
    Entry.objects.bulk_create(entries)
    counter, _created = ReceiptCounter.objects.get_or_create(edition=edition)
    counter.last_number = max(counter.last_number, start + len(entries) - 1)
    counter.save(update_fields=["last_number"])
    return have + len(entries)


def _judges():
    group = Group.objects.get(name=JURY)
    users = []
    for username, first, last in JUDGES:
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@example.vn"}
        )
        if created:
            if settings.DEBUG:
                user.set_password(DEMO_PASSWORD)
            else:
                user.set_unusable_password()
            user.save()
        user.groups.add(group)
        users.append(user)
    return users


def _round(edition, *, order, name, rubric, judges, **fields):
    round = Round.objects.filter(edition=edition, order=order).first()
    if round:
        return round, False
    round = Round.objects.create(edition=edition, order=order, name=name, **fields)
    for position, (criterion, description, max_points, weight) in enumerate(rubric):
        Criterion.objects.create(
            round=round,
            name=criterion,
            description=description,
            max_points=max_points,
            weight=Decimal(weight),
            sort_order=position,
        )
    round.judges.set(judges)
    return round, True


def _score(round, share=0.7):
    """Submit plausible scores for most assignments: each judge a little harsher or more lenient than the next."""
    if ScoreSheet.objects.filter(assignment__round=round).exists():
        return 0
    rng = random.Random(round.pk)  # noqa: S311 - demo scores only
    criteria = list(round.criteria.all())
    leniency = {}
    scored = 0
    for assignment in Assignment.objects.filter(round=round).select_related("judge").order_by("judge_id", "position"):
        bias = leniency.setdefault(assignment.judge_id, rng.uniform(-0.15, 0.15))
        if rng.random() > share:
            continue
        quality = rng.uniform(0.45, 0.9)
        points = {
            c.pk: max(1, min(c.max_points - 1, round_half(c.max_points * (quality + bias + rng.uniform(-0.1, 0.1)))))
            for c in criteria
        }
        judging.save_sheet(
            assignment, points=points, comment="Bài viết có nhân vật rõ nét.", submit=True, user=assignment.judge
        )
        scored += 1
    return scored


def round_half(value):
    return int(value + 0.5)


@transaction.atomic
def load():
    """Two rounds on the newest edition (the first open with scores, the second waiting), five judges."""
    edition = _edition()
    entries = _eligible_entries(edition)
    judges = _judges()
    today = timezone.localdate()
    preliminary, created = _round(
        edition,
        order=1,
        name="Vòng sơ khảo",
        rubric=PRELIMINARY_RUBRIC,
        judges=judges,
        reviews_required=3,
        is_blind=True,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=5),
        advancement_value=Decimal(15),
    )
    if created:
        judging.add_round_entries(preliminary)
        judging.assign_round(preliminary, seed=2025)
        judging.set_round_state(preliminary, RoundState.OPEN, notify_judges=False)
    scored = _score(preliminary) if preliminary.state == RoundState.OPEN else 0
    _round(
        edition,
        order=2,
        name="Vòng chung khảo",
        rubric=FINAL_RUBRIC,
        judges=judges,
        reviews_required=5,
        is_blind=True,
        aggregation="trimmed_mean",
        opens_on=today + datetime.timedelta(days=8),
        closes_on=today + datetime.timedelta(days=20),
        advancement_value=Decimal(5),
    )
    sheets = ScoreSheet.objects.filter(assignment__round=preliminary, state="submitted").count()
    return f"judging: {entries} eligible entries, {len(judges)} judges, {sheets} sheets submitted ({scored} new)"
