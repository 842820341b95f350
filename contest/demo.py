"""Demo content for `make run`: the 2023 edition at its results and the 2025 edition open now, with entries."""

import datetime
import io
import random

from PIL import Image, ImageDraw

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from exemplar_pages.models import Locality
from home.models import HomePage

from .models import ContestIndexPage, ContestPage, EditionGenre, Entry, PrizeTier
from .photos import process_photo
from .services.status import set_entry_status
from .services.submission import submit_entry
from .statuses import EntryStatus

# A few of the province's communes and wards, so entries have a place before the full list is loaded.
DEMO_LOCALITIES = [
    ("Tân Ninh", Locality.Kind.WARD),
    ("Bình Minh", Locality.Kind.WARD),
    ("Long An", Locality.Kind.WARD),
    ("Tân An", Locality.Kind.WARD),
    ("Gò Dầu", Locality.Kind.COMMUNE),
    ("Tân Biên", Locality.Kind.COMMUNE),
    ("Châu Thành", Locality.Kind.COMMUNE),
    ("Cần Giuộc", Locality.Kind.COMMUNE),
    ("Đức Hòa", Locality.Kind.COMMUNE),
    ("Bến Lức", Locality.Kind.COMMUNE),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Hoàng", "Ngọc", "Hữu", "Kim", "Quốc", "Thu"]
GIVEN = ["An", "Bình", "Cúc", "Dũng", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc", "Sáu", "Tâm", "Thảo", "Tư"]
SUBJECTS = [
    ("individual", "Bà {name}, người nấu cơm miễn phí cho bệnh nhân nghèo"),
    ("individual", "Ông {name}, cựu chiến binh hiến đất làm đường"),
    ("individual", "Cô giáo {name} và lớp học tình thương"),
    ("individual", "Anh {name}, người lái xe cứu thương không đồng"),
    ("individual", "Chị {name}, nông dân sản xuất giỏi giúp bà con thoát nghèo"),
    ("collective", "Tổ nhân dân tự quản ấp {place}"),
    ("collective", "Hội Phụ nữ xã {place} với mô hình heo đất tiết kiệm"),
    ("collective", "Đội thanh niên tình nguyện phường {place}"),
]
TITLES = [
    "Nồi cháo tình thương giữa lòng phố",
    "Con đường mang tên nghĩa tình",
    "Người giữ lửa lớp học đêm",
    "Chuyến xe không đồng lúc nửa đêm",
    "Mùa vàng trên cánh đồng {place}",
    "Ấp {place} sáng đèn",
    "Những con heo đất nghĩa tình",
    "Áo xanh tình nguyện giữa mùa lũ",
    "Người tốt quanh ta ở {place}",
    "Bàn tay vàng của ấp nhỏ",
]
SENTENCES = [
    "Mỗi sáng, khi phố còn ngủ, {who} đã nhóm bếp để kịp mang những phần cơm nóng vào bệnh viện.",
    "Người dân {place} vẫn gọi đó là việc nhỏ, nhưng với những bệnh nhân nghèo, đó là cả một tấm lòng.",
    "Suốt nhiều năm qua, {who} chưa một lần nhận tiền công, chỉ mong bà con bớt khó khăn.",
    "Câu chuyện lan đi khắp xóm, rồi những người hàng xóm cũng góp gạo, góp rau, góp sức.",
    "Chính quyền địa phương ghi nhận đây là mô hình hay cần được nhân rộng trong phong trào thi đua.",
    "Khi được hỏi điều gì giữ mình bền bỉ như vậy, {who} chỉ cười: thấy người ta vui là mình vui.",
    "Từ một việc làm tự phát, nay đã thành nếp sinh hoạt chung của cả khu dân cư.",
    "Những tấm gương như thế làm nên sức sống của phong trào Toàn dân đoàn kết xây dựng đời sống văn hóa.",
]
PALETTE = [(178, 34, 34), (11, 92, 59), (30, 90, 160), (200, 140, 20), (110, 60, 140), (60, 60, 60)]


def ensure_localities():
    places = []
    for name, kind in DEMO_LOCALITIES:
        place = Locality.objects.filter(name=name).first()
        if place is None:
            place = Locality.objects.create(name=name, kind=kind)
        places.append(place)
    return places


def ensure_index():
    index = ContestIndexPage.objects.first()
    if index is None:
        home = HomePage.objects.first()
        index = ContestIndexPage(
            title="Cuộc thi viết “Gương người tốt quanh ta”",
            slug="cuoc-thi",
            show_in_menus=True,
            intro="<p>Cuộc thi viết về những tấm gương người tốt, việc tốt trên địa bàn tỉnh, "
            "tổ chức hai năm một lần.</p>",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    return index


RULES = (
    "<p>Đối tượng dự thi: mọi công dân Việt Nam (trừ thành viên Ban Tổ chức, Ban Giám khảo). Bài viết về cá nhân hoặc "
    "tập thể tiêu biểu đang sống, làm việc, học tập tại tỉnh Tây Ninh; người thật, việc thật; chưa đăng trên báo chí "
    "hay mạng xã hội. Mỗi bài gửi kèm ảnh minh họa và thông tin liên hệ để Ban Tổ chức xác minh với địa phương.</p>"
)


def ensure_edition(index, *, year, opens, closes, judging, voting, results):
    edition = ContestPage.objects.filter(year=year).first()
    if edition is not None:
        return edition
    edition = ContestPage(
        title=f"Gương người tốt quanh ta {year}",
        slug=str(year),
        year=year,
        code_prefix=f"GNT{year}",
        intro="Cuộc thi viết tìm kiếm, tôn vinh những tấm gương bình dị mà cao quý quanh ta.",
        partners="Hội Nhà báo tỉnh\nBáo Tây Ninh\nĐài Phát thanh và Truyền hình tỉnh\n"
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
        contact="Phòng Nếp sống văn hóa, Sở VHTTDL — 0276 3822 000",
        rules=RULES,
        submissions_open=opens,
        submissions_close=closes,
        judging_start=judging[0],
        judging_end=judging[1],
        voting_open=voting[0],
        voting_close=voting[1],
        results_date=results,
        min_words=200,
        min_photos=1,
        max_photos=5,
        entries_per_author=3,
    )
    index.add_child(instance=edition)
    EditionGenre.objects.create(edition=edition, name="Ký chân dung", max_words=1600, sort_order=0)
    EditionGenre.objects.create(edition=edition, name="Phóng sự", max_words=1600, sort_order=1)
    EditionGenre.objects.create(edition=edition, name="Ghi chép", max_words=1600, sort_order=2)
    EditionGenre.objects.create(edition=edition, name="Truyện ngắn", max_words=2500, sort_order=3)
    prizes = [
        ("Giải Nhất", 1, 30_000_000, False),
        ("Giải Nhì", 2, 20_000_000, False),
        ("Giải Ba", 3, 10_000_000, False),
        ("Giải Khuyến khích", 5, 3_000_000, False),
        ("Giải Bạn đọc bình chọn", 1, 5_000_000, True),
    ]
    for order, (name, count, amount, readers) in enumerate(prizes):
        PrizeTier.objects.create(
            edition=edition, name=name, count=count, amount=amount, is_readers_choice=readers, sort_order=order
        )
    edition.save_revision().publish()
    return edition


def demo_photo(rng, label):
    image = Image.new("RGB", (1200, 800), rng.choice(PALETTE))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randrange(0, 1100), rng.randrange(0, 700)
        draw.ellipse([x, y, x + rng.randrange(60, 300), y + rng.randrange(60, 300)], fill=rng.choice(PALETTE))
    draw.rectangle([0, 720, 1200, 800], fill=(255, 255, 255))
    draw.text((24, 745), label, fill=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile(f"{label}.jpg", buffer.getvalue(), content_type="image/jpeg")


def demo_entry_data(rng, edition, places, n):
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    subject_name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    place = rng.choice(places)
    kind, subject = rng.choice(SUBJECTS)
    sentences = [s.format(who=subject_name, place=place.name) for s in SENTENCES]
    paragraphs = []
    for _ in range(rng.randrange(10, 16)):
        rng.shuffle(sentences)
        paragraphs.append(" ".join(sentences[:4]))
    paragraphs.append(f"(Bài dự thi số {n} của {edition.year}.)")
    return {
        "author_name": name,
        "author_birth_year": rng.randrange(1950, 2005),
        "author_phone": f"09{rng.randrange(10_000_000, 99_999_999)}",
        "author_email": f"tacgia{edition.year}.{n}@example.vn",
        "author_address": f"{place.name}, Tây Ninh",
        "author_workplace": rng.choice(["", "Trường THCS thị trấn", "Hội Nông dân xã", "Báo Tây Ninh (cộng tác viên)"]),
        "co_authors": "",
        "subject_kind": kind,
        "subject_name": subject.format(name=subject_name, place=place.name).split(",")[0],
        "subject_locality": place,
        "subject_address": f"Ấp {rng.randrange(1, 9)}, {place.name}",
        "subject_contact": f"Trưởng ấp, 09{rng.randrange(10_000_000, 99_999_999)}",
        "movement": None,
        "title": rng.choice(TITLES).format(place=place.name),
        "genre": rng.choice(list(edition.genres.all()[:3])),
        "body": "\n\n".join(paragraphs),
        "declares_own_work": True,
        "declares_unpublished": True,
        "consents_to_publication": True,
        "consents_to_data_processing": True,
    }


def add_entries(edition, places, count, *, at):
    rng = random.Random(edition.year)  # noqa: S311 - demo text, not secrets: the same demo every time
    if Entry.objects.filter(edition=edition).exists():
        return Entry.objects.filter(edition=edition).count()
    for n in range(1, count + 1):
        data = demo_entry_data(rng, edition, places, n)
        photos = [demo_photo(rng, f"{edition.year}-{n}-{i}") for i in range(rng.randrange(1, 3))]
        processed = [(process_photo(photo, max_bytes=10 * 1024 * 1024), "") for photo in photos]
        with transaction.atomic():
            submit_entry(edition=edition, data=data, photos=processed, now=at, notify_author=False)
    return Entry.objects.filter(edition=edition).count()


def move_to_results(edition):
    """2023's entries as the results stage leaves them: screened, finalists chosen, prizes awarded."""
    entries = list(Entry.objects.filter(edition=edition, status=EntryStatus.SUBMITTED).order_by("receipt_number"))
    for position, entry in enumerate(entries):
        if position % 7 == 6:
            set_entry_status(entry, EntryStatus.INELIGIBLE, reason="Bài viết vượt quá số chữ quy định.")
            continue
        set_entry_status(entry, EntryStatus.ELIGIBLE)
        if position < 8:
            set_entry_status(entry, EntryStatus.FINALIST)
        if position < 4:
            set_entry_status(entry, EntryStatus.AWARDED)


def load():
    places = ensure_localities()
    index = ensure_index()
    tz = timezone.get_current_timezone()

    def at(year, month, day, hour=0):
        return datetime.datetime(year, month, day, hour, tzinfo=tz)

    past = ensure_edition(
        index,
        year=2023,
        opens=at(2023, 3, 1),
        closes=at(2023, 9, 30, 23),
        judging=(datetime.date(2023, 10, 2), datetime.date(2023, 11, 15)),
        voting=(at(2023, 11, 20), at(2023, 12, 10)),
        results=datetime.date(2024, 1, 9),
    )
    add_entries(past, places, 24, at=at(2023, 6, 1))
    move_to_results(past)

    now = timezone.now()
    today = timezone.localdate()
    current = ensure_edition(
        index,
        year=2025,
        opens=now - datetime.timedelta(days=60),
        closes=now + datetime.timedelta(days=45),
        judging=(today + datetime.timedelta(days=50), today + datetime.timedelta(days=80)),
        voting=(now + datetime.timedelta(days=85), now + datetime.timedelta(days=100)),
        results=today + datetime.timedelta(days=110),
    )
    if not current.is_accepting_entries():
        # Keep the demo edition open whenever `make run` is used again later.
        ContestPage.objects.filter(pk=current.pk).update(
            submissions_open=now - datetime.timedelta(days=60), submissions_close=now + datetime.timedelta(days=45)
        )
        current.refresh_from_db()
    total = add_entries(current, places, 60, at=now)
    return f"contest editions 2023 and 2025 ready ({total} entries in 2025)"
