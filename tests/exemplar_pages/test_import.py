"""Spreadsheet import of exemplars: a dry run names every problem's row and column; the import is all-or-nothing."""

import io

import pytest
from openpyxl import Workbook

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail.models import PageLogEntry

from exemplar_pages.models import ExemplarKind, ExemplarPage
from exemplar_pages.services.importing import IMPORT_ACTION
from tests.factories import AgencyFactory, LocalityFactory, MovementPageFactory, add_lead

pytestmark = pytest.mark.django_db

HEADER = ["Tên", "Loại", "Phong trào", "Cơ quan chủ trì", "Địa bàn", "Lĩnh vực", "Năm công nhận", "Tóm tắt", "Thẻ",
          "Danh hiệu, khen thưởng", "Câu chuyện"]  # fmt: skip


@pytest.fixture
def setup(sections):
    movement = MovementPageFactory(parent=sections["movements"], title="Nông thôn mới", slug="nong-thon-moi")
    lead = AgencyFactory(name="Sở Nông nghiệp và Phát triển nông thôn", short_name="Sở NN&PTNT")
    add_lead(movement, lead)
    LocalityFactory(name="Tân Biên")
    user = get_user_model().objects.create_superuser("bantochuc", "bantochuc@example.vn", "mat-khau-dai-1")
    return {"movement": movement, "lead": lead, "user": user, "library": sections["library"]}


def good_rows():
    return [
        ["Ông Nguyễn Văn Đông", "cá nhân", "nong-thon-moi", "Sở NN&PTNT", "tan bien", "Nông nghiệp", "2024",
         "Nông dân giỏi", "nông dân, vượt khó", "Bằng khen của UBND tỉnh; Chiến sĩ thi đua", "Dòng một\nDòng hai"],
        ["Hợp tác xã Tân Biên", "Hợp tác xã", "Nông thôn mới", "", "Tân Biên", "", "2023", "", "", "", ""],
    ]  # fmt: skip


def xlsx_file(rows, name="danh-sach.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append([int(v) if v.isdigit() else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(rows, name="danh-sach.csv", delimiter=","):
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, ("\ufeff" + buffer.getvalue()).encode("utf-8"))


def post(client, upload, action, publish=True):
    data = {"file": upload, "action": action}
    if publish:
        data["publish"] = "on"
    return client.post("/admin/nhap-guong-dien-hinh/", data)


@pytest.mark.parametrize("make_file", [xlsx_file, csv_file, lambda rows: csv_file(rows, delimiter=";")])
def test_good_file_imports_every_row_with_its_details(client, setup, make_file):
    client.force_login(setup["user"])
    checked = post(client, make_file(good_rows()), "check")
    assert checked.status_code == 200
    assert ExemplarPage.objects.count() == 0  # a dry run saves nothing
    assert "2" in checked.content.decode()
    response = post(client, make_file(good_rows()), "import")
    assert response.status_code == 302
    dong = ExemplarPage.objects.get(title="Ông Nguyễn Văn Đông")
    assert dong.live and dong.slug == "ong-nguyen-van-dong"
    assert (dong.kind, dong.movement_id, dong.lead_agency_id) == (
        ExemplarKind.INDIVIDUAL,
        setup["movement"].pk,
        setup["lead"].pk,
    )
    assert dong.locality.name == "Tân Biên" and dong.year_recognised == 2024
    assert sorted(t.name for t in dong.tags.all()) == ["nông dân", "vượt khó"]
    assert [a.title for a in dong.awards.all()] == ["Bằng khen của UBND tỉnh", "Chiến sĩ thi đua"]
    assert [block.value.source for block in dong.body] == ["<p>Dòng một</p>", "<p>Dòng hai</p>"]
    coop = ExemplarPage.objects.get(title="Hợp tác xã Tân Biên")
    assert coop.kind == ExemplarKind.COOPERATIVE
    assert PageLogEntry.objects.filter(action=IMPORT_ACTION).count() == 2


def test_one_bad_row_imports_nothing_and_names_row_and_column(client, setup):
    client.force_login(setup["user"])
    rows = good_rows() + [
        ["Bà Trần Thị Hoa", "cá nhân", "nong-thon-moi", "", "Xã Không Có", "", "năm ngoái", "", "", "", ""]
    ]
    response = post(client, xlsx_file(rows), "import")
    assert response.status_code == 200
    assert ExemplarPage.objects.count() == 0
    html = response.content.decode()
    assert "<td>4</td><td>Địa bàn</td>" in html  # header is row 1, so the third exemplar is row 4
    assert "<td>4</td><td>Năm công nhận</td>" in html
    assert "Xã Không Có" in html


def test_dry_run_lists_every_problem(client, setup):
    client.force_login(setup["user"])
    rows = [
        ["", "cá nhân", "nong-thon-moi", "", "", "", "", "", "", "", ""],
        ["Một", "người máy", "khong-co", "Sở Lạ", "", "", "1800", "", "", "", ""],
        ["<script>alert(1)</script>", "cá nhân", "nong-thon-moi", "", "", "", "", "", "", "", ""],
        ["Một", "cá nhân", "nong-thon-moi", "", "", "", "", "", "", "", ""],
    ]
    html = post(client, csv_file(rows), "check").content.decode()
    for row, column in [(2, "Tên"), (3, "Loại"), (3, "Phong trào"), (3, "Cơ quan chủ trì"), (3, "Năm công nhận"),
                        (5, "Tên")]:  # fmt: skip
        assert f"<td>{row}</td><td>{column}</td>" in html, (row, column)
    assert "<script>alert(1)</script>" not in html
    assert ExemplarPage.objects.count() == 0


def test_agency_must_lead_the_movement(client, setup):
    client.force_login(setup["user"])
    AgencyFactory(name="Sở Y tế")
    rows = [["Bác sĩ An", "cá nhân", "nong-thon-moi", "Sở Y tế", "", "", "", "", "", "", ""]]
    html = post(client, csv_file(rows), "import").content.decode()
    assert "<td>2</td><td>Cơ quan chủ trì</td>" in html
    assert ExemplarPage.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("anh.png", b"\x89PNG"),
        ("hong.xlsx", b"not a workbook"),
        ("rong.csv", b""),
        ("latin.csv", "Tên,Loại\nĐông,cá nhân".encode("utf-16")),
        ("thieu-cot.csv", "Tên,Ghi chú\nAn,x".encode()),
    ],
)
def test_unreadable_files_get_a_clear_error(client, setup, name, content):
    client.force_login(setup["user"])
    response = post(client, SimpleUploadedFile(name, content), "import")
    assert response.status_code == 200
    assert 'class="error-message"' in response.content.decode() or "help-critical" in response.content.decode()
    assert ExemplarPage.objects.count() == 0


def test_import_as_drafts(client, setup):
    client.force_login(setup["user"])
    post(client, csv_file(good_rows()), "import", publish=False)
    assert ExemplarPage.objects.count() == 2
    assert not ExemplarPage.objects.filter(live=True).exists()


def test_import_needs_page_permissions(client, setup):
    user = get_user_model().objects.create_user("docgia", "docgia@example.vn", "mat-khau-dai-1")
    client.force_login(user)
    response = post(client, csv_file(good_rows()), "import")
    assert response.status_code in (302, 403)
    assert ExemplarPage.objects.count() == 0
